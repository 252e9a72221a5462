-- id: agri_duplicate_farmer_subject
-- title_zh: 同一农户同一标的跨公司重复投保
-- title_en: Same farmer insures the same crop or animal at two insurers for overlapping periods
-- line: agri
-- fraud_kind: agri_duplicate
-- indicator: G1
-- severity: 4
-- version: 1
-- tables: [agri_policy]
-- params:
--   min_overlap_days:
--     default: 1
--     unit: 天 days
--     description: 保险期间重叠天数下限 fewest days the two periods must overlap
-- metrics:
--   metric1: 涉及公司数 insurers
--   metric2: 最长重叠天数 longest overlap in days
-- rationale: >-
--   Agricultural cover is indemnity: one crop or herd can be paid for its loss once. The same farmer
--   (ID token) insuring the same subject with two insurers for overlapping periods either insures
--   the same fields twice (重复投保, to be paid twice after a loss) or one of the policies covers land
--   or animals that do not exist. Only an insurer-crossing comparison can see it, since each company
--   holds one of the policies; overlaps within one insurer are left to that insurer's own checks.
-- portable: true
WITH source AS (
    SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, subject, start_date, end_date,
           coalesce(insured_area, 0) AS insured_area, coalesce(insured_heads, 0) AS insured_heads,
           sum_insured
    FROM agri_policy
    WHERE farmer_id_token IS NOT NULL AND subject IS NOT NULL
),
candidates AS (
    SELECT farmer_id_token, subject
    FROM source
    GROUP BY farmer_id_token, subject
    HAVING count(DISTINCT company_code) >= 2
),
pairs AS (
    SELECT a.farmer_id_token, a.subject, a.company_code, a.policy_no, b.company_code AS other_company,
           b.policy_no AS other_policy,
           date_diff('day', greatest(a.start_date, b.start_date), least(a.end_date, b.end_date)) + 1
               AS overlap_days
    FROM source AS a
    JOIN candidates AS c ON c.farmer_id_token = a.farmer_id_token AND c.subject = a.subject
    JOIN source AS b
      ON b.farmer_id_token = a.farmer_id_token AND b.subject = a.subject
     AND b.company_code <> a.company_code
     AND b.start_date <= a.end_date AND a.start_date <= b.end_date
    WHERE date_diff('day', greatest(a.start_date, b.start_date), least(a.end_date, b.end_date)) + 1
          >= $min_overlap_days
),
flagged AS (
    SELECT DISTINCT p.farmer_id_token, p.subject, p.company_code, p.policy_no
    FROM pairs AS p
),
evidence AS (
    SELECT f.farmer_id_token, f.subject, count(DISTINCT f.company_code) AS companies,
           max(p.overlap_days) AS overlap_days,
           '同一农户以同一标的(' || f.subject || ')在' || CAST(count(DISTINCT f.company_code) AS VARCHAR)
           || '家公司投保' || CAST(count(DISTINCT f.company_code || '/' || f.policy_no) AS VARCHAR)
           || '张保单，保险期间最长重叠' || CAST(max(p.overlap_days) AS VARCHAR) || '天' AS evidence_zh
    FROM flagged AS f
    JOIN pairs AS p ON p.farmer_id_token = f.farmer_id_token AND p.subject = f.subject
    GROUP BY f.farmer_id_token, f.subject
),
out_rows AS (
    SELECT 'farmer:' || e.farmer_id_token || ':' || e.subject AS clue_key, s.company_code,
           'agri_policy' AS record_kind, s.policy_no AS record_no, 'farmer' AS role,
           'person' AS entity_type, s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask,
           s.sum_insured AS amount, e.companies AS metric1, e.overlap_days AS metric2, e.evidence_zh
    FROM evidence AS e
    JOIN flagged AS f ON f.farmer_id_token = e.farmer_id_token AND f.subject = e.subject
    JOIN source AS s ON s.company_code = f.company_code AND s.policy_no = f.policy_no
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
