-- id: pub_med_shared_physician
-- title_zh: 同一经治医师在多家医院出现
-- title_en: Attending physician billing at several hospitals
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- indicator: PM5
-- severity: 3
-- version: 1
-- tables: [ah_claim, public_inpatient_extra]
-- params:
--   min_hospitals:
--     default: 3
--     unit: 家 hospitals
--     description: 经治医师出现的医院数下限 fewest hospitals the physician appears at
-- metrics:
--   metric1: 经治医师出现的医院数 hospitals the physician appears at
--   metric2: 经治医师的住院赔案数 inpatient claims of the physician
-- rationale: >-
--   Collusive billing rings share clinicians: the same physician's name on inpatient claims of several unrelated hospitals is how a recruiter or a paper doctor lends credentials to phantom admissions (医患合谋、挂名医生), and it links the hospitals into one network. Visiting consultants explain some cases, so the rule counts the hospitals and the claims and is a medium signal.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.hospital_code, c.paid_amount,
           x.attending_physician_id_token AS physician_token, x.attending_physician_id_mask AS physician_mask
    FROM ah_claim AS c
    JOIN public_inpatient_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
    WHERE x.attending_physician_id_token IS NOT NULL AND c.hospital_code IS NOT NULL
),
candidates AS (
    SELECT physician_token, count(DISTINCT hospital_code) AS hospitals, count(*) AS claims
    FROM source
    GROUP BY physician_token
    HAVING count(DISTINCT hospital_code) >= $min_hospitals
),
flagged AS (
    SELECT s.company_code, s.claim_no, s.hospital_code, s.paid_amount, s.physician_token, s.physician_mask,
           k.hospitals, k.claims,
           '经治医师在' || CAST(hospitals AS VARCHAR) || '家医院出现，经治赔案' || CAST(claims AS VARCHAR) || '件' AS evidence_zh
    FROM source AS s
    JOIN candidates AS k ON k.physician_token = s.physician_token
),
out_rows AS (
    SELECT physician_token AS clue_key, company_code, 'ah_claim' AS record_kind, claim_no AS record_no,
           'attending_physician' AS role, 'agent' AS entity_type, physician_token AS entity_token,
           physician_mask AS entity_mask, paid_amount AS amount, hospitals AS metric1, claims AS metric2,
           evidence_zh
    FROM flagged
    UNION ALL
    SELECT physician_token, company_code, 'ah_claim', claim_no, 'hospital', 'hospital', hospital_code,
           hospital_code, paid_amount, hospitals, claims, evidence_zh
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
