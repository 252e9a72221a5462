-- id: agri_ear_tag_reclaimed
-- title_zh: 同一耳标重复理赔
-- title_en: Same ear tag claimed more than once
-- line: agri
-- fraud_kind: agri_false_claim
-- indicator: G6
-- severity: 5
-- version: 1
-- tables: [agri_claim]
-- params:
--   min_claims:
--     default: 2
--     unit: 赔案 claims
--     description: 同一耳标出现的赔案数下限 fewest claims naming the same ear tag
-- metrics:
--   metric1: 使用该耳标的赔案数 claims naming the tag
--   metric2: 涉及公司数 insurers
-- rationale: >-
--   An ear tag (耳标号) identifies one animal, and a dead animal dies once. The same tag on two
--   death claims — in different years, at different insurers or under different farmers — means a
--   carcass or a tag was reused to claim again (Shanghai's electronic ear tags were introduced to
--   stop exactly this). Tags are compared across all insurers, which no single company can do.
-- portable: true
WITH items AS (
    SELECT company_code, claim_no, farmer_id_token, farmer_id_mask, paid_amount,
           unnest(string_split(ear_tags, ';')) AS tag
    FROM agri_claim
    WHERE ear_tags IS NOT NULL
),
source AS (
    SELECT DISTINCT company_code, claim_no, farmer_id_token, farmer_id_mask, paid_amount, trim(tag) AS tag
    FROM items WHERE trim(tag) <> ''
),
candidates AS (
    SELECT tag, count(DISTINCT company_code || '/' || claim_no) AS claims,
           count(DISTINCT company_code) AS companies
    FROM source
    GROUP BY tag
    HAVING count(DISTINCT company_code || '/' || claim_no) >= $min_claims
),
out_rows AS (
    SELECT 'ear_tag:' || c.tag AS clue_key, s.company_code, 'agri_claim' AS record_kind,
           s.claim_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask, s.paid_amount AS amount,
           c.claims AS metric1, c.companies AS metric2,
           '同一耳标' || c.tag || '在' || CAST(c.claims AS VARCHAR) || '个赔案中理赔，涉及'
           || CAST(c.companies AS VARCHAR) || '家公司' AS evidence_zh
    FROM candidates AS c JOIN source AS s ON s.tag = c.tag
    UNION ALL
    SELECT 'ear_tag:' || c.tag, s.company_code, 'agri_claim', s.claim_no, 'ear_tag', 'ear_tag', c.tag,
           c.tag, 0.0, c.claims, c.companies,
           '同一耳标' || c.tag || '在' || CAST(c.claims AS VARCHAR) || '个赔案中理赔，涉及'
           || CAST(c.companies AS VARCHAR) || '家公司'
    FROM candidates AS c JOIN source AS s ON s.tag = c.tag
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
