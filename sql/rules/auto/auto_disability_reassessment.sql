-- id: auto_disability_reassessment
-- title_zh: 多次伤残鉴定后评残(鉴定购物)
-- title_en: Disability grade obtained after repeated assessments (assessment shopping)
-- line: auto
-- fraud_kind: auto_injury_broker
-- indicator: A12
-- severity: 3
-- version: 1
-- tables: [auto_claim]
-- params:
--   max_assessments:
--     default: 1
--     unit: 次 assessments
--     description: 鉴定次数超过该值即提示 more assessments than this flag
-- metrics:
--   metric1: 伤残鉴定次数 disability assessments
--   metric2: 最终伤残等级 final disability grade (1 worst – 10)
-- rationale: >-
--   A genuine injury is assessed once. Brokers shop for a qualifying grade: the Shan County case had
--   two "no disability" findings and a third "grade 9". A paid injury claim with a disability grade
--   that needed more than one assessment is reported with the number of assessments, the grade and
--   whether the claim was litigated, so the insurer can ask for every assessment report.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, injured_id_token, injured_id_mask, assessment_count,
           disability_grade, litigation, coalesce(injury_amount, paid_amount) AS injury_paid
    FROM auto_claim
    WHERE disability_grade IS NOT NULL AND assessment_count > $max_assessments
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'injured' AS role, 'person' AS entity_type,
           injured_id_token AS entity_token, injured_id_mask AS entity_mask, injury_paid AS amount,
           assessment_count AS metric1, TRY_CAST(disability_grade AS DOUBLE) AS metric2,
           '伤残鉴定' || CAST(assessment_count AS VARCHAR) || '次后评定为' || disability_grade || '级伤残'
           || CASE WHEN litigation = '是' THEN '(诉讼理赔)' ELSE '' END || '，人伤赔款'
           || CAST(CAST(round(injury_paid) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
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
