-- id: ah_multi_company_then_claim
-- title_zh: 多家公司密集投保后短期内出险索赔
-- title_en: Claims at several insurers soon after cover was bought there in quick succession
-- line: accident_health
-- fraud_kind: ah_multi_company
-- high_risk: [concealment]
-- indicator: H1
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- params:
--   min_companies:
--     default: 3
--     unit: 家 companies
--     description: 索赔公司数下限 fewest insurers claimed from
--   cover_window_days:
--     default: 90
--     unit: 天 days
--     description: 被索赔保单的起保日期跨度上限 the claimed policies all started within this many days
--   claim_days:
--     default: 180
--     unit: 天 days
--     description: 末次投保至首次出险的天数上限 first loss at most this many days after the last start
-- metrics:
--   metric1: 索赔公司数 insurers claimed from
--   metric2: 末次投保至首次出险天数 days from the last start to the first loss
-- rationale: >-
--   The complete multi-company pattern: policies bought at three or more insurers within three
--   months, then a loss within six months of the last purchase, claimed at all of them. It is what
--   the Ar Horqin and Guangxi rings did (insure, stage or invent an accident, collect from every
--   insurer). Each insurer sees a fresh policy and one claim; together they show a plan. Policy
--   start dates are taken from the claim (保单起保日期), or from the underwriting data, so the rule
--   also screens the pre-2017 self-review claims.
-- portable: true
WITH claimants AS (
    -- persons claiming at enough insurers at all: a small part of all, so only their claims are
    -- joined to their policies
    SELECT insured_id_token
    FROM ah_claim
    WHERE insured_id_token IS NOT NULL AND loss_date IS NOT NULL
    GROUP BY insured_id_token
    HAVING count(DISTINCT company_code) >= $min_companies
),
claims AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.loss_date, c.paid_amount,
           coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    JOIN claimants AS m ON m.insured_id_token = c.insured_id_token
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE c.insured_id_token IS NOT NULL AND c.loss_date IS NOT NULL
),
candidates AS (
    SELECT insured_id_token
    FROM claims
    WHERE policy_start IS NOT NULL
    GROUP BY insured_id_token
    HAVING count(DISTINCT company_code) >= $min_companies
),
per_person AS (
    SELECT c.insured_id_token, count(DISTINCT c.company_code) AS companies,
           count(DISTINCT c.company_code || '/' || c.claim_no) AS claims, min(c.policy_start) AS first_start,
           max(c.policy_start) AS last_start, min(c.loss_date) AS first_loss, wb_round(sum(c.paid_amount), 2) AS paid
    FROM claims AS c JOIN candidates AS k ON k.insured_id_token = c.insured_id_token
    WHERE c.policy_start IS NOT NULL
    GROUP BY c.insured_id_token
),
flagged AS (
    SELECT insured_id_token, companies, claims, paid,
           date_diff('day', first_start, last_start) AS cover_span,
           date_diff('day', last_start, first_loss) AS days_to_loss
    FROM per_person
    WHERE date_diff('day', first_start, last_start) <= $cover_window_days
      AND date_diff('day', last_start, first_loss) <= $claim_days
),
out_rows AS (
    SELECT 'insured:' || f.insured_id_token AS clue_key, c.company_code, 'ah_claim' AS record_kind,
           c.claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           c.insured_id_token AS entity_token, c.insured_id_mask AS entity_mask, c.paid_amount AS amount,
           f.companies AS metric1, f.days_to_loss AS metric2,
           '同一被保险人在' || CAST(f.companies AS VARCHAR) || '家公司' || CAST(f.cover_span AS VARCHAR)
           || '天内密集投保，末次投保后' || CAST(f.days_to_loss AS VARCHAR) || '天出险，向'
           || CAST(f.companies AS VARCHAR) || '家公司索赔' || CAST(f.claims AS VARCHAR) || '次，合计赔付'
           || CAST(CAST(wb_round(f.paid / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元' AS evidence_zh
    FROM flagged AS f JOIN claims AS c ON c.insured_id_token = f.insured_id_token
    WHERE c.policy_start IS NOT NULL
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
