-- id: pub_auto_context_red_flags
-- title_zh: 无交警认定、无目击证人等情境红旗叠加
-- title_en: Context red flags on one claim (no police report, no witness, rural, late report)
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A14
-- severity: 2
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- params:
--   report_delay_days:
--     default: 7
--     unit: 天 days
--     description: 报案晚于出险超过该天数为迟报 report later than this many days after the accident counts as late
--   min_flags:
--     default: 3
--     unit: 项 flags
--     description: 同一赔案红旗项数下限 fewest red flags on one claim
-- metrics:
--   metric1: 红旗项数 red flags on the claim
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Fabricated accidents avoid the people who could contradict them: no police report, no
--   independent witness, a quiet rural road, and a report made days later when the scene can no
--   longer be checked. Each circumstance alone is common; following the NICB lists and Zalma's rule
--   that several red flags together justify a referral, the rule counts them per claim and reports
--   claims with at least the set number. It is the public-data twin of A14 (auto_context_flags),
--   whose night-time and out-of-province flags this data cannot supply.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount,
           CASE WHEN c.police_record = '否' THEN 1 ELSE 0 END AS f_no_police,
           CASE WHEN x.witness_present = '否' THEN 1 ELSE 0 END AS f_no_witness,
           CASE WHEN c.accident_place LIKE '乡村%' THEN 1 ELSE 0 END AS f_rural,
           CASE WHEN date_diff('day', CAST(c.accident_time AS DATE), CAST(c.report_time AS DATE))
                     > $report_delay_days THEN 1 ELSE 0 END AS f_late
    FROM auto_claim AS c
    LEFT JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
),
counted AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, f_no_police, f_no_witness, f_rural,
           f_late, f_no_police + f_no_witness + f_rural + f_late AS flags
    FROM source
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, flags AS metric1, paid_amount AS metric2,
           '情境红旗' || CAST(flags AS VARCHAR) || '项：'
           || concat_ws('、', CASE WHEN f_no_police = 1 THEN '无交警事故认定' END,
                        CASE WHEN f_no_witness = 1 THEN '无目击证人' END,
                        CASE WHEN f_rural = 1 THEN '乡村道路出险' END,
                        CASE WHEN f_late = 1 THEN '迟报' END) AS evidence_zh
    FROM counted
    WHERE flags >= $min_flags
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token,
           vin_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
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
