-- id: ah_duplicate_receipt
-- title_zh: 同一医疗票据多次理赔
-- title_en: Same medical receipt claimed more than once
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- high_risk: [duplicate_receipts]
-- indicator: H6
-- severity: 5
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
--   metric2: 累计理赔使用金额与票据金额之比 total claimed on the receipt / receipt total
-- rationale: >-
--   A medical receipt (票据代码 + 票据号码, the key of the national fiscal e-receipt system) records
--   one payment. Submitting it to two insurers, or twice to one insurer's branches (the Huatai case),
--   turns one expense into two payouts; for indemnity medical cover the total claimed may not exceed
--   the receipt. Matching the receipt key across all insurers' claims finds it with certainty, which
--   no insurer can do alone. The evidence gives the receipt total and the amount claimed on it.
-- portable: true
WITH repeated AS (
    -- receipts on at least min_claims receipt rows at all: the only ones that can be in that many
    -- claims, a small part of all; the distinct steps below run on them alone
    SELECT receipt_code, receipt_no
    FROM medical_receipt
    WHERE receipt_code IS NOT NULL AND receipt_no IS NOT NULL
    GROUP BY receipt_code, receipt_no
    HAVING count(*) >= $min_claims
),
source AS (
    SELECT DISTINCT r.company_code, r.claim_no, r.receipt_code, r.receipt_no, r.amount,
           coalesce(r.claimed_amount, r.amount) AS claimed
    FROM medical_receipt AS r
    JOIN repeated AS d ON d.receipt_code = r.receipt_code AND d.receipt_no = r.receipt_no
),
candidates AS (
    SELECT receipt_code, receipt_no, count(DISTINCT company_code || '/' || claim_no) AS claims,
           count(DISTINCT company_code) AS companies, max(amount) AS receipt_amount,
           wb_round(sum(claimed), 2) AS claimed_total
    FROM source
    GROUP BY receipt_code, receipt_no
    HAVING count(DISTINCT company_code || '/' || claim_no) >= $min_claims
),
flagged AS (
    SELECT c.receipt_code, c.receipt_no, c.claims, c.companies, c.receipt_amount, c.claimed_total,
           s.company_code, s.claim_no, k.insured_id_token, k.insured_id_mask, k.paid_amount,
           '同一医疗票据(代码' || c.receipt_code || '，号码' || c.receipt_no || '，金额'
           || CAST(CAST(round(c.receipt_amount) AS BIGINT) AS VARCHAR) || '元)在'
           || CAST(c.companies AS VARCHAR) || '家公司' || CAST(c.claims AS VARCHAR) || '个赔案中使用，累计理赔使用'
           || CAST(CAST(wb_round(c.claimed_total, 0) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM candidates AS c
    JOIN source AS s ON s.receipt_code = c.receipt_code AND s.receipt_no = c.receipt_no
    LEFT JOIN ah_claim AS k ON k.company_code = s.company_code AND k.claim_no = s.claim_no
),
out_rows AS (
    SELECT 'receipt:' || receipt_code || '/' || receipt_no AS clue_key, company_code,
           'ah_claim' AS record_kind, claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask,
           coalesce(paid_amount, 0) AS amount, claims AS metric1,
           claimed_total / NULLIF(receipt_amount, 0) AS metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT 'receipt:' || receipt_code || '/' || receipt_no, company_code, 'medical_receipt',
           receipt_code || '/' || receipt_no, 'receipt', 'receipt', receipt_code || '/' || receipt_no,
           receipt_code || '/' || receipt_no, 0.0, claims, claimed_total / NULLIF(receipt_amount, 0),
           evidence_zh
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
