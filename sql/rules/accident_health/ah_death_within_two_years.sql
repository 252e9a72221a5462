-- id: ah_death_within_two_years
-- title_zh: 保单生效两年内身故或全残
-- title_en: Death or total disability within two years of the start
-- line: accident_health
-- fraud_kind: ah_fake_death
-- indicator: H4
-- severity: 2
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- params:
--   max_days:
--     default: 730
--     unit: 天 days
--     description: 起保至身故/全残天数上限 death or total disability at most this many days after the start
--   min_paid:
--     default: 50000.0
--     unit: 元 yuan
--     description: 赔付金额下限 smallest payout reported
-- metrics:
--   metric1: 起保至出险天数 days from start to loss
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Insurance Law Arts 16 and 44 make the first two years the natural review window: non-disclosure
--   can still void the contract and suicide is excluded. Deaths and total disabilities (grades 1–2)
--   within two years of a new policy are where faked deaths and pre-existing conditions concentrate,
--   and industry guidance singles out "1–2年内出险". Most such claims are honest, so this is a weak
--   review flag that adds weight to the stronger death rules on the same person.
-- portable: true
WITH claims AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.loss_date, c.loss_type,
           c.disability_grade, c.paid_amount, coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE (c.loss_type = '身故' OR c.disability_grade IN ('1', '2')) AND c.paid_amount >= $min_paid
),
flagged AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, loss_date, paid_amount, policy_start,
           CASE WHEN loss_type = '身故' THEN '身故' ELSE disability_grade || '级伤残' END AS what,
           date_diff('day', policy_start, loss_date) AS days_after
    FROM claims
    WHERE policy_start IS NOT NULL AND loss_date >= policy_start
      AND date_diff('day', policy_start, loss_date) <= $max_days
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask, paid_amount AS amount,
           days_after AS metric1, paid_amount AS metric2,
           '保单生效后' || CAST(days_after AS VARCHAR) || '天' || what || '(起保' || CAST(policy_start AS VARCHAR)
           || ')，赔付' || CAST(CAST(wb_round(paid_amount / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM flagged
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
