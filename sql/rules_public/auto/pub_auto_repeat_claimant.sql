-- id: pub_auto_repeat_claimant
-- title_zh: 投保人既往赔案多
-- title_en: Policyholder with many past claims
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A5
-- severity: 3
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- params:
--   min_past_claims:
--     default: 2
--     unit: 次 claims
--     description: 既往赔案数下限 fewest past claims
-- metrics:
--   metric1: 既往赔案数下限 past claims (lower bound of the band)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   The same vehicle or person in claim after claim is how habitual staged-collision offenders show
--   up (DOMAIN A5/A6: the Wuhan car in 222 accidents). The province rules count claims across
--   insurers from the warehouse itself; the public vehicle data gives only the policyholder's own
--   count of past claims as a band, and this rule flags a count at or above the parameter. Whether
--   a long claims history means fraud in this data is measured by the evaluation, not assumed.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, x.past_claims_min,
           x.past_claims_band
    FROM auto_claim AS c
    JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
    WHERE x.past_claims_min IS NOT NULL
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, past_claims_min AS metric1,
           paid_amount AS metric2,
           '投保人既往赔案' || coalesce(past_claims_band, CAST(past_claims_min AS VARCHAR)) || '次' AS evidence_zh
    FROM source
    WHERE past_claims_min >= $min_past_claims
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
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
