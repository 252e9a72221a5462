-- id: agri_death_without_disposal
-- title_zh: 养殖死亡理赔无无害化处理记录
-- title_en: Livestock death claim without a safe-disposal record
-- line: agri
-- fraud_kind: agri_false_claim
-- indicator: G6
-- severity: 2
-- version: 1
-- tables: [agri_claim, agri_policy]
-- params:
--   min_heads:
--     default: 1
--     unit: 头 head
--     description: 死亡数量下限 fewest dead animals claimed
-- metrics:
--   metric1: 死亡数量(头) dead animals claimed
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Livestock insurance pays for a dead animal only after its carcass has been safely disposed of
--   (无害化处理), which leaves a disposal record; linking disposal to claims is how several provinces
--   stopped payouts for animals that never died or were sold. A paid livestock death claim without
--   a disposal number is not proof of fraud — the record may simply be missing — so the rule is a
--   weak signal that gains weight with others on the same farmer or account.
-- portable: true
WITH source AS (
    SELECT k.company_code, k.claim_no, k.farmer_id_token, k.farmer_id_mask, k.loss_heads, k.paid_amount
    FROM agri_claim AS k
    JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
    WHERE p.category = '养殖险' AND k.loss_heads >= $min_heads
      AND (k.disposal_no IS NULL OR trim(k.disposal_no) = '')
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'agri_claim' AS record_kind,
           claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           farmer_id_token AS entity_token, farmer_id_mask AS entity_mask, paid_amount AS amount,
           loss_heads AS metric1, paid_amount AS metric2,
           '养殖死亡理赔' || CAST(loss_heads AS VARCHAR) || '头，无无害化处理单号，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM source
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
