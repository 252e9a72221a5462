-- id: ah_frequent_hospitalisation
-- title_zh: 一年内频繁住院
-- title_en: Frequent hospital stays within a year
-- line: accident_health
-- fraud_kind: ah_multi_company
-- high_risk: [medical_abuse]
-- indicator: H5
-- severity: 3
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   window_days:
--     default: 365
--     unit: 天 days
--     description: 入院时间窗口 window of admission dates
--   min_stays:
--     default: 3
--     unit: 次 stays
--     description: 窗口内住院次数下限 fewest hospital stays within the window
-- metrics:
--   metric1: 窗口内住院次数 hospital stays within the window
--   metric2: 窗口内累计住院天数 days in hospital within the window
-- rationale: >-
--   Hospital-cash and medical cover bought at several insurers pays for every stay, so the people
--   who exploit it are in hospital again and again (挂床, 轻病久住): the Yibin case had 845 days in
--   hospital and 29 claims in four years, another claimant 46 claims. Three or more separate stays
--   within twelve months, counted once each however many insurers paid for them, mark possible
--   medical abuse (医疗滥用). Chronic illness explains some cases, so the diagnoses and insurers are
--   for the reviewer to weigh.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, admission_date, discharge_date,
           paid_amount,
           coalesce(date_diff('day', admission_date, discharge_date), 0) AS stay_days
    FROM ah_claim
    WHERE insured_id_token IS NOT NULL AND admission_date IS NOT NULL
),
stays AS (
    SELECT DISTINCT insured_id_token, admission_date, stay_days FROM source
),
candidates AS (
    SELECT insured_id_token FROM stays GROUP BY insured_id_token
    HAVING count(DISTINCT admission_date) >= $min_stays
),
windows AS (
    SELECT a.insured_id_token, a.admission_date AS anchor, count(DISTINCT b.admission_date) AS n_stays,
           sum(b.stay_days) AS days
    FROM stays AS a
    JOIN candidates AS c ON c.insured_id_token = a.insured_id_token
    JOIN stays AS b
      ON b.insured_id_token = a.insured_id_token AND b.admission_date >= a.admission_date
     AND date_diff('day', a.admission_date, b.admission_date) <= $window_days
    GROUP BY a.insured_id_token, a.admission_date
    HAVING count(DISTINCT b.admission_date) >= $min_stays
),
flagged AS (
    SELECT insured_id_token, anchor, n_stays, days
    FROM (SELECT insured_id_token, anchor, n_stays, days,
                 row_number() OVER (PARTITION BY insured_id_token ORDER BY n_stays DESC, days DESC, anchor)
                     AS rn
          FROM windows) AS ranked
    WHERE rn = 1
),
evidence AS (
    SELECT f.insured_id_token, f.anchor, f.n_stays, f.days,
           CAST($window_days AS VARCHAR) || '天内住院' || CAST(f.n_stays AS VARCHAR) || '次(累计住院'
           || CAST(f.days AS VARCHAR) || '天)，向' || CAST(count(DISTINCT s.company_code) AS VARCHAR)
           || '家公司理赔' || CAST(count(DISTINCT s.company_code || '/' || s.claim_no) AS VARCHAR)
           || '次，累计赔付' || CAST(CAST(wb_round(sum(s.paid_amount) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || '万元' AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.insured_id_token = f.insured_id_token AND s.admission_date >= f.anchor
     AND date_diff('day', f.anchor, s.admission_date) <= $window_days
    GROUP BY f.insured_id_token, f.anchor, f.n_stays, f.days
),
out_rows AS (
    SELECT 'insured:' || e.insured_id_token AS clue_key, s.company_code, 'ah_claim' AS record_kind,
           s.claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           s.insured_id_token AS entity_token, s.insured_id_mask AS entity_mask, s.paid_amount AS amount,
           e.n_stays AS metric1, e.days AS metric2, e.evidence_zh
    FROM evidence AS e
    JOIN source AS s ON s.insured_id_token = e.insured_id_token AND s.admission_date >= e.anchor
     AND date_diff('day', e.anchor, s.admission_date) <= $window_days
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
