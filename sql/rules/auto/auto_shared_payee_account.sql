-- id: auto_shared_payee_account
-- title_zh: 同一领款账户接收多个不相关被保险人赔款(车险)
-- title_en: One payee account collecting auto payouts for unrelated insureds
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A9
-- severity: 3
-- version: 2
-- tables: [auto_claim, auto_policy]
-- params:
--   min_insureds:
--     default: 3
--     unit: 人 insureds
--     description: 同一账户收款涉及的不同车主(无车主时按车辆)数下限 fewest distinct owners (or vehicles) paid into the account
-- metrics:
--   metric1: 涉及不同车主/车辆数 distinct owners or vehicles
--   metric2: 赔付合计(元) total paid into the account
-- rationale: >-
--   Payouts belong in the insured's own account. An account that receives payouts for three or more
--   different owners while the payee is neither the owner, a close relative, nor a repair shop paid
--   directly for repairs (领款人关系=修理厂, which the repair-shop rules look at) is where a scalper or
--   organiser collects the money of staged claims (SAMA: payment to third parties or to different
--   accounts). Family accounts are excluded by the recorded relation. Verified fleet or leasing
--   accounts belong on the whitelist.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.payee_account_token, c.payee_account_mask, c.paid_amount,
           coalesce(p.owner_id_token, c.vin_token) AS party
    FROM auto_claim AS c
    LEFT JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE c.payee_account_token IS NOT NULL
      AND coalesce(c.payee_relation, '') NOT IN ('本人', '配偶', '子女', '父母', '其他亲属', '修理厂')
      AND coalesce(c.payee_id_token, '') <> coalesce(p.owner_id_token, '-')
),
candidates AS (
    SELECT payee_account_token
    FROM source
    GROUP BY payee_account_token
    HAVING count(DISTINCT party) >= $min_insureds
),
evidence AS (
    SELECT s.payee_account_token, count(DISTINCT s.party) AS parties, wb_round(sum(s.paid_amount), 2) AS paid,
           '同一领款账户以非本人、非亲属身份接收' || CAST(count(DISTINCT s.party) AS VARCHAR) || '个不同车主/车辆的'
           || CAST(count(DISTINCT s.company_code || '/' || s.claim_no) AS VARCHAR) || '笔赔款，涉及'
           || CAST(count(DISTINCT s.company_code) AS VARCHAR) || '家公司，合计'
           || CAST(CAST(wb_round(sum(s.paid_amount) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM source AS s JOIN candidates AS c ON c.payee_account_token = s.payee_account_token
    GROUP BY s.payee_account_token
),
out_rows AS (
    SELECT 'account:' || s.payee_account_token AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'payee' AS role, 'account' AS entity_type,
           s.payee_account_token AS entity_token, s.payee_account_mask AS entity_mask,
           s.paid_amount AS amount, e.parties AS metric1, e.paid AS metric2, e.evidence_zh
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
