-- id: agri_claim_without_disaster
-- title_zh: 灾害理赔在当地无对应灾害记录
-- title_en: Weather or epidemic claim with no matching disaster event in the county
-- line: agri
-- fraud_kind: agri_false_claim
-- indicator: G4
-- severity: 2
-- version: 2
-- tables: [agri_claim, agri_policy, disaster_event]
-- params:
--   slack_days:
--     default: 7
--     unit: 天 days
--     description: 出险日期可早于灾害开始或晚于灾害结束的天数 days the loss may fall outside the event
-- metrics:
--   metric1: 该县灾害事件数 disaster events recorded for the county
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Crop and livestock losses from drought, flood, wind, hail, frost, pests or epidemics follow
--   events that the weather and agriculture bureaus record county by county. A claim citing such a
--   cause in a county and at a time where no event of that type is recorded (allowing a week either
--   side) is a loss that did not happen as described (编造保险事故). The rule stays silent when no
--   disaster events have been loaded at all, so a missing reference file cannot flood the clues.
-- tuning: >-
--   Severity lowered from 3 to 2: the county event list records the events the bureaus declared,
--   not every local hailstorm or pest outbreak, and on the demo province four in five such claims
--   were honest (229 clues, precision 0.2). It stays as a red flag that adds to other signals.
-- portable: true
WITH events_loaded AS (
    SELECT count(*) AS n FROM disaster_event
),
source AS (
    SELECT k.company_code, k.claim_no, k.farmer_id_token, k.farmer_id_mask, k.loss_date, k.loss_cause,
           k.paid_amount, coalesce(k.county_code, p.county_code) AS county_code
    FROM agri_claim AS k
    LEFT JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
    WHERE k.loss_cause IN ('旱灾', '洪涝', '风灾', '冰雹', '低温冻害', '病虫害', '疫病')
),
matched AS (
    SELECT DISTINCT s.company_code, s.claim_no
    FROM source AS s
    JOIN disaster_event AS d
      ON d.county_code = s.county_code AND d.event_type = s.loss_cause
     AND date_diff('day', d.start_date, s.loss_date) >= -$slack_days
     AND date_diff('day', d.end_date, s.loss_date) <= $slack_days
),
county_events AS (
    SELECT county_code, count(*) AS n FROM disaster_event GROUP BY county_code
),
flagged AS (
    SELECT s.company_code, s.claim_no, s.farmer_id_token, s.farmer_id_mask, s.loss_date, s.loss_cause,
           s.paid_amount, s.county_code, coalesce(ce.n, 0) AS county_events
    FROM source AS s
    CROSS JOIN events_loaded AS el
    LEFT JOIN matched AS m ON m.company_code = s.company_code AND m.claim_no = s.claim_no
    LEFT JOIN county_events AS ce ON ce.county_code = s.county_code
    WHERE el.n > 0 AND m.claim_no IS NULL
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'agri_claim' AS record_kind,
           claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           farmer_id_token AS entity_token, farmer_id_mask AS entity_mask, paid_amount AS amount,
           county_events AS metric1, paid_amount AS metric2,
           '以' || loss_cause || '为由于' || CAST(loss_date AS VARCHAR) || '出险，但该县('
           || coalesce(county_code, '未知') || ')前后' || CAST($slack_days AS VARCHAR) || '天内无'
           || loss_cause || '灾害记录，赔付' || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元'
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
