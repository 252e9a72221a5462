-- id: ah_duplicate_receipt_fallback
-- title_zh: 无票据代码的医疗票据按医院、号码、金额、日期重复理赔
-- title_en: Receipts without a receipt code matched by hospital, number, amount and date
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- high_risk: [duplicate_receipts]
-- indicator: H6
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [medical_receipt, ah_claim]
-- params:
--   min_claims:
--     default: 2
--     unit: 赔案 claims
--     description: 使用同一票据的赔案数下限 fewest claims using the receipt
-- metrics:
--   metric1: 使用该票据的赔案数 claims using the receipt
--   metric2: 票据金额(元) receipt total
-- rationale: >-
--   Paper receipts and some insurers' extracts lack the 票据代码, so the exact key cannot be used.
--   The recognised fallback key is the hospital, the receipt number, the amount and the receipt date
--   together: two claims presenting a receipt that agrees on all four are, with near certainty, the
--   same receipt claimed twice. It is one level below the exact-key rule because numbering can repeat
--   between a hospital's paper receipt books.
-- portable: true
WITH source AS (
    SELECT DISTINCT r.company_code, r.claim_no, coalesce(r.hospital_code, r.hospital_name) AS hospital,
           r.receipt_no, r.amount, r.receipt_date
    FROM medical_receipt AS r
    WHERE r.receipt_code IS NULL AND r.receipt_no IS NOT NULL AND r.amount IS NOT NULL
      AND r.receipt_date IS NOT NULL AND coalesce(r.hospital_code, r.hospital_name) IS NOT NULL
),
candidates AS (
    SELECT hospital, receipt_no, amount, receipt_date,
           count(DISTINCT company_code || '/' || claim_no) AS claims, count(DISTINCT company_code) AS companies
    FROM source
    GROUP BY hospital, receipt_no, amount, receipt_date
    HAVING count(DISTINCT company_code || '/' || claim_no) >= $min_claims
),
flagged AS (
    SELECT c.hospital, c.receipt_no, c.amount, c.receipt_date, c.claims, c.companies, s.company_code,
           s.claim_no, k.insured_id_token, k.insured_id_mask, k.paid_amount,
           c.hospital || '|' || c.receipt_no || '|' || CAST(c.receipt_date AS VARCHAR) || '|'
           || CAST(CAST(round(c.amount * 100) AS BIGINT) AS VARCHAR) AS receipt_key,
           '同一医院(' || c.hospital || ')、同一号码' || c.receipt_no || '、同金额'
           || CAST(CAST(round(c.amount) AS BIGINT) AS VARCHAR) || '元、同日期' || CAST(c.receipt_date AS VARCHAR)
           || '的票据在' || CAST(c.companies AS VARCHAR) || '家公司' || CAST(c.claims AS VARCHAR)
           || '个赔案中使用' AS evidence_zh
    FROM candidates AS c
    JOIN source AS s ON s.hospital = c.hospital AND s.receipt_no = c.receipt_no AND s.amount = c.amount
     AND s.receipt_date = c.receipt_date
    LEFT JOIN ah_claim AS k ON k.company_code = s.company_code AND k.claim_no = s.claim_no
),
out_rows AS (
    SELECT 'receipt:' || receipt_key AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask,
           coalesce(paid_amount, 0) AS amount, claims AS metric1, amount AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT 'receipt:' || receipt_key, company_code, 'medical_receipt', '/' || receipt_no, 'receipt',
           'receipt', receipt_key, receipt_no, 0.0, claims, amount, evidence_zh
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
