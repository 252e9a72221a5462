-- id: auto_injury_representative
-- title_zh: 同一委托代理人代理多起人伤案件(人伤黄牛)
-- title_en: Same claimant representative across many injury claims (injury broker)
-- line: auto
-- fraud_kind: auto_injury_broker
-- indicator: A11
-- severity: 4
-- version: 1
-- tables: [auto_claim]
-- params:
--   window_days:
--     default: 365
--     unit: 天 days
--     description: 时间窗口 window length
--   min_cases:
--     default: 3
--     unit: 起 cases
--     description: 窗口内代理人伤案件数下限 fewest injury cases in the window
-- metrics:
--   metric1: 窗口内代理人伤案件数 injury cases within the window
--   metric2: 涉及公司数 insurers
-- rationale: >-
--   Injury-claim brokers (人伤黄牛) buy out victims' claims or take a share of them (买断式/分成式),
--   then act as the victims' representative, often litigating to inflate compensation. One
--   representative — matched by name token and agency, or phone token when the name is missing —
--   appearing in three or more injury cases within a year, usually at several insurers, is the
--   pattern the campaign targets. Licensed law firms can reach the count legitimately, which is why
--   the agency is shown and verified firms can be whitelisted.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, CAST(accident_time AS DATE) AS accident_date,
           coalesce(injury_amount, paid_amount) AS injury_paid, injured_id_token, injured_id_mask,
           coalesce(representative_name_token || '@' || coalesce(representative_org, ''),
                    representative_phone_token) AS rep,
           coalesce(representative_name_mask, representative_phone_mask) AS rep_mask,
           representative_org, litigation
    FROM auto_claim
    WHERE (injury = '是' OR injured_id_token IS NOT NULL OR injury_amount > 0)
      AND (representative_name_token IS NOT NULL OR representative_phone_token IS NOT NULL)
      AND accident_time IS NOT NULL
),
candidates AS (
    SELECT rep FROM source GROUP BY rep HAVING count(DISTINCT company_code || '/' || claim_no) >= $min_cases
),
anchors AS (
    SELECT DISTINCT s.rep, s.accident_date FROM source AS s JOIN candidates AS c ON c.rep = s.rep
),
windows AS (
    SELECT a.rep, a.accident_date, count(DISTINCT b.company_code || '/' || b.claim_no) AS n_cases
    FROM anchors AS a
    JOIN source AS b
      ON b.rep = a.rep AND b.accident_date >= a.accident_date
     AND date_diff('day', a.accident_date, b.accident_date) <= $window_days
    GROUP BY a.rep, a.accident_date
),
flagged AS (
    SELECT rep, max(n_cases) AS n_cases FROM windows GROUP BY rep HAVING max(n_cases) >= $min_cases
),
evidence AS (
    SELECT f.rep, f.n_cases, count(DISTINCT s.company_code) AS companies,
           '同一委托代理人' || coalesce(max(s.rep_mask), '') || coalesce('(' || max(s.representative_org) || ')', '')
           || CAST($window_days AS VARCHAR) || '天内代理' || CAST(f.n_cases AS VARCHAR) || '起人伤案件(伤者'
           || CAST(count(DISTINCT s.injured_id_token) AS VARCHAR) || '人，诉讼'
           || CAST(count(DISTINCT CASE WHEN s.litigation = '是' THEN s.company_code || '/' || s.claim_no END)
                   AS VARCHAR)
           || '起)，涉及' || CAST(count(DISTINCT s.company_code) AS VARCHAR) || '家公司，人伤赔款合计'
           || CAST(CAST(wb_round(sum(s.injury_paid) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM flagged AS f JOIN source AS s ON s.rep = f.rep
    GROUP BY f.rep, f.n_cases
),
out_rows AS (
    SELECT 'rep:' || s.rep AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'representative' AS role, 'representative' AS entity_type,
           s.rep AS entity_token, s.rep_mask AS entity_mask, s.injury_paid AS amount,
           e.n_cases AS metric1, e.companies AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.rep = e.rep
    UNION ALL
    SELECT 'rep:' || s.rep, s.company_code, 'auto_claim', s.claim_no, 'injured', 'person',
           s.injured_id_token, s.injured_id_mask, s.injury_paid, e.n_cases, e.companies, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.rep = e.rep
    WHERE s.injured_id_token IS NOT NULL
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
