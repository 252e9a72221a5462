-- id: ah_multi_company_cover
-- title_zh: 短期内在多家公司投保意外险或医疗险
-- title_en: Accident or hospital cover bought at several insurers within weeks
-- line: accident_health
-- fraud_kind: ah_multi_company
-- high_risk: [concealment]
-- indicator: H1
-- severity: 3
-- version: 1
-- tables: [ah_policy]
-- params:
--   window_days:
--     default: 90
--     unit: 天 days
--     description: 投保时间窗口 window in which the policies started
--   min_companies:
--     default: 3
--     unit: 家 companies
--     description: 窗口内投保公司数下限 fewest insurers within the window
-- metrics:
--   metric1: 窗口内投保公司数 insurers within the window
--   metric2: 窗口内累计保额(元) total sum insured within the window
-- rationale: >-
--   Buying accident or hospital-cash cover from three or more insurers within three months is the
--   first step of the multi-company pattern (多头投保): the Ar Horqin Banner ring had 200+ people
--   insured at 3–8 companies each before 400+ claims, and one claimant reached 26 companies in nine
--   months. Each insurer sees one modest policy; only the cross-company view shows the accumulation,
--   usually not disclosed on the proposal form (隐瞒信息). Employer group cover is excluded because
--   the insured did not choose it.
-- portable: true
WITH candidates AS (
    -- persons insured at min_companies insurers at all: grouped on the two columns it needs, so
    -- the policy details are carried only for these few, and on the person's entity key (a
    -- fixed-width integer groups about twice as fast as the token). Two persons sharing a key
    -- would only pool their insurers: a superset, which the windows below, on the token, decide.
    -- Read from the table itself, not from a step shared with source, which would be held in
    -- memory with every detail of every policy
    SELECT insured_id_key
    FROM (SELECT DISTINCT insured_id_key, company_code
          FROM ah_policy
          WHERE insured_id_key IS NOT NULL AND line IN ('意外险', '医疗险')
            AND coalesce(channel, '') <> '团体保险' AND start_date IS NOT NULL) AS pc
    GROUP BY insured_id_key
    HAVING count(*) >= $min_companies
),
source AS (
    -- the same eligible policies (group cover excluded), of the candidates alone
    SELECT e.company_code, e.policy_no, e.insured_id_token, e.insured_id_mask, e.line, e.sum_insured,
           e.start_date
    FROM ah_policy AS e JOIN candidates AS c ON c.insured_id_key = e.insured_id_key
    WHERE e.insured_id_token IS NOT NULL AND e.line IN ('意外险', '医疗险')
      AND coalesce(e.channel, '') <> '团体保险' AND e.start_date IS NOT NULL
),
anchors AS (
    SELECT DISTINCT s.insured_id_token, s.start_date
    FROM source AS s
),
windows AS (
    SELECT a.insured_id_token, a.start_date AS anchor, count(DISTINCT b.company_code) AS companies,
           wb_round(sum(b.sum_insured), 2) AS total_si, max(b.start_date) AS last_start,
           count(DISTINCT b.company_code || '/' || b.policy_no) AS policies
    FROM anchors AS a
    JOIN source AS b
      ON b.insured_id_token = a.insured_id_token AND b.start_date >= a.start_date
     AND date_diff('day', a.start_date, b.start_date) <= $window_days
    GROUP BY a.insured_id_token, a.start_date
    HAVING count(DISTINCT b.company_code) >= $min_companies
),
flagged AS (
    SELECT insured_id_token, anchor, companies, total_si, last_start, policies
    FROM (SELECT insured_id_token, anchor, companies, total_si, last_start, policies,
                 row_number() OVER (PARTITION BY insured_id_token
                                    ORDER BY companies DESC, total_si DESC, anchor) AS rn
          FROM windows) AS ranked
    WHERE rn = 1
),
out_rows AS (
    SELECT 'insured:' || f.insured_id_token AS clue_key, s.company_code, 'ah_policy' AS record_kind,
           s.policy_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           s.insured_id_token AS entity_token, s.insured_id_mask AS entity_mask, s.sum_insured AS amount,
           f.companies AS metric1, f.total_si AS metric2,
           '同一被保险人' || CAST(date_diff('day', f.anchor, f.last_start) AS VARCHAR) || '天内在'
           || CAST(f.companies AS VARCHAR) || '家公司投保意外险/医疗险' || CAST(f.policies AS VARCHAR)
           || '张，累计保额' || CAST(CAST(wb_round(f.total_si / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR)
           || '万元' AS evidence_zh
    FROM flagged AS f
    JOIN source AS s ON s.insured_id_token = f.insured_id_token AND s.start_date >= f.anchor
     AND date_diff('day', f.anchor, s.start_date) <= $window_days
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
