-- id: ah_shared_payee_account
-- title_zh: 同一账户领取多名非亲属被保险人的意健险赔款
-- title_en: One account collecting accident & health payouts for several unrelated insureds
-- line: accident_health
-- fraud_kind: ah_multi_company
-- indicator: H9
-- severity: 3
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   min_insureds:
--     default: 3
--     unit: 人 insureds
--     description: 非亲属领款的不同被保险人数下限 fewest distinct insureds paid into the account as non-relatives
-- metrics:
--   metric1: 非亲属领款的被保险人数 insureds paid into the account as non-relatives
--   metric2: 赔款合计(元) total paid into the account
-- rationale: >-
--   In the Guangxi family ring one middleman handled every claim and the payouts were withdrawn in
--   cash from accounts he controlled. An account that receives accident & health payouts for three
--   or more different insureds while the payee is recorded as neither the insured nor a close
--   relative (hospitals paid directly are excluded) is where such an organiser collects.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, payee_account_token,
           payee_account_mask, paid_amount, payee_relation
    FROM ah_claim
    WHERE payee_account_token IS NOT NULL AND insured_id_token IS NOT NULL
      AND coalesce(payee_relation, '未填') NOT IN ('本人', '配偶', '子女', '父母', '其他亲属', '医院')
),
candidates AS (
    SELECT payee_account_token, count(DISTINCT insured_id_token) AS insureds, wb_round(sum(paid_amount), 2) AS paid,
           count(DISTINCT company_code) AS companies
    FROM source
    GROUP BY payee_account_token
    HAVING count(DISTINCT insured_id_token) >= $min_insureds
),
out_rows AS (
    SELECT 'account:' || c.payee_account_token AS clue_key, s.company_code, 'ah_claim' AS record_kind,
           s.claim_no AS record_no, 'payee' AS role, 'account' AS entity_type,
           s.payee_account_token AS entity_token, s.payee_account_mask AS entity_mask,
           s.paid_amount AS amount, c.insureds AS metric1, c.paid AS metric2,
           '同一领款账户以非亲属身份领取' || CAST(c.insureds AS VARCHAR) || '名被保险人的赔款，涉及'
           || CAST(c.companies AS VARCHAR) || '家公司，合计'
           || CAST(CAST(wb_round(c.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元' AS evidence_zh
    FROM candidates AS c JOIN source AS s ON s.payee_account_token = c.payee_account_token
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
