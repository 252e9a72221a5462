-- id: auto_loss_after_endorsement
-- title_zh: 车险加保后短期内出险
-- title_en: Auto accident soon after cover was added by endorsement
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A3
-- severity: 3
-- version: 1
-- tables: [auto_claim, auto_policy]
-- params:
--   max_days:
--     default: 15
--     unit: 天 days
--     description: 出险日期距加保批改日期不超过该天数 accident at most this many days after the endorsement
-- metrics:
--   metric1: 加保至出险天数 days from endorsement to accident
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Adding a coverage (加保, e.g. glass, scratches or third-party limits) and claiming on it within
--   two weeks is listed in the auto anti-fraud guidance (加保险种出险时间与加保时间接近): the extra cover
--   is bought because the loss is planned or has happened. A single hit is suspicious rather than
--   proof, since some owners add cover before a long trip, but the insurer should check the claim
--   falls under the added coverage and the damage post-dates the endorsement.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.paid_amount,
           CAST(c.accident_time AS DATE) AS accident_date, p.endorsement_date, p.start_date
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE p.endorsement_date IS NOT NULL
),
flagged AS (
    SELECT company_code, claim_no, policy_no, vin_token, vin_mask, paid_amount,
           date_diff('day', endorsement_date, accident_date) AS days_after,
           '加保批改(' || CAST(endorsement_date AS VARCHAR) || ')后'
           || CAST(date_diff('day', endorsement_date, accident_date) AS VARCHAR) || '天出险，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM source
    WHERE accident_date >= endorsement_date AND endorsement_date > start_date
      AND date_diff('day', endorsement_date, accident_date) <= $max_days
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, days_after AS metric1,
           paid_amount AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'auto_policy', policy_no, 'vehicle', 'vehicle',
           vin_token, vin_mask, 0.0, days_after, paid_amount, evidence_zh
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
