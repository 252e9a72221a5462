-- id: pub_auto_recent_address_change
-- title_zh: 理赔前近期变更地址
-- title_en: Policyholder's address changed shortly before the claim
-- line: auto
-- fraud_kind: auto_staged
-- indicator: PV2
-- severity: 2
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- params:
--   max_months:
--     default: 6
--     unit: 月 months
--     description: 地址变更距理赔不超过该月数即提示 address changed at most this many months before the claim
-- metrics:
--   metric1: 地址变更距理赔月数上限 months between the address change and the claim (upper bound of the band)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A recent change of address is one of the standard policyholder red flags (NICB; SAMA's table
--   of typical policyholder fraud indicators lists frequent changes of address and recently
--   obtained cover). Moving shortly before a claim makes the claimant harder to trace and the
--   vehicle's garaging and history harder to verify, and it is how insure-here-claim-there rings
--   (the Qingdao case: insured in one place, accident elsewhere, claim by post) present
--   themselves. The window is a parameter; the public vehicle data records it only in bands.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, x.address_change_months,
           x.address_change_band
    FROM auto_claim AS c
    JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
    WHERE x.address_change_months IS NOT NULL
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, address_change_months AS metric1,
           paid_amount AS metric2,
           '理赔前' || coalesce(address_change_band, CAST(address_change_months AS VARCHAR) || '个月')
           || '内变更过地址' AS evidence_zh
    FROM source
    WHERE address_change_months <= $max_months
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
