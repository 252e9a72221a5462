-- id: pub_med_overlapping_stays
-- title_zh: 同一被保险人住院时间重叠
-- title_en: Overlapping hospital stays of one insured person
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- indicator: PM1
-- severity: 4
-- version: 1
-- tables: [ah_claim]
-- params:
--   min_overlap_days:
--     default: 1
--     unit: 天 days
--     description: 两次住院重叠天数下限(同日转院不算重叠) fewest days two stays overlap (a same-day transfer is no overlap)
-- metrics:
--   metric1: 重叠天数 days the two stays overlap
--   metric2: 是否不同医院(1是0否) different hospitals (1 yes, 0 no)
-- rationale: >-
--   A person cannot lie in two hospital beds at once. Two inpatient stays of the same insured that
--   overlap by a night or more — at one hospital or at two — mean that at least one of them was
--   billed for days that did not happen (虚假住院, phantom or duplicate billing), or that a stay was
--   split and claimed twice. A transfer, where one stay ends on the day the next begins, is not an
--   overlap. Matching on the insured's token across all claims finds what no single hospital's
--   bills show.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, hospital_code, admission_date,
           discharge_date, paid_amount
    FROM ah_claim
    WHERE insured_id_token IS NOT NULL AND admission_date IS NOT NULL AND discharge_date IS NOT NULL
),
candidates AS (
    SELECT insured_id_token
    FROM source
    GROUP BY insured_id_token
    HAVING count(*) >= 2
),
pairs AS (
    SELECT a.company_code AS a_company, a.claim_no AS a_claim, a.hospital_code AS a_hospital,
           a.paid_amount AS a_paid, b.company_code AS b_company, b.claim_no AS b_claim,
           b.hospital_code AS b_hospital, b.paid_amount AS b_paid, a.insured_id_token, a.insured_id_mask,
           date_diff('day', greatest(a.admission_date, b.admission_date),
                     least(a.discharge_date, b.discharge_date)) AS overlap_days,
           CASE WHEN a.hospital_code = b.hospital_code THEN 0 ELSE 1 END AS other_hospital
    FROM source AS a
    JOIN candidates AS k ON k.insured_id_token = a.insured_id_token
    JOIN source AS b
      ON b.insured_id_token = a.insured_id_token
     AND (a.company_code < b.company_code OR (a.company_code = b.company_code AND a.claim_no < b.claim_no))
     AND a.admission_date < b.discharge_date AND b.admission_date < a.discharge_date
),
flagged AS (
    SELECT a_company, a_claim, a_hospital, a_paid, b_company, b_claim, b_hospital, b_paid,
           insured_id_token, insured_id_mask, overlap_days, other_hospital,
           '同一被保险人两次住院时间重叠' || CAST(overlap_days AS VARCHAR) || '天('
           || CASE WHEN other_hospital = 1 THEN '不同医院' ELSE '同一医院' END || ')' AS evidence_zh
    FROM pairs
    WHERE overlap_days >= $min_overlap_days
),
out_rows AS (
    SELECT a_company || '/' || a_claim || '|' || b_company || '/' || b_claim AS clue_key, a_company AS company_code,
           'ah_claim' AS record_kind, a_claim AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask, a_paid AS amount,
           overlap_days AS metric1, other_hospital AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT a_company || '/' || a_claim || '|' || b_company || '/' || b_claim, b_company, 'ah_claim', b_claim,
           'insured', 'person', insured_id_token, insured_id_mask, b_paid, overlap_days, other_hospital, evidence_zh
    FROM flagged
    UNION ALL
    SELECT a_company || '/' || a_claim || '|' || b_company || '/' || b_claim, a_company, 'ah_claim', a_claim,
           'hospital', 'hospital', a_hospital, a_hospital, a_paid, overlap_days, other_hospital, evidence_zh
    FROM flagged
    UNION ALL
    SELECT a_company || '/' || a_claim || '|' || b_company || '/' || b_claim, b_company, 'ah_claim', b_claim,
           'hospital', 'hospital', b_hospital, b_hospital, b_paid, overlap_days, other_hospital, evidence_zh
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
