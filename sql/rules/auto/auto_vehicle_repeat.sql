-- id: auto_vehicle_repeat
-- title_zh: 同一车辆频繁出险
-- title_en: Same vehicle in repeated accidents across insurers
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A5
-- severity: 3
-- version: 1
-- tables: [auto_claim]
-- params:
--   short_days:
--     default: 90
--     unit: 天 days
--     description: 短窗口长度 length of the short window
--   short_count:
--     default: 3
--     unit: 起 accidents
--     description: 短窗口内出险次数达到该值即提示 accidents within the short window that flag
--   long_days:
--     default: 365
--     unit: 天 days
--     description: 长窗口长度 length of the long window
--   long_count:
--     default: 5
--     unit: 起 accidents
--     description: 长窗口内出险次数达到该值即提示 accidents within the long window that flag
-- metrics:
--   metric1: 短窗口内最多出险次数 most accidents within the short window
--   metric2: 长窗口内最多出险次数 most accidents within the long window
-- rationale: >-
--   Professional staged-collision crews reuse one vehicle again and again (the Wuhan case: one car
--   in 222 accidents, up to three a day, always the same bumper corner at peak-hour lane changes).
--   No single insurer sees all of them when the car changes insurer or the claims are filed under
--   different parties' policies; counted by VIN token across all companies, three accidents in 90
--   days or five in a year is well beyond what ordinary private cars experience. Accidents are
--   counted once even when both the compulsory and the commercial policy paid.
-- portable: true
WITH repeated AS (
    -- vehicles on enough claim rows at all to reach a count: a small part of all, so the claim
    -- details are carried for these alone
    SELECT vin_token
    FROM auto_claim
    WHERE vin_token IS NOT NULL AND accident_time IS NOT NULL
    GROUP BY vin_token
    HAVING count(*) >= least($short_count, $long_count)
),
source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.accident_time,
           CAST(c.accident_time AS DATE) AS accident_date, c.paid_amount
    FROM auto_claim AS c JOIN repeated AS r ON r.vin_token = c.vin_token
    WHERE c.accident_time IS NOT NULL
),
candidates AS (
    SELECT vin_token
    FROM source
    GROUP BY vin_token
    HAVING count(DISTINCT accident_time) >= least($short_count, $long_count)
),
anchors AS (
    SELECT DISTINCT s.vin_token, s.accident_time, s.accident_date
    FROM source AS s JOIN candidates AS c ON c.vin_token = s.vin_token
),
windows AS (
    SELECT a.vin_token, a.accident_time,
           count(DISTINCT CASE WHEN date_diff('day', a.accident_date, b.accident_date) <= $short_days
                               THEN b.accident_time END) AS n_short,
           count(DISTINCT b.accident_time) AS n_long
    FROM anchors AS a
    JOIN source AS b
      ON b.vin_token = a.vin_token AND b.accident_date >= a.accident_date
     AND date_diff('day', a.accident_date, b.accident_date) <= $long_days
    GROUP BY a.vin_token, a.accident_time
),
flagged AS (
    SELECT vin_token, max(n_short) AS n_short, max(n_long) AS n_long
    FROM windows
    GROUP BY vin_token
    HAVING max(n_short) >= $short_count OR max(n_long) >= $long_count
),
evidence AS (
    SELECT f.vin_token, f.n_short, f.n_long,
           '同一车辆' || CAST($short_days AS VARCHAR) || '天内出险' || CAST(f.n_short AS VARCHAR) || '次、'
           || CAST($long_days AS VARCHAR) || '天内出险' || CAST(f.n_long AS VARCHAR) || '次，涉及'
           || CAST(count(DISTINCT s.company_code) AS VARCHAR) || '家公司，累计赔付'
           || CAST(CAST(wb_round(sum(s.paid_amount) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM flagged AS f JOIN source AS s ON s.vin_token = f.vin_token
    GROUP BY f.vin_token, f.n_short, f.n_long
),
out_rows AS (
    SELECT 'vin:' || s.vin_token AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type,
           s.vin_token AS entity_token, s.vin_mask AS entity_mask, s.paid_amount AS amount,
           e.n_short AS metric1, e.n_long AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.vin_token = e.vin_token
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
