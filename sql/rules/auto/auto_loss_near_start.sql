-- id: auto_loss_near_start
-- title_zh: 车险新保单起保后短期内出险
-- title_en: Auto accident within days of a new policy's start
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A1
-- severity: 2
-- version: 2
-- tables: [auto_claim, auto_policy]
-- tuning: >-
--   Severity 2 (weak) although DOMAIN.md calls ≤ 7 days "high": renewals can only be recognised
--   when last year's policy was uploaded, and the upload window starts 2018-07-01, so most early
--   claims on renewed cars look like new cover (302 clues, precision < 0.01 on the demo province).
-- params:
--   max_days:
--     default: 7
--     unit: 天 days
--     description: 出险日期距起保日期不超过该天数 accident at most this many days after the start
--   renewal_gap_days:
--     default: 30
--     unit: 天 days
--     description: 同一车辆前一张保单在起保前该天数内到期视为续保，不提示 earlier cover ending within this many days before the start makes it a renewal
-- metrics:
--   metric1: 起保至出险天数 days from start to accident
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A vehicle insured for the first time (not a renewal of cover that just ended) and in an accident
--   within a week is the pattern investigators call 临近起保出险: the policy is bought for a loss
--   that is about to be staged or has already happened. Renewals are excluded because a continuously
--   insured car has an accident in any given week by chance; first cover followed at once by a
--   claim is far rarer, and with a second signal on the same vehicle or person it deserves review.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.paid_amount,
           CAST(c.accident_time AS DATE) AS accident_date, p.start_date
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
),
candidates AS (
    SELECT company_code, claim_no, policy_no, vin_token, vin_mask, paid_amount, accident_date,
           start_date, date_diff('day', start_date, accident_date) AS days_after
    FROM source
    WHERE accident_date >= start_date
      AND date_diff('day', start_date, accident_date) <= $max_days
),
renewed AS (
    SELECT DISTINCT c.company_code, c.claim_no
    FROM candidates AS c
    JOIN auto_policy AS prev
      ON prev.vin_token = c.vin_token AND prev.start_date < c.start_date
     AND prev.end_date < c.start_date
     AND date_diff('day', prev.end_date, c.start_date) <= $renewal_gap_days
),
flagged AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.vin_token, c.vin_mask, c.paid_amount,
           c.accident_date, c.start_date, c.days_after,
           '新保单起保后' || CAST(c.days_after AS VARCHAR) || '天出险(起保' || CAST(c.start_date AS VARCHAR)
           || '，出险' || CAST(c.accident_date AS VARCHAR) || ')，赔付'
           || CAST(CAST(round(c.paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM candidates AS c
    LEFT JOIN renewed AS r ON r.company_code = c.company_code AND r.claim_no = c.claim_no
    WHERE r.claim_no IS NULL
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
