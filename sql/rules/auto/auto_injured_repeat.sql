-- id: auto_injured_repeat
-- title_zh: 同一伤者在多起不同车辆事故中索赔
-- title_en: Same injured third party across accidents of unrelated vehicles
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A7
-- severity: 4
-- version: 1
-- tables: [auto_claim, auto_policy]
-- params:
--   min_vehicles:
--     default: 2
--     unit: 辆 vehicles
--     description: 伤者涉及的不同车辆数下限 fewest distinct vehicles the person was injured by
-- metrics:
--   metric1: 涉及不同车辆数 distinct vehicles
--   metric2: 涉及公司数 insurers
-- rationale: >-
--   Being injured as a third party by two unrelated vehicles is unusual for anyone; it is the
--   signature of the professional "victim" used by staging rings (the Qingdao ring: one organiser,
--   36 cases in 11 provinces, injured parties reused, claims by post). Only cases where the person
--   is neither the driver nor the owner of the vehicle are counted, so a driver hurt in their own
--   cars does not fire; matching is by ID token across all insurers.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.accident_time, c.injured_id_token,
           c.injured_id_mask, coalesce(c.injury_amount, c.paid_amount) AS injury_paid
    FROM auto_claim AS c
    LEFT JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE c.injured_id_token IS NOT NULL AND c.vin_token IS NOT NULL
      AND c.injured_id_token <> coalesce(c.driver_id_token, '')
      AND c.injured_id_token <> coalesce(p.owner_id_token, '')
),
candidates AS (
    SELECT injured_id_token
    FROM source
    GROUP BY injured_id_token
    HAVING count(DISTINCT vin_token) >= $min_vehicles
),
evidence AS (
    SELECT s.injured_id_token, count(DISTINCT s.vin_token) AS vehicles,
           count(DISTINCT s.company_code) AS companies,
           '同一伤者在' || CAST(count(DISTINCT s.vin_token) AS VARCHAR) || '辆不同车辆的'
           || CAST(count(DISTINCT s.vin_token || CAST(s.accident_time AS VARCHAR)) AS VARCHAR)
           || '起事故中受伤索赔，涉及' || CAST(count(DISTINCT s.company_code) AS VARCHAR)
           || '家公司，人伤赔款合计'
           || CAST(CAST(wb_round(sum(s.injury_paid) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM source AS s JOIN candidates AS c ON c.injured_id_token = s.injured_id_token
    GROUP BY s.injured_id_token
),
out_rows AS (
    SELECT 'injured:' || s.injured_id_token AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'injured' AS role, 'person' AS entity_type,
           s.injured_id_token AS entity_token, s.injured_id_mask AS entity_mask,
           s.injury_paid AS amount, e.vehicles AS metric1, e.companies AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.injured_id_token = e.injured_id_token
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
