-- id: pub_auto_high_value_vehicle
-- title_zh: 高价值车辆出险
-- title_en: Claim on a high-value vehicle
-- line: auto
-- fraud_kind: auto_staged
-- indicator: PV5
-- severity: 1
-- version: 1
-- tables: [auto_claim, auto_policy]
-- params:
--   min_price:
--     default: 60000.0
--     unit: 元(数据集币种) dataset currency
--     description: 新车购置价下限 smallest new-vehicle price
-- metrics:
--   metric1: 新车购置价 new-vehicle price
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Expensive vehicles are where inflated repairs and owner give-ups (a car reported stolen or
--   burnt to escape its payments) pay most, and NICB's red flags for theft and fire claims single
--   out high-value and heavily financed vehicles. Value alone is not suspicious; the flag is
--   informational and adds weight only beside the rules that find a suspicious pattern.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, p.new_vehicle_price
    FROM auto_claim AS c
    JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE p.new_vehicle_price IS NOT NULL
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, new_vehicle_price AS metric1,
           paid_amount AS metric2,
           '新车购置价' || CAST(CAST(round(new_vehicle_price) AS BIGINT) AS VARCHAR) || '，属高价值车辆' AS evidence_zh
    FROM source
    WHERE new_vehicle_price >= $min_price
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
