-- id: ah_death_multi_company
-- title_zh: 同一身故在多家公司理赔且存在疑点
-- title_en: One death claimed at several insurers with red flags
-- line: accident_health
-- fraud_kind: ah_fake_death
-- indicator: H8
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- params:
--   min_companies:
--     default: 2
--     unit: 家 companies
--     description: 身故理赔公司数下限 fewest insurers paying for the death
--   young_policy_days:
--     default: 730
--     unit: 天 days
--     description: 起保至身故不足该天数为新保单(不可抗辩期内) a death within this many days of a start counts as early
--   min_flags:
--     default: 1
--     unit: 项 flags
--     description: 疑点项数下限 fewest red flags
-- metrics:
--   metric1: 身故理赔公司数 insurers paying for the death
--   metric2: 疑点项数 red flags
-- rationale: >-
--   Faked accidental deaths (虚假身故) are claimed everywhere the person was insured, and carry the
--   marks of the Guangxi ring: death far from home, no medical death certificate or cremation record,
--   a payee who is not next of kin, cover bought shortly before. A death paid by two or more insurers
--   with at least one of these flags (death outside the home province, no death certificate, payee
--   relation "other", policy younger than two years) is reported with the flags listed.
-- portable: true
WITH deaths AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.insured_id_region,
           c.loss_date, c.loss_region_code, c.death_certificate, c.payee_relation, c.paid_amount,
           coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE c.loss_type = '身故' AND c.insured_id_token IS NOT NULL
),
candidates AS (
    SELECT insured_id_token FROM deaths GROUP BY insured_id_token
    HAVING count(DISTINCT company_code) >= $min_companies
),
flags AS (
    SELECT d.insured_id_token, count(DISTINCT d.company_code) AS companies, wb_round(sum(d.paid_amount), 2) AS paid,
           max(CASE WHEN d.loss_region_code IS NOT NULL AND d.insured_id_region IS NOT NULL
                     AND substr(d.loss_region_code, 1, 2) <> substr(d.insured_id_region, 1, 2)
                    THEN 1 ELSE 0 END) AS f_remote,
           max(CASE WHEN d.death_certificate = '否' THEN 1 ELSE 0 END) AS f_no_certificate,
           max(CASE WHEN d.payee_relation IN ('其他', '协保员', '村干部', '修理厂') THEN 1 ELSE 0 END)
               AS f_payee,
           max(CASE WHEN d.policy_start IS NOT NULL
                     AND date_diff('day', d.policy_start, d.loss_date) <= $young_policy_days
                    THEN 1 ELSE 0 END) AS f_young
    FROM deaths AS d JOIN candidates AS c ON c.insured_id_token = d.insured_id_token
    GROUP BY d.insured_id_token
),
flagged AS (
    SELECT insured_id_token, companies, paid, f_remote + f_no_certificate + f_payee + f_young AS n_flags,
           concat_ws('、', CASE WHEN f_remote = 1 THEN '异地身故' END,
                     CASE WHEN f_no_certificate = 1 THEN '无死亡医学证明' END,
                     CASE WHEN f_payee = 1 THEN '领款人非近亲属' END,
                     CASE WHEN f_young = 1 THEN '投保不足两年' END) AS flag_list
    FROM flags
    WHERE f_remote + f_no_certificate + f_payee + f_young >= $min_flags
),
out_rows AS (
    SELECT 'death:' || f.insured_id_token AS clue_key, d.company_code, 'ah_claim' AS record_kind,
           d.claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           d.insured_id_token AS entity_token, d.insured_id_mask AS entity_mask, d.paid_amount AS amount,
           f.companies AS metric1, f.n_flags AS metric2,
           '同一被保险人身故在' || CAST(f.companies AS VARCHAR) || '家公司理赔，合计'
           || CAST(CAST(wb_round(f.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元；疑点：'
           || f.flag_list AS evidence_zh
    FROM flagged AS f JOIN deaths AS d ON d.insured_id_token = f.insured_id_token
)
SELECT
    CAST(clue_key AS VARCHAR) AS clue_key,
    CAST(company_code AS VARCHAR) AS company_code,
    CAST(record_kind AS VARCHAR) AS record_kind,
    CAST(record_no AS VARCHAR) AS record_no,
    CAST(role AS VARCHAR) AS role,
    CAST(entity_type AS VARCHAR) AS entity_type,
    CAST(entity_token AS VARCHAR) AS entity_token,
    CAST(entity_mask AS VARCHAR) AS entity_mask,
    CAST(amount AS DOUBLE) AS amount,
    CAST(metric1 AS DOUBLE) AS metric1,
    CAST(metric2 AS DOUBLE) AS metric2,
    CAST(evidence_zh AS VARCHAR) AS evidence_zh
FROM out_rows
