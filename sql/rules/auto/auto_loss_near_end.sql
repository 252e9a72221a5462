-- id: auto_loss_near_end
-- title_zh: 车险临近终保出险
-- title_en: Auto accident in the last days before the policy ends
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A2
-- severity: 2
-- version: 1
-- tables: [auto_claim, auto_policy]
-- params:
--   max_days:
--     default: 15
--     unit: 天 days
--     description: 出险日期距终保日期不超过该天数 accident at most this many days before the end
-- metrics:
--   metric1: 出险至终保天数 days from accident to policy end
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Industry guidance lists 出险时间与保单到期日接近 among the signs of a fabricated or staged loss:
--   a policyholder who will not renew, or is moving the vehicle to another insurer, has a last chance
--   to turn old damage into a claim. Many honest accidents also fall in the last fortnight, so this
--   is a weak context flag that matters only beside other signals on the same vehicle or person.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.paid_amount,
           CAST(c.accident_time AS DATE) AS accident_date, p.end_date
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
),
flagged AS (
    SELECT company_code, claim_no, policy_no, vin_token, vin_mask, paid_amount,
           date_diff('day', accident_date, end_date) AS days_left,
           '终保前' || CAST(date_diff('day', accident_date, end_date) AS VARCHAR) || '天出险(终保'
           || CAST(end_date AS VARCHAR) || '，出险' || CAST(accident_date AS VARCHAR) || ')，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM source
    WHERE accident_date <= end_date AND date_diff('day', accident_date, end_date) <= $max_days
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, days_left AS metric1,
           paid_amount AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'auto_policy', policy_no, 'vehicle', 'vehicle',
           vin_token, vin_mask, 0.0, days_left, paid_amount, evidence_zh
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
