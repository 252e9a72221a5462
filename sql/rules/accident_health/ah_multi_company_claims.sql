-- id: ah_multi_company_claims
-- title_zh: 同一被保险人一年内在多家公司理赔
-- title_en: Same insured claiming at several insurers within a year
-- line: accident_health
-- fraud_kind: ah_multi_company
-- indicator: H1
-- severity: 3
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   window_days:
--     default: 365
--     unit: 天 days
--     description: 出险时间窗口 window of loss dates
--   min_companies:
--     default: 3
--     unit: 家 companies
--     description: 窗口内理赔公司数下限 fewest insurers claimed from within the window
-- metrics:
--   metric1: 窗口内理赔公司数 insurers within the window
--   metric2: 窗口内赔案数 claims within the window
-- rationale: >-
--   Claims from one person at three or more insurers within a year are the after-the-fact trace of
--   multi-company insurance fraud (多头投保后制造事故), and the only version that can be screened where
--   underwriting data is missing — the pre-2017 self-review holds claims only. Stacked benefit
--   policies can pay honestly for one serious accident, which is why the rule is a medium signal and
--   the evidence counts claims and insurers separately.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, loss_date, paid_amount
    FROM ah_claim
    WHERE insured_id_token IS NOT NULL AND loss_date IS NOT NULL
),
candidates AS (
    SELECT insured_id_token
    FROM source
    GROUP BY insured_id_token
    HAVING count(DISTINCT company_code) >= $min_companies
),
anchors AS (
    SELECT DISTINCT s.insured_id_token, s.loss_date
    FROM source AS s JOIN candidates AS c ON c.insured_id_token = s.insured_id_token
),
windows AS (
    SELECT a.insured_id_token, a.loss_date AS anchor, count(DISTINCT b.company_code) AS companies,
           count(DISTINCT b.company_code || '/' || b.claim_no) AS claims, wb_round(sum(b.paid_amount), 2) AS paid
    FROM anchors AS a
    JOIN source AS b
      ON b.insured_id_token = a.insured_id_token AND b.loss_date >= a.loss_date
     AND date_diff('day', a.loss_date, b.loss_date) <= $window_days
    GROUP BY a.insured_id_token, a.loss_date
    HAVING count(DISTINCT b.company_code) >= $min_companies
),
flagged AS (
    SELECT insured_id_token, anchor, companies, claims, paid
    FROM (SELECT insured_id_token, anchor, companies, claims, paid,
                 row_number() OVER (PARTITION BY insured_id_token
                                    ORDER BY companies DESC, claims DESC, anchor) AS rn
          FROM windows) AS ranked
    WHERE rn = 1
),
out_rows AS (
    SELECT 'insured:' || f.insured_id_token AS clue_key, s.company_code, 'ah_claim' AS record_kind,
           s.claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           s.insured_id_token AS entity_token, s.insured_id_mask AS entity_mask, s.paid_amount AS amount,
           f.companies AS metric1, f.claims AS metric2,
           '同一被保险人' || CAST($window_days AS VARCHAR) || '天内在' || CAST(f.companies AS VARCHAR)
           || '家公司理赔' || CAST(f.claims AS VARCHAR) || '次，累计赔付'
           || CAST(CAST(wb_round(f.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元' AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.insured_id_token = f.insured_id_token AND s.loss_date >= f.anchor
     AND date_diff('day', f.anchor, s.loss_date) <= $window_days
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
