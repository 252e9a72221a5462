-- id: auto_loss_before_start
-- title_zh: 车险先出险后投保
-- title_en: Auto accident dated before the policy's start date (insured after the accident)
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A4
-- severity: 5
-- version: 2
-- tables: [auto_claim, auto_policy]
-- metrics:
--   metric1: 出险早于起保的天数 days the accident preceded the start
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A policy covers losses from 00:00 of its start date. An accident dated before the start date was
--   known when the cover was bought: the classic 先出险后投保 pattern the national auto anti-fraud
--   guidance lists first. Genuine data-entry slips exist, which is why the evidence shows both
--   dates, but a paid claim with this pattern needs an explanation from the insurer in every case.
--   The same-day case (accident before the policy was issued) is auto_loss_before_issue.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.accident_time,
           c.paid_amount, p.start_date
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
),
flagged AS (
    SELECT company_code, claim_no, policy_no, vin_token, vin_mask, paid_amount, start_date,
           CAST(accident_time AS DATE) AS accident_date,
           date_diff('day', CAST(accident_time AS DATE), start_date) AS days_before
    FROM source
    WHERE CAST(accident_time AS DATE) < start_date
),
evidence AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, claim_no, policy_no,
           vin_token, vin_mask, paid_amount, days_before,
           '出险日期' || CAST(accident_date AS VARCHAR) || '早于起保日期' || CAST(start_date AS VARCHAR)
           || '(早' || CAST(days_before AS VARCHAR) || '天)，赔付'
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
