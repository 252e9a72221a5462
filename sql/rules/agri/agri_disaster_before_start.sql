-- id: agri_disaster_before_start
-- title_zh: 灾害发生后投保并以该灾害理赔
-- title_en: Policy bought after the disaster began, then claimed for that disaster
-- line: agri
-- fraud_kind: agri_after_loss
-- indicator: G4
-- severity: 4
-- version: 1
-- tables: [agri_claim, agri_policy, disaster_event]
-- params:
--   slack_days:
--     default: 7
--     unit: 天 days
--     description: 出险日期可晚于灾害结束的天数 days the loss may follow the end of the event
-- metrics:
--   metric1: 灾害开始早于起保的天数 days the disaster began before the policy start
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   When a county's flood, drought or epidemic began before a policy's start date and the policy's
--   claim cites the same cause during that same event, the cover was bought for a loss already under
--   way — insuring after the loss, whatever loss date was written on the claim. Disaster events come
--   from the weather and agriculture bureaus, so the check needs no judgement from the insurer's
--   own staff, who may be the ones who backdated the policy.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.claim_no, k.policy_no, k.farmer_id_token, k.farmer_id_mask, k.loss_date,
           k.loss_cause, k.paid_amount, p.start_date, coalesce(k.county_code, p.county_code) AS county_code
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
),
candidates AS (
    SELECT s.company_code, s.claim_no, s.policy_no, s.farmer_id_token, s.farmer_id_mask, s.loss_date,
           s.loss_cause, s.paid_amount, s.start_date, d.start_date AS event_start, d.end_date AS event_end
    FROM source AS s
    JOIN disaster_event AS d
      ON d.county_code = s.county_code AND d.event_type = s.loss_cause
     AND d.start_date < s.start_date
     AND s.loss_date >= d.start_date
     AND date_diff('day', d.end_date, s.loss_date) <= $slack_days
),
flagged AS (
    SELECT company_code, claim_no, policy_no, farmer_id_token, farmer_id_mask, paid_amount,
           max(date_diff('day', event_start, start_date)) AS days_before,
           '当地' || max(loss_cause) || '灾害于' || CAST(min(event_start) AS VARCHAR) || '开始，保单于'
           || CAST(max(start_date) AS VARCHAR) || '才起保，并以该灾害于' || CAST(max(loss_date) AS VARCHAR)
           || '出险理赔' || CAST(CAST(round(max(paid_amount)) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM candidates
    GROUP BY company_code, claim_no, policy_no, farmer_id_token, farmer_id_mask, paid_amount
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
