-- id: ah_death_shared_payee
-- title_zh: 同一领款人领取多个不同被保险人的身故金
-- title_en: One payee collecting death benefits of several different insureds
-- line: accident_health
-- fraud_kind: ah_fake_death
-- indicator: H8
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   min_insureds:
--     default: 2
--     unit: 人 insureds
--     description: 同一领款账户或领款人领取身故金的不同被保险人数下限 fewest different deceased insureds per payee
-- metrics:
--   metric1: 涉及身故被保险人数 deceased insureds paid to the payee
--   metric2: 身故金合计(元) total death benefits paid
-- rationale: >-
--   A beneficiary normally collects one death benefit — their relative's. The same account or the
--   same payee collecting death benefits for two or more different people is the middleman of a
--   faked-death ring (beneficiary shared across unrelated insureds, DOMAIN H8), or a relative
--   collecting for a family in which several members "died": either way an insurer must look. The
--   payee is matched by account token, else by ID token.
-- portable: true
WITH deaths AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, paid_amount,
           coalesce(payee_account_token, payee_id_token) AS payee,
           CASE WHEN payee_account_token IS NOT NULL THEN 'account' ELSE 'person' END AS payee_type,
           coalesce(payee_account_mask, payee_id_mask) AS payee_mask
    FROM ah_claim
    WHERE loss_type = '身故' AND insured_id_token IS NOT NULL
      AND coalesce(payee_account_token, payee_id_token) IS NOT NULL
),
candidates AS (
    SELECT payee, count(DISTINCT insured_id_token) AS insureds, wb_round(sum(paid_amount), 2) AS paid
    FROM deaths GROUP BY payee HAVING count(DISTINCT insured_id_token) >= $min_insureds
),
out_rows AS (
    SELECT 'payee:' || c.payee AS clue_key, d.company_code, 'ah_claim' AS record_kind,
           d.claim_no AS record_no, 'payee' AS role, d.payee_type AS entity_type,
           d.payee AS entity_token, d.payee_mask AS entity_mask, d.paid_amount AS amount,
           c.insureds AS metric1, c.paid AS metric2,
           '同一领款人领取' || CAST(c.insureds AS VARCHAR) || '名不同被保险人的身故金，合计'
           || CAST(CAST(wb_round(c.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元' AS evidence_zh
    FROM candidates AS c JOIN deaths AS d ON d.payee = c.payee
    UNION ALL
    SELECT 'payee:' || c.payee, d.company_code, 'ah_claim', d.claim_no, 'insured', 'person',
           d.insured_id_token, d.insured_id_mask, 0.0, c.insureds, c.paid,
           '同一领款人领取' || CAST(c.insureds AS VARCHAR) || '名不同被保险人的身故金，合计'
           || CAST(CAST(wb_round(c.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
    FROM candidates AS c JOIN deaths AS d ON d.payee = c.payee
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
