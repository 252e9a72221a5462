-- id: agri_shared_payee_account
-- title_zh: 同一账户接收多户农户赔款
-- title_en: One account receiving many farmers' payouts
-- line: agri
-- fraud_kind: agri_shared_account
-- indicator: G5
-- severity: 4
-- version: 1
-- tables: [agri_claim, agri_policy]
-- params:
--   min_farmers:
--     default: 3
--     unit: 户 farmers
--     description: 同一账户收款涉及的不同农户数下限 fewest distinct farmers paid into one account
--   min_farmers_official:
--     default: 2
--     unit: 户 farmers
--     description: 领款人为协保员或村干部时的下限 the same, when the payee is an assistant agent or village cadre
-- metrics:
--   metric1: 涉及农户数 distinct farmers paid into the account
--   metric2: 赔款合计(元) total paid into the account
-- rationale: >-
--   Agricultural payouts must reach the insured farmer's own account. Audits repeatedly found
--   payouts and "returned premiums" routed to the personal accounts of assistant agents (协保员) and
--   village cadres, and organisers collecting many farmers' payouts in one account. An account that
--   receives payouts for three or more distinct farmers — two when the payee is an assistant agent or
--   a cadre, or is the policy's own assistant agent — is reported. Cooperatives' verified collective
--   accounts are legitimate and belong on the whitelist, which keeps the clue but demotes it.
-- portable: true
WITH repeated AS (
    -- accounts on enough claim rows at all to reach a farmer count: a small part of all, so only
    -- their claims are joined to their policies
    SELECT payee_account_token
    FROM agri_claim
    WHERE payee_account_token IS NOT NULL AND farmer_id_token IS NOT NULL
    GROUP BY payee_account_token
    HAVING count(*) >= least($min_farmers, $min_farmers_official)
),
source AS (
    SELECT k.company_code, k.claim_no, k.farmer_id_token, k.farmer_id_mask, k.payee_account_token,
           k.payee_account_mask, k.payee_relation, k.paid_amount,
           CASE WHEN k.payee_relation IN ('协保员', '村干部')
                  OR (k.payee_id_token IS NOT NULL AND k.payee_id_token = p.assistant_id_token)
                THEN 1 ELSE 0 END AS official
    FROM agri_claim AS k
    JOIN repeated AS r ON r.payee_account_token = k.payee_account_token
    LEFT JOIN agri_policy AS p ON p.company_code = k.company_code AND p.policy_no = k.policy_no
    WHERE k.farmer_id_token IS NOT NULL
),
candidates AS (
    SELECT payee_account_token, count(DISTINCT farmer_id_token) AS farmers, max(official) AS official,
           wb_round(sum(paid_amount), 2) AS paid, count(DISTINCT company_code) AS companies
    FROM source
    GROUP BY payee_account_token
    HAVING count(DISTINCT farmer_id_token) >= $min_farmers
        OR (max(official) = 1 AND count(DISTINCT farmer_id_token) >= $min_farmers_official)
),
evidence AS (
    SELECT c.payee_account_token, c.farmers, c.paid,
           '同一领款账户接收' || CAST(c.farmers AS VARCHAR) || '户农户的赔款，合计'
           || CAST(CAST(wb_round(c.paid / 10000.0, 2) AS DECIMAL(18, 2)) AS VARCHAR) || '万元，涉及'
           || CAST(c.companies AS VARCHAR) || '家公司'
           || CASE WHEN c.official = 1 THEN '(领款人为协保员/村干部)' ELSE '' END || '；领款人身份：'
           || coalesce(array_to_string(list_sort(list(DISTINCT s.payee_relation)
                  FILTER (WHERE s.payee_relation IS NOT NULL)), '、'), '未填') AS evidence_zh
    FROM candidates AS c JOIN source AS s ON s.payee_account_token = c.payee_account_token
    GROUP BY c.payee_account_token, c.farmers, c.paid, c.companies, c.official
),
out_rows AS (
    SELECT 'account:' || s.payee_account_token AS clue_key, s.company_code, 'agri_claim' AS record_kind,
           s.claim_no AS record_no, 'payee' AS role, 'account' AS entity_type,
           s.payee_account_token AS entity_token, s.payee_account_mask AS entity_mask,
           s.paid_amount AS amount, e.farmers AS metric1, e.paid AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.payee_account_token = e.payee_account_token
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
