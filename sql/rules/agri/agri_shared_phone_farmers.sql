-- id: agri_shared_phone_farmers
-- title_zh: 多名被保险农户共用同一联系电话
-- title_en: Many insured farmers sharing one phone number
-- line: agri
-- fraud_kind: agri_fictitious
-- indicator: G3
-- severity: 3
-- version: 1
-- tables: [agri_policy]
-- params:
--   min_farmers:
--     default: 5
--     unit: 户 farmers
--     description: 共用同一电话的不同农户数下限 fewest distinct farmers sharing the phone
-- metrics:
--   metric1: 共用电话的农户数 farmers sharing the phone
--   metric2: 保险金额合计(元) total sum insured
-- rationale: >-
--   Policies written in the names of people who do not farm (虚构标的) are filled in by one hand,
--   and the contact phone is that person's: an assistant agent, a village cadre or an organiser.
--   Families share a phone, so a handful of farmers on one number is normal; five or more distinct
--   farmers is the audit pattern of 虚假承保. The phone's owner is not known to the warehouse, which
--   is why the clue lists the policies for the insurer to check.
-- portable: true
WITH source AS (
    SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, farmer_phone_token,
           farmer_phone_mask, sum_insured
    FROM agri_policy
    WHERE farmer_phone_token IS NOT NULL AND farmer_id_token IS NOT NULL
),
candidates AS (
    SELECT farmer_phone_token
    FROM source
    GROUP BY farmer_phone_token
    HAVING count(DISTINCT farmer_id_token) >= $min_farmers
),
evidence AS (
    SELECT s.farmer_phone_token, count(DISTINCT s.farmer_id_token) AS farmers,
           wb_round(sum(s.sum_insured), 2) AS insured,
           CAST(count(DISTINCT s.farmer_id_token) AS VARCHAR) || '户农户共用同一联系电话投保'
           || CAST(count(DISTINCT s.company_code || '/' || s.policy_no) AS VARCHAR) || '张保单，涉及'
           || CAST(count(DISTINCT s.company_code) AS VARCHAR) || '家公司，保险金额合计'
           || CAST(CAST(wb_round(sum(s.sum_insured) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM source AS s JOIN candidates AS c ON c.farmer_phone_token = s.farmer_phone_token
    GROUP BY s.farmer_phone_token
),
out_rows AS (
    SELECT 'phone:' || s.farmer_phone_token AS clue_key, s.company_code, 'agri_policy' AS record_kind,
           s.policy_no AS record_no, 'farmer' AS role, 'phone' AS entity_type,
           s.farmer_phone_token AS entity_token, s.farmer_phone_mask AS entity_mask,
           s.sum_insured AS amount, e.farmers AS metric1, e.insured AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.farmer_phone_token = e.farmer_phone_token
    UNION ALL
    SELECT 'phone:' || s.farmer_phone_token, s.company_code, 'agri_policy', s.policy_no, 'farmer',
           'person', s.farmer_id_token, s.farmer_id_mask, 0.0, e.farmers, e.insured, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.farmer_phone_token = e.farmer_phone_token
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
