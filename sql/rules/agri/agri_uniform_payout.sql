-- id: agri_uniform_payout
-- title_zh: 整村平均赔付(亩均赔款完全一致)
-- title_en: Identical per-mu payouts across a whole village (averaged, negotiated settlement)
-- line: agri
-- fraud_kind: agri_false_claim
-- indicator: G7
-- severity: 3
-- version: 1
-- tables: [agri_claim, agri_policy]
-- params:
--   min_claims:
--     default: 10
--     unit: 赔案 claims
--     description: 同村同公司同次出险的赔案数下限 fewest claims of one village, insurer and loss date
--   max_cv:
--     default: 0.01
--     unit: 变异系数 coefficient of variation
--     description: 亩均赔款变异系数不超过该值视为一致 per-mu payouts this uniform or more count as identical
-- metrics:
--   metric1: 亩均赔款变异系数 coefficient of variation of the per-mu payout
--   metric2: 赔案数 claims in the group
-- rationale: >-
--   Real crop losses vary field by field; a loss assessment (查勘定损) produces different loss rates
--   for different plots. When every farmer of a village is paid exactly the same amount per mu for
--   one event, the payout was not assessed but averaged or negotiated (平均赔付/协商赔付), which
--   audits identify as a route for false claims and for paying farmers who suffered no loss. The
--   rule groups claims by insurer, village and loss date and reports groups of ten or more whose
--   per-mu payout has a coefficient of variation at or below 1%.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.claim_no, k.farmer_id_token, k.farmer_id_mask, k.loss_date, k.paid_amount,
           k.loss_area, coalesce(p.village_code, p.county_code) AS village, p.village_name,
           k.paid_amount / NULLIF(k.loss_area, 0) AS per_mu
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
    WHERE k.loss_area > 0 AND k.paid_amount > 0
),
candidates AS (
    SELECT company_code, village, loss_date, count(*) AS claims, avg(per_mu) AS mean_per_mu,
           stddev_pop(per_mu) / NULLIF(avg(per_mu), 0) AS cv
    FROM source
    GROUP BY company_code, village, loss_date
    HAVING count(*) >= $min_claims
),
flagged AS (
    SELECT company_code, village, loss_date, claims, mean_per_mu, cv
    FROM candidates
    WHERE cv <= $max_cv
),
out_rows AS (
    SELECT f.company_code || '/' || f.village || '/' || CAST(f.loss_date AS VARCHAR) AS clue_key,
           s.company_code, 'agri_claim' AS record_kind, s.claim_no AS record_no, 'farmer' AS role,
           'person' AS entity_type, s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask,
           s.paid_amount AS amount, wb_round(f.cv, 6) AS metric1, f.claims AS metric2,
           coalesce(max(s.village_name) OVER (PARTITION BY f.company_code, f.village, f.loss_date), '同村')
           || CAST(f.claims AS VARCHAR) || '户农户' || CAST(f.loss_date AS VARCHAR) || '出险，亩均赔款均为'
           || CAST(CAST(wb_round(f.mean_per_mu, 2) AS DECIMAL(18, 2)) AS VARCHAR) || '元(变异系数'
           || CAST(CAST(wb_round(f.cv, 4) AS DECIMAL(18, 4)) AS VARCHAR) || ')，疑似平均赔付' AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.company_code = f.company_code AND s.village = f.village
     AND s.loss_date = f.loss_date
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
