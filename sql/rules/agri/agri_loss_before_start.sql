-- id: agri_loss_before_start
-- title_zh: 农险先出险后投保
-- title_en: Agricultural loss dated before the policy started
-- line: agri
-- fraud_kind: agri_after_loss
-- indicator: G4
-- severity: 5
-- version: 1
-- tables: [agri_claim, agri_policy]
-- metrics:
--   metric1: 出险早于起保的天数 days the loss preceded the start
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A policy covers losses from its start date. A paid claim whose loss date lies before the start
--   date was insured after the loss had already happened (先出险后投保), one of the five agricultural
--   fraud types the campaign names. A wrong date is the only innocent explanation, and the insurer
--   must check it against the inspection record.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.claim_no, k.policy_no, k.farmer_id_token, k.farmer_id_mask, k.loss_date,
           k.paid_amount, p.start_date
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
),
flagged AS (
    SELECT company_code, claim_no, policy_no, farmer_id_token, farmer_id_mask, paid_amount,
           date_diff('day', loss_date, start_date) AS days_before,
           '出险日期' || CAST(loss_date AS VARCHAR) || '早于起保日期' || CAST(start_date AS VARCHAR) || '(早'
           || CAST(date_diff('day', loss_date, start_date) AS VARCHAR) || '天)，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM source
    WHERE loss_date < start_date
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'agri_claim' AS record_kind,
           claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           farmer_id_token AS entity_token, farmer_id_mask AS entity_mask, paid_amount AS amount,
           days_before AS metric1, paid_amount AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'agri_policy', policy_no, 'farmer', 'person',
           farmer_id_token, farmer_id_mask, 0.0, days_before, paid_amount, evidence_zh
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
