-- id: agri_loss_soon_after_start
-- title_zh: 农险起保后短期内出险(含观察期内出险)
-- title_en: Agricultural loss within days of the start (incl. the livestock waiting period)
-- line: agri
-- fraud_kind: agri_after_loss
-- indicator: G4
-- severity: 3
-- version: 1
-- tables: [agri_claim, agri_policy]
-- params:
--   max_days:
--     default: 15
--     unit: 天 days
--     description: 出险日期距起保日期不超过该天数 loss at most this many days after the start
-- metrics:
--   metric1: 起保至出险天数 days from start to loss
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A loss within two weeks of the start is how insuring-after-the-loss looks when the loss date has
--   been moved past the start date; for livestock it also falls in the waiting period (观察期) during
--   which diseases already present are excluded. Early losses also happen honestly, so the rule is a
--   medium signal whose weight grows with a disaster that began before the start or other clues.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.claim_no, k.policy_no, k.farmer_id_token, k.farmer_id_mask, k.loss_date,
           k.paid_amount, p.start_date, p.category
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
),
flagged AS (
    SELECT company_code, claim_no, policy_no, farmer_id_token, farmer_id_mask, paid_amount,
           date_diff('day', start_date, loss_date) AS days_after,
           '起保后' || CAST(date_diff('day', start_date, loss_date) AS VARCHAR) || '天出险(起保'
           || CAST(start_date AS VARCHAR) || '，出险' || CAST(loss_date AS VARCHAR) || ')'
           || CASE WHEN category = '养殖险' THEN '，处于观察期内' ELSE '' END || '，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM source
    WHERE loss_date >= start_date AND date_diff('day', start_date, loss_date) <= $max_days
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'agri_claim' AS record_kind,
           claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           farmer_id_token AS entity_token, farmer_id_mask AS entity_mask, paid_amount AS amount,
           days_after AS metric1, paid_amount AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'agri_policy', policy_no, 'farmer', 'person',
           farmer_id_token, farmer_id_mask, 0.0, days_after, paid_amount, evidence_zh
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
