-- id: pub_med_cloned_claims
-- title_zh: 不同被保险人的赔案诊断手术代码完全相同
-- title_en: Identical diagnosis and procedure codes on claims of different persons
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- indicator: PM7
-- severity: 3
-- version: 1
-- tables: [ah_claim, public_inpatient_extra]
-- params:
--   min_codes:
--     default: 3
--     unit: 个 codes
--     description: 诊断代码个数下限(代码太少的赔案本就常见相同) fewest diagnosis codes on a claim (few codes coincide by chance)
--   min_persons:
--     default: 3
--     unit: 人 persons
--     description: 同一代码组合的不同被保险人数下限 fewest different persons with the same code set
-- metrics:
--   metric1: 同一代码组合的被保险人数 persons with the same code set
--   metric2: 同一代码组合的医院数 hospitals billing the same code set
-- rationale: >-
--   Real patients differ: two people's inpatient stays rarely carry the same full list of
--   diagnosis codes in the same order together with the same procedures. Claims that do,
--   for several different persons, are cloned from a template (克隆病历、模板化理赔) — the
--   signature of phantom or fabricated bills produced in batches. Short code lists coincide by
--   chance, so only claims with at least the set number of diagnosis codes are compared.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.hospital_code, c.paid_amount,
           x.diagnosis_codes || '|' || coalesce(x.procedure_codes, '') AS signature,
           array_length(string_split(x.diagnosis_codes, ';')) AS n_codes
    FROM ah_claim AS c
    JOIN public_inpatient_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
    WHERE x.diagnosis_codes IS NOT NULL AND c.insured_id_token IS NOT NULL
),
candidates AS (
    SELECT signature, count(DISTINCT insured_id_token) AS persons, count(DISTINCT hospital_code) AS hospitals
    FROM source
    WHERE n_codes >= $min_codes
    GROUP BY signature
    HAVING count(DISTINCT insured_id_token) >= $min_persons
),
flagged AS (
    SELECT s.company_code, s.claim_no, s.insured_id_token, s.insured_id_mask, s.hospital_code, s.paid_amount,
           s.signature, k.persons AS metric1, k.hospitals AS metric2,
           CAST(k.persons AS VARCHAR) || '名不同被保险人的住院赔案诊断及手术代码完全相同(' || CAST(s.n_codes AS VARCHAR)
           || '个诊断代码，' || CAST(k.hospitals AS VARCHAR) || '家医院)' AS evidence_zh
    FROM source AS s
    JOIN candidates AS k ON k.signature = s.signature
),
out_rows AS (
    SELECT signature AS clue_key, company_code, 'ah_claim' AS record_kind, claim_no AS record_no,
           'insured' AS role, 'person' AS entity_type, insured_id_token AS entity_token,
           insured_id_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT signature, company_code, 'ah_claim', claim_no, 'hospital', 'hospital', hospital_code, hospital_code,
           paid_amount, metric1, metric2, evidence_zh
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
