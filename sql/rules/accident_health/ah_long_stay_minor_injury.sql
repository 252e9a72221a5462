-- id: ah_long_stay_minor_injury
-- title_zh: 轻微伤住院时间过长(轻病久住)
-- title_en: Long hospital stay for a superficial injury
-- line: accident_health
-- fraud_kind: ah_multi_company
-- high_risk: [medical_abuse]
-- indicator: H5
-- severity: 3
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   max_stay_days:
--     default: 20
--     unit: 天 days
--     description: 住院天数超过该值即提示 stays longer than this flag
-- metrics:
--   metric1: 住院天数 days in hospital
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Superficial injuries — contusions, abrasions, ICD-10 S00/S10/…/S90 and T00 — need days of care,
--   not weeks. A stay of more than twenty days for such a diagnosis is the 轻病久住 / 挂床 pattern
--   that inflates hospital-cash and medical claims, especially when the same stay is claimed at
--   several insurers. The diagnosis code is matched first, the diagnosis text as a fallback.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, admission_date, discharge_date,
           diagnosis_code, diagnosis, paid_amount,
           date_diff('day', admission_date, discharge_date) AS stay_days
    FROM ah_claim
    WHERE admission_date IS NOT NULL AND discharge_date IS NOT NULL
      AND (diagnosis_code LIKE 'S_0%' OR diagnosis_code LIKE 'T00%'
           OR diagnosis LIKE '%挫伤%' OR diagnosis LIKE '%擦伤%' OR diagnosis LIKE '%浅表%'
           OR diagnosis LIKE '%软组织%')
),
flagged AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, admission_date, stay_days,
           paid_amount, diagnosis_code, diagnosis
    FROM source
    WHERE stay_days > $max_stay_days
),
out_rows AS (
    SELECT 'stay:' || coalesce(insured_id_token, company_code || '/' || claim_no) || ':'
               || CAST(admission_date AS VARCHAR) AS clue_key,
           company_code, 'ah_claim' AS record_kind, claim_no AS record_no, 'insured' AS role,
           'person' AS entity_type, insured_id_token AS entity_token, insured_id_mask AS entity_mask,
           paid_amount AS amount, stay_days AS metric1, paid_amount AS metric2,
           '轻微伤(' || coalesce(diagnosis_code, '') || coalesce(diagnosis, '') || ')住院'
           || CAST(stay_days AS VARCHAR) || '天(入院' || CAST(admission_date AS VARCHAR) || ')，赔付'
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
