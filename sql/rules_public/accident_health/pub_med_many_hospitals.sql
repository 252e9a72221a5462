-- id: pub_med_many_hospitals
-- title_zh: 同一被保险人短期内在多家医院住院
-- title_en: One insured person admitted at several hospitals within a window
-- line: accident_health
-- fraud_kind: ah_multi_company
-- indicator: H5
-- severity: 3
-- version: 1
-- tables: [ah_claim]
-- params:
--   window_days:
--     default: 365
--     unit: 天 days
--     description: 入院时间窗口 window of admission dates
--   min_hospitals:
--     default: 3
--     unit: 家 hospitals
--     description: 窗口内住院医院数下限 fewest hospitals within the window
-- metrics:
--   metric1: 窗口内住院医院数 hospitals within the window
--   metric2: 窗口内住院次数 stays within the window
-- rationale: >-
--   Patients are admitted again and again to the hospital that treats them; a person whose stays
--   within a year are spread over three or more hospitals is either shopping for admissions
--   (医疗滥用) or an identity lent to several billing hospitals, the pattern behind recruited
--   "patients" in hospital fraud rings. Referrals and emergencies explain some, so the rule is a
--   medium signal; it complements the province's frequent-stay rule (ah_frequent_hospitalisation),
--   which counts stays, not hospitals.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, hospital_code, admission_date, paid_amount
    FROM ah_claim
    WHERE insured_id_token IS NOT NULL AND admission_date IS NOT NULL AND hospital_code IS NOT NULL
),
candidates AS (
    SELECT insured_id_token
    FROM source
    GROUP BY insured_id_token
    HAVING count(DISTINCT hospital_code) >= $min_hospitals
),
windows AS (
    SELECT a.insured_id_token, a.claim_no AS anchor, a.admission_date AS anchor_date,
           count(DISTINCT b.hospital_code) AS hospitals, count(*) AS stays
    FROM source AS a
    JOIN candidates AS k ON k.insured_id_token = a.insured_id_token
    JOIN source AS b
      ON b.insured_id_token = a.insured_id_token AND b.admission_date >= a.admission_date
     AND date_diff('day', a.admission_date, b.admission_date) <= $window_days
    GROUP BY a.insured_id_token, a.claim_no, a.admission_date
    HAVING count(DISTINCT b.hospital_code) >= $min_hospitals
),
members AS (
    SELECT b.company_code, b.claim_no, b.insured_id_token, max(w.hospitals) AS hospitals, max(w.stays) AS stays
    FROM windows AS w
    JOIN source AS b
      ON b.insured_id_token = w.insured_id_token AND b.admission_date >= w.anchor_date
     AND date_diff('day', w.anchor_date, b.admission_date) <= $window_days
    GROUP BY b.company_code, b.claim_no, b.insured_id_token
),
flagged AS (
    SELECT s.company_code, s.claim_no, s.insured_id_token, s.insured_id_mask, s.hospital_code, s.paid_amount,
           m.hospitals AS metric1, m.stays AS metric2,
           '同一被保险人' || CAST($window_days AS VARCHAR) || '天内在' || CAST(m.hospitals AS VARCHAR) || '家医院住院'
           || CAST(m.stays AS VARCHAR) || '次' AS evidence_zh
    FROM members AS m
    JOIN source AS s ON s.company_code = m.company_code AND s.claim_no = m.claim_no
),
out_rows AS (
    SELECT insured_id_token AS clue_key, company_code, 'ah_claim' AS record_kind, claim_no AS record_no,
           'insured' AS role, 'person' AS entity_type, insured_id_token AS entity_token,
           insured_id_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT insured_id_token, company_code, 'ah_claim', claim_no, 'hospital', 'hospital', hospital_code,
           hospital_code, paid_amount, metric1, metric2, evidence_zh
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
