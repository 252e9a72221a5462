-- id: pub_med_claim_after_death
-- title_zh: 被保险人身故后仍有住院赔案
-- title_en: Hospital stay billed after the insured person's death
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- indicator: PM2
-- severity: 5
-- version: 1
-- tables: [ah_claim, public_beneficiary]
-- params:
--   grace_days:
--     default: 0
--     unit: 天 days
--     description: 入院晚于死亡日期超过该天数即提示 admission later than the date of death by more than this
-- metrics:
--   metric1: 入院晚于死亡的天数 days the admission follows the death
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Care cannot begin after death. A stay admitted after the insured's recorded date of death is a
--   bill for a service that did not happen (虚假医疗), or an identity used after its owner died —
--   near-certain on its own once the death record is confirmed. The register of deaths is outside
--   any one hospital's or insurer's view, which is why only a shared platform can check it.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.hospital_code, c.paid_amount,
           coalesce(c.admission_date, c.loss_date) AS service_date, b.death_date
    FROM ah_claim AS c
    JOIN public_beneficiary AS b ON b.bene_id_token = c.insured_id_token
    WHERE b.death_date IS NOT NULL
),
flagged AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, hospital_code, paid_amount,
           date_diff('day', death_date, service_date) AS metric1, paid_amount AS metric2,
           '入院日期(' || CAST(service_date AS VARCHAR) || ')晚于死亡日期(' || CAST(death_date AS VARCHAR) || ')'
           AS evidence_zh
    FROM source
    WHERE date_diff('day', death_date, service_date) > $grace_days
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type, insured_id_token AS entity_token,
           insured_id_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'ah_claim', claim_no, 'hospital', 'hospital',
           hospital_code, hospital_code, paid_amount, metric1, metric2, evidence_zh
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
