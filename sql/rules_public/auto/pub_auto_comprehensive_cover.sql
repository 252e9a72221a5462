-- id: pub_auto_comprehensive_cover
-- title_zh: 全险保单出险
-- title_en: Claim on an all-perils (comprehensive) policy
-- line: auto
-- fraud_kind: auto_staged
-- indicator: PV1
-- severity: 1
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- metrics:
--   metric1: 车价(数据集币种，按区间代表值) vehicle price (band representative, dataset currency)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   All-perils cover pays for damage of any cause to the insured's own vehicle, including fire,
--   theft and vandalism that need no other party and leave little to check, which is why give-ups,
--   staged fires and fabricated thefts are claimed on it. Holding such cover is ordinary; it is an
--   informational context flag that only adds weight to the rules that find a suspicious pattern
--   in the claim itself.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, x.base_policy,
           x.vehicle_price_band
    FROM auto_claim AS c
    JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, CAST(NULL AS DOUBLE) AS metric1,
           paid_amount AS metric2,
           '全险保单出险(车价区间' || coalesce(vehicle_price_band, '不详') || ')' AS evidence_zh
    FROM source
    WHERE base_policy = '全险'
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
