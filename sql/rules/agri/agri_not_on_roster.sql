-- id: agri_not_on_roster
-- title_zh: 被保险农户不在土地确权或存栏名册中
-- title_en: Insured farmer missing from the land-rights or herd roster of a covered village
-- line: agri
-- fraud_kind: agri_fictitious
-- indicator: G3
-- severity: 3
-- version: 1
-- tables: [agri_policy, agri_claim, land_roster]
-- params:
--   min_roster_farmers:
--     default: 20
--     unit: 户 farmers
--     description: 名册中该村(无村代码时该县)农户数达到该值才视为名册已覆盖 a village (or county) counts as covered when its roster lists at least this many farmers
-- metrics:
--   metric1: 该村名册农户数 farmers on the village's roster
--   metric2: 保险金额(元) sum insured
-- rationale: >-
--   Fictitious subjects (虚构保险标的) are typically insured in the names of people who farm no land
--   there — relatives, departed villagers, made-up persons — and audits found such policies by
--   comparing insureds with the household and land-rights rosters. Where the roster covers the
--   village (enough farmers are listed for it to be complete), an insured farmer who is not on it
--   at all is reported with the policy and any claim paid on it. Villages the roster does not cover
--   are skipped rather than flagged wholesale.
-- portable: true
WITH roster_farmers AS (
    SELECT DISTINCT farmer_id_token FROM land_roster WHERE farmer_id_token IS NOT NULL
),
village_cover AS (
    SELECT village_code AS area, count(DISTINCT farmer_id_token) AS farmers
    FROM land_roster WHERE village_code IS NOT NULL GROUP BY village_code
),
county_cover AS (
    SELECT county_code AS area, count(DISTINCT farmer_id_token) AS farmers
    FROM land_roster WHERE county_code IS NOT NULL GROUP BY county_code
),
source AS (
    SELECT p.company_code, p.policy_no, p.farmer_id_token, p.farmer_id_mask, p.sum_insured,
           p.village_code, p.village_name, p.county_code, p.group_policy,
           coalesce(v.farmers, c.farmers) AS roster_farmers
    FROM agri_policy AS p
    LEFT JOIN village_cover AS v ON v.area = p.village_code
    LEFT JOIN county_cover AS c ON c.area = p.county_code AND p.village_code IS NULL
    WHERE p.farmer_id_token IS NOT NULL
),
candidates AS (
    SELECT s.company_code, s.policy_no, s.farmer_id_token, s.farmer_id_mask, s.sum_insured,
           s.village_name, s.group_policy, s.roster_farmers
    FROM source AS s
    LEFT JOIN roster_farmers AS r ON r.farmer_id_token = s.farmer_id_token
    WHERE r.farmer_id_token IS NULL AND s.roster_farmers >= $min_roster_farmers
),
flagged AS (
    SELECT c.company_code, c.policy_no, c.farmer_id_token, c.farmer_id_mask, c.sum_insured,
           c.roster_farmers,
           '被保险农户不在' || coalesce(c.village_name, '该地') || '土地确权/存栏名册中(名册共'
           || CAST(c.roster_farmers AS VARCHAR) || '户)'
           || CASE WHEN c.group_policy = '是' THEN '，团体组织投保' ELSE '' END || '，保险金额'
           || CAST(CAST(round(c.sum_insured) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM candidates AS c
),
out_rows AS (
    SELECT f.company_code || '/' || f.policy_no AS clue_key, f.company_code, 'agri_policy' AS record_kind,
           f.policy_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           f.farmer_id_token AS entity_token, f.farmer_id_mask AS entity_mask, f.sum_insured AS amount,
           f.roster_farmers AS metric1, f.sum_insured AS metric2, f.evidence_zh
    FROM flagged AS f
    UNION ALL
    SELECT f.company_code || '/' || f.policy_no, k.company_code, 'agri_claim', k.claim_no, 'farmer',
           'person', f.farmer_id_token, f.farmer_id_mask, 0.0, f.roster_farmers, f.sum_insured,
           f.evidence_zh
    FROM flagged AS f
    JOIN agri_claim AS k ON k.company_code = f.company_code AND k.policy_no = f.policy_no
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
