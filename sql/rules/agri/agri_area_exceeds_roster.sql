-- id: agri_area_exceeds_roster
-- title_zh: 承保面积或数量超过确权面积或存栏量
-- title_en: Insured area or head count above the registered land or herd
-- line: agri
-- fraud_kind: agri_fictitious
-- indicator: G2
-- severity: 4
-- version: 1
-- tables: [agri_policy, land_roster]
-- params:
--   max_ratio:
--     default: 1.05
--     unit: 倍 ratio
--     description: 承保量超过名册量该倍数即提示 insured quantity above this multiple of the registered one
-- metrics:
--   metric1: 承保量与名册量之比 insured / registered
--   metric2: 承保量(亩或头) insured quantity (mu or head)
-- rationale: >-
--   Audits found fictitious agricultural policies built from the grain-subsidy roster: insured
--   areas larger than the land the farmer has rights to, herds larger than the registered stock.
--   Summed over all insurers for one policy year, a farmer's insured crop area above 1.05 times the
--   land-rights area (种植险), or insured head count above 1.05 times the registered herd (养殖险), is
--   land or animals that do not exist on record. The 5% allows for measurement differences between
--   the roster and the policy.
-- portable: true
WITH roster AS (
    SELECT farmer_id_token, wb_round(sum(coalesce(registered_area, 0)), 4) AS area,
           wb_round(sum(coalesce(registered_heads, 0)), 4) AS heads
    FROM land_roster
    WHERE farmer_id_token IS NOT NULL
    GROUP BY farmer_id_token
),
source AS (
    SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, category, sum_insured,
           year(start_date) AS policy_year,
           CASE WHEN category = '养殖险' THEN 'heads' ELSE 'area' END AS measure,
           CASE WHEN category = '养殖险' THEN CAST(insured_heads AS DOUBLE) ELSE insured_area END AS quantity
    FROM agri_policy
    WHERE farmer_id_token IS NOT NULL AND category IN ('种植险', '养殖险')
),
totals AS (
    SELECT s.farmer_id_token, s.policy_year, s.measure, wb_round(sum(coalesce(s.quantity, 0)), 4) AS insured,
           max(CASE WHEN s.measure = 'heads' THEN r.heads ELSE r.area END) AS registered,
           count(DISTINCT s.company_code) AS companies
    FROM source AS s JOIN roster AS r ON r.farmer_id_token = s.farmer_id_token
    GROUP BY s.farmer_id_token, s.policy_year, s.measure
),
flagged AS (
    SELECT farmer_id_token, policy_year, measure, insured, registered, companies,
           insured / NULLIF(registered, 0) AS ratio
    FROM totals
    WHERE registered > 0 AND insured > $max_ratio * registered
),
out_rows AS (
    SELECT 'farmer:' || f.farmer_id_token || ':' || CAST(f.policy_year AS VARCHAR) || ':' || f.measure
               AS clue_key,
           s.company_code, 'agri_policy' AS record_kind, s.policy_no AS record_no, 'farmer' AS role,
           'person' AS entity_type, s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask,
           s.sum_insured AS amount, wb_round(f.ratio, 6) AS metric1, f.insured AS metric2,
           CAST(f.policy_year AS VARCHAR) || '年在' || CAST(f.companies AS VARCHAR) || '家公司'
           || CASE f.measure WHEN 'heads' THEN '承保数量合计' ELSE '承保面积合计' END
           || CAST(CAST(wb_round(f.insured, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || CASE f.measure WHEN 'heads' THEN '头，存栏量' ELSE '亩，确权面积' END
           || CAST(CAST(wb_round(f.registered, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || CASE f.measure WHEN 'heads' THEN '头' ELSE '亩' END || '，为'
           || CAST(CAST(wb_round(f.ratio, 2) AS DECIMAL(18, 2)) AS VARCHAR) || '倍' AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.farmer_id_token = f.farmer_id_token AND s.policy_year = f.policy_year
     AND s.measure = f.measure
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
