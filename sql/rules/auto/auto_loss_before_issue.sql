-- id: auto_loss_before_issue
-- title_zh: 车险起保当日出险且出险早于签单
-- title_en: Auto accident on the start day but before the policy was issued
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A4
-- severity: 4
-- version: 1
-- tables: [auto_claim, auto_policy]
-- tuning: >-
--   Split from auto_loss_before_start (severity 5) after the demo province showed honest same-day
--   claims whose issue time was recorded hours after the accident; date-only evidence stays at 5.
-- metrics:
--   metric1: 出险早于签单的分钟数 minutes the accident preceded the issue of the policy
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   DOMAIN A4's second form: a policy bought on its start day and an accident that same day before
--   the moment the policy was issued (签单时间) — the owner insured a car that had already crashed
--   (先出险后投保, often with a backdated start). It is one notch below a loss dated before the start
--   date because it rests on the precision of two timestamps: systems that record the approval time
--   rather than the sale time produce look-alikes, so the insurer should compare the issue record.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.accident_time,
           c.paid_amount, p.start_date, p.issue_time
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
),
flagged AS (
    SELECT company_code, claim_no, policy_no, vin_token, vin_mask, paid_amount, start_date,
           (hour(issue_time) * 60 + minute(issue_time)) - (hour(accident_time) * 60 + minute(accident_time))
               AS minutes_before, issue_time, accident_time
    FROM source
    WHERE CAST(accident_time AS DATE) = start_date AND issue_time IS NOT NULL
      AND CAST(issue_time AS DATE) = start_date AND issue_time > accident_time
),
evidence AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, claim_no, policy_no,
           vin_token, vin_mask, paid_amount, minutes_before AS days_before,
           '起保当日(' || CAST(start_date AS VARCHAR) || ')出险，出险时间'
           || lpad(CAST(hour(accident_time) AS VARCHAR), 2, '0') || ':'
           || lpad(CAST(minute(accident_time) AS VARCHAR), 2, '0') || '早于签单时间'
           || lpad(CAST(hour(issue_time) AS VARCHAR), 2, '0') || ':'
           || lpad(CAST(minute(issue_time) AS VARCHAR), 2, '0') || '，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM flagged
),
out_rows AS (
    SELECT clue_key, company_code, 'auto_claim' AS record_kind, claim_no AS record_no,
           'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, days_before AS metric1,
           paid_amount AS metric2, evidence_zh
    FROM evidence
    UNION ALL
    SELECT clue_key, company_code, 'auto_policy', policy_no, 'vehicle', 'vehicle', vin_token,
           vin_mask, 0.0, days_before, paid_amount, evidence_zh
    FROM evidence
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
