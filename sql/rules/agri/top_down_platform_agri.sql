-- id: top_down_platform_agri
-- title_zh: 农险信息平台下发线索(匹配并补充跨公司信息)
-- title_en: National agricultural platform clue, matched to the named company's records and enriched
-- line: agri
-- fraud_kind: by_row
-- indicator: TD-G
-- severity: 4
-- version: 1
-- tables: [platform_clue_agri, agri_claim, agri_policy]
-- params:
--   duplicate_pattern:
--     default: "重复投保|重复承保"
--     unit: 正则 regex
--     description: 风险类型匹配时归为重复投保 risk type read as duplicate insurance
--   fictitious_pattern:
--     default: "确权|存栏|虚构|标的|承保数量|承保面积"
--     unit: 正则 regex
--     description: 风险类型匹配时归为虚构标的 risk type read as a fictitious subject
--   after_loss_pattern:
--     default: "先出险|倒签|出险后投保"
--     unit: 正则 regex
--     description: 风险类型匹配时归为先出险后投保 risk type read as insuring after the loss
--   account_pattern:
--     default: "账户|代领|收款"
--     unit: 正则 regex
--     description: 风险类型匹配时归为同一账户收款 risk type read as a shared payout account (else false claim)
-- metrics:
--   metric1: 该农户在其他公司的保单数 policies of the same farmer at other companies
--   metric2: 该农户在全省的保单数 policies of the same farmer across the province
-- rationale: >-
--   The agricultural insurance information platform run by the national insurance information
--   company produces clue lists that the association dispatches to the company each names. The clue
--   is matched to that company's claim (by claim number), else its policy (by policy number), else
--   the farmer's records at that company, and the warehouse adds what the company cannot see: the
--   same farmer's policies at other companies. A clue that matches no record is returned to the
--   platform instead (campaigns.unmatched_platform_clues).
-- portable: true
WITH source AS (
    SELECT p.platform_clue_no, p.company_code, p.claim_no, p.policy_no, p.farmer_id_token, p.farmer_id_mask,
           p.risk_type, p.risk_type || ' ' || coalesce(p.risk_desc, '') AS risk_text
    FROM platform_clue_agri AS p
),
by_claim AS (
    SELECT s.platform_clue_no, s.company_code, 'agri_claim' AS record_kind, c.claim_no AS record_no,
           c.farmer_id_token, c.farmer_id_mask, c.paid_amount AS amount, s.risk_type, s.risk_text
    FROM source AS s JOIN agri_claim AS c ON c.company_code = s.company_code AND c.claim_no = s.claim_no
),
by_policy AS (
    SELECT s.platform_clue_no, s.company_code, 'agri_policy' AS record_kind, p.policy_no AS record_no,
           p.farmer_id_token, p.farmer_id_mask, p.sum_insured AS amount, s.risk_type, s.risk_text
    FROM source AS s JOIN agri_policy AS p ON p.company_code = s.company_code AND p.policy_no = s.policy_no
),
matched AS (
    SELECT platform_clue_no, company_code, record_kind, record_no, farmer_id_token, farmer_id_mask, amount, risk_type, risk_text FROM by_claim
    UNION ALL
    SELECT platform_clue_no, company_code, record_kind, record_no, farmer_id_token, farmer_id_mask, amount, risk_type, risk_text FROM by_policy
    WHERE platform_clue_no NOT IN (SELECT platform_clue_no FROM by_claim)
),
farmer_policies AS (
    SELECT farmer_id_token, company_code, count(*) AS n
    FROM agri_policy
    WHERE farmer_id_token IN (SELECT farmer_id_token FROM matched)
    GROUP BY farmer_id_token, company_code
),
enriched AS (
    SELECT m.platform_clue_no, m.company_code, m.record_kind, m.record_no, m.farmer_id_token,
           m.farmer_id_mask, m.amount, m.risk_type, m.risk_text,
           (SELECT coalesce(sum(f.n), 0) FROM farmer_policies AS f
             WHERE f.farmer_id_token = m.farmer_id_token AND f.company_code <> m.company_code) AS other_policies,
           (SELECT coalesce(sum(f.n), 0) FROM farmer_policies AS f
             WHERE f.farmer_id_token = m.farmer_id_token) AS all_policies,
           CASE WHEN regexp_matches(m.risk_text, $duplicate_pattern) THEN 'agri_duplicate'
                WHEN regexp_matches(m.risk_text, $fictitious_pattern) THEN 'agri_fictitious'
                WHEN regexp_matches(m.risk_text, $after_loss_pattern) THEN 'agri_after_loss'
                WHEN regexp_matches(m.risk_text, $account_pattern) THEN 'agri_shared_account'
                ELSE 'agri_false_claim' END AS kind
    FROM matched AS m
),
out_rows AS (
    SELECT platform_clue_no AS clue_key, company_code, record_kind, record_no, 'farmer' AS role,
           'person' AS entity_type, farmer_id_token AS entity_token, farmer_id_mask AS entity_mask,
           amount, other_policies AS metric1, all_policies AS metric2,
           '农险信息平台线索' || platform_clue_no || '(' || risk_type || ')，匹配本公司记录' || record_no
           || CASE WHEN other_policies > 0
                   THEN '；该农户另在其他公司有' || CAST(other_policies AS VARCHAR) || '张保单'
                   ELSE '；该农户在其他公司无保单' END AS evidence_zh,
           kind
    FROM enriched
    UNION ALL
    SELECT platform_clue_no, company_code, 'platform_clue_agri', platform_clue_no, 'farmer', 'person',
           farmer_id_token, farmer_id_mask, 0.0, other_policies, all_policies,
           '农险信息平台线索' || platform_clue_no || '(' || risk_type || ')，匹配本公司记录' || record_no
           || CASE WHEN other_policies > 0
                   THEN '；该农户另在其他公司有' || CAST(other_policies AS VARCHAR) || '张保单'
                   ELSE '；该农户在其他公司无保单' END,
           kind
    FROM enriched
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
    CAST(evidence_zh AS VARCHAR) AS evidence_zh,
    CAST(kind AS VARCHAR) AS fraud_kind
FROM out_rows
