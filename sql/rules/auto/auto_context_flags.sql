-- id: auto_context_flags
-- title_zh: 车险多项情境红旗叠加
-- title_en: Several auto context red flags on one claim
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A14
-- severity: 2
-- version: 1
-- tables: [auto_claim, auto_policy]
-- params:
--   night_start_hour:
--     default: 22
--     unit: 时 hour
--     description: 夜间开始(含) night starts at this hour
--   night_end_hour:
--     default: 5
--     unit: 时 hour
--     description: 夜间结束(不含) night ends before this hour
--   report_delay_days:
--     default: 2
--     unit: 天 days
--     description: 报案日期晚于出险日期超过该天数为迟报(约48小时) report later than this many days counts as late
--   old_car_years:
--     default: 8
--     unit: 年 years
--     description: 车龄达到该年数为老旧车 vehicle at least this old counts as old
--   total_loss_ratio:
--     default: 0.7
--     unit: 比例 ratio
--     description: 赔付达到保额该比例视为推定全损 paid at least this share of the sum insured counts as total loss
--   min_flags:
--     default: 3
--     unit: 项 flags
--     description: 同一赔案红旗项数下限 fewest red flags on one claim
-- metrics:
--   metric1: 红旗项数 red flags on the claim
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Each circumstance alone is common (night, single-vehicle accident, no police record, report more
--   than 48 hours late, accident outside the vehicle's home province, an old car written off), but
--   fabricated accidents accumulate them because they avoid witnesses and police. Following the
--   NICB lists and Zalma's rule of thumb that three or more red flags justify a referral, the rule
--   counts the flags per claim and reports claims with at least three, as a weak signal to combine.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.accident_time, c.report_time,
           c.accident_type, c.police_record, c.accident_region_code, c.paid_amount, p.region_code,
           p.first_registration_date, p.sum_insured
    FROM auto_claim AS c
    LEFT JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE c.accident_time IS NOT NULL
),
flags AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount,
           CASE WHEN hour(accident_time) >= $night_start_hour OR hour(accident_time) < $night_end_hour
                THEN 1 ELSE 0 END AS f_night,
           CASE WHEN accident_type = '单方事故' THEN 1 ELSE 0 END AS f_single,
           CASE WHEN police_record = '否' THEN 1 ELSE 0 END AS f_no_police,
           CASE WHEN report_time IS NOT NULL AND date_diff('day', CAST(accident_time AS DATE),
                     CAST(report_time AS DATE)) > $report_delay_days THEN 1 ELSE 0 END AS f_late,
           CASE WHEN accident_region_code IS NOT NULL AND region_code IS NOT NULL
                 AND substr(accident_region_code, 1, 2) <> substr(region_code, 1, 2) THEN 1 ELSE 0 END
                AS f_remote,
           CASE WHEN first_registration_date IS NOT NULL AND sum_insured > 0
                 AND date_diff('day', first_registration_date, CAST(accident_time AS DATE))
                     >= $old_car_years * 365
                 AND paid_amount >= $total_loss_ratio * sum_insured THEN 1 ELSE 0 END AS f_old_total
    FROM source
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount,
           f_night + f_single + f_no_police + f_late + f_remote + f_old_total AS n_flags,
           concat_ws('、',
               CASE WHEN f_night = 1 THEN '夜间出险' END,
               CASE WHEN f_single = 1 THEN '单方事故' END,
               CASE WHEN f_no_police = 1 THEN '无交警事故认定' END,
               CASE WHEN f_late = 1 THEN '超48小时报案' END,
               CASE WHEN f_remote = 1 THEN '异地出险' END,
               CASE WHEN f_old_total = 1 THEN '老旧车推定全损' END) AS flag_list
    FROM flags
    WHERE f_night + f_single + f_no_police + f_late + f_remote + f_old_total >= $min_flags
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, n_flags AS metric1, paid_amount AS metric2,
           '同一赔案' || CAST(n_flags AS VARCHAR) || '项红旗：' || flag_list || '，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
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
