-- id: pub_auto_no_claim_history
-- title_zh: 无既往赔案记录的投保人出险
-- title_en: Claim by a policyholder with no claims history
-- line: auto
-- fraud_kind: auto_staged
-- indicator: PV4
-- severity: 1
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- params:
--   max_past_claims:
--     default: 0
--     unit: 次 claims
--     description: 既往赔案数不超过该值即提示 past claims at most this many
-- metrics:
--   metric1: 既往赔案数下限 past claims (lower bound of the band)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A policyholder with no history with the insurer is a new, unverified customer; SAMA's table of
--   policyholder fraud indicators lists recently obtained cover and no prior relationship, and
--   rings that stage accidents for one payout use fresh identities rather than long-standing
--   customers. The opposite pattern, the same person claiming again and again, is A5/A6
--   (pub_auto_repeat_claimant); which of the two carries signal is measured, not assumed.
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
           '投保人既往赔案' || coalesce(past_claims_band, CAST(past_claims_min AS VARCHAR)) || '，首次出险即索赔'
           AS evidence_zh
    FROM source
    WHERE past_claims_min <= $max_past_claims
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
