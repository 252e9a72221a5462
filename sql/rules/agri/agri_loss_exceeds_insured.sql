-- id: agri_loss_exceeds_insured
-- title_zh: 累计受损面积或死亡数量超过承保数量
-- title_en: Claimed damaged area or dead animals exceed what the policy insured
-- line: agri
-- fraud_kind: agri_false_claim
-- indicator: G2
-- severity: 4
-- version: 1
-- tables: [agri_claim, agri_policy]
-- params:
--   max_ratio:
--     default: 1.0
--     unit: 倍 ratio
--     description: 累计受损量超过承保量该倍数即提示 claimed quantity above this multiple of the insured one
-- metrics:
--   metric1: 累计受损量与承保量之比 claimed / insured
--   metric2: 累计受损量(亩或头) claimed quantity (mu or head)
-- rationale: >-
--   A policy cannot lose more than it insured: the damaged area summed over its claims cannot exceed
--   the insured area, nor the dead animals the insured head count. When they do, the loss was
--   exaggerated (夸大损失程度) or the same loss was claimed twice on one policy. The comparison is per
--   policy over all its claims, so a second claim on already-paid land is caught too.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.policy_no, k.claim_no, k.farmer_id_token, k.farmer_id_mask, k.paid_amount,
           coalesce(k.loss_area, 0) AS loss_area, coalesce(k.loss_heads, 0) AS loss_heads,
           p.insured_area, p.insured_heads
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
),
per_policy AS (
    SELECT company_code, policy_no, wb_round(sum(loss_area), 4) AS lost_area, sum(loss_heads) AS lost_heads,
           max(insured_area) AS insured_area, max(insured_heads) AS insured_heads, count(*) AS claims
    FROM source
    GROUP BY company_code, policy_no
),
flagged AS (
    SELECT company_code, policy_no, claims,
           CASE WHEN insured_area > 0 AND lost_area > $max_ratio * insured_area THEN 'area' ELSE 'heads' END
               AS measure,
           CASE WHEN insured_area > 0 AND lost_area > $max_ratio * insured_area THEN lost_area
                ELSE CAST(lost_heads AS DOUBLE) END AS lost,
           CASE WHEN insured_area > 0 AND lost_area > $max_ratio * insured_area THEN insured_area
                ELSE CAST(insured_heads AS DOUBLE) END AS insured
    FROM per_policy
    WHERE (insured_area > 0 AND lost_area > $max_ratio * insured_area)
       OR (insured_heads > 0 AND lost_heads > $max_ratio * insured_heads)
),
out_rows AS (
    SELECT f.company_code || '/' || f.policy_no AS clue_key, s.company_code, 'agri_claim' AS record_kind,
           s.claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask, s.paid_amount AS amount,
           wb_round(f.lost / NULLIF(f.insured, 0), 6) AS metric1, f.lost AS metric2,
           CAST(f.claims AS VARCHAR) || '个赔案累计'
           || CASE f.measure WHEN 'area' THEN '受损面积' ELSE '死亡数量' END
           || CAST(CAST(wb_round(f.lost, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || CASE f.measure WHEN 'area' THEN '亩，超过承保面积' ELSE '头，超过承保数量' END
           || CAST(CAST(wb_round(f.insured, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || CASE f.measure WHEN 'area' THEN '亩' ELSE '头' END AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.company_code = f.company_code AND s.policy_no = f.policy_no
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
