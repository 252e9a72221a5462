-- id: ah_claim_soon_after_start
-- title_zh: 意健险保单生效后短期内出险
-- title_en: Accident & health loss within days of the policy start
-- line: accident_health
-- fraud_kind: ah_insured_while_injured
-- indicator: H4
-- severity: 3
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- params:
--   max_days:
--     default: 30
--     unit: 天 days
--     description: 起保至出险天数上限 loss at most this many days after the start
--   renewal_gap_days:
--     default: 30
--     unit: 天 days
--     description: 同一公司前一张保单在起保前该天数内到期视为续保 earlier cover at the same insurer ending within this many days makes it a renewal
-- metrics:
--   metric1: 起保至出险天数 days from start to loss
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Industry cases describe losses "on the day the policy took effect or the next day" (生效当日或次日
--   出险): the injury or illness existed before the cover was bought and the loss date was moved just
--   past the start (带伤投保, 倒签). A loss within thirty days of a new policy — not a renewal of cover
--   at the same insurer — is reported for the insurer to compare with the medical records' first
--   visit date. Short trip policies produce honest early losses, so this is a medium signal.
-- portable: true
WITH claims AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.insured_id_token, c.insured_id_mask, c.loss_date,
           c.loss_type, c.paid_amount, coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE c.loss_date IS NOT NULL
),
candidates AS (
    SELECT company_code, claim_no, policy_no, insured_id_token, insured_id_mask, loss_date, loss_type,
           paid_amount, policy_start, date_diff('day', policy_start, loss_date) AS days_after
    FROM claims
    WHERE policy_start IS NOT NULL AND loss_date >= policy_start
      AND date_diff('day', policy_start, loss_date) <= $max_days
),
renewed AS (
    SELECT DISTINCT c.company_code, c.claim_no
    FROM candidates AS c
    JOIN ah_policy AS prev
      ON prev.company_code = c.company_code AND prev.insured_id_token = c.insured_id_token
     AND prev.policy_no <> c.policy_no AND prev.end_date < c.policy_start
     AND date_diff('day', prev.end_date, c.policy_start) <= $renewal_gap_days
),
flagged AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.loss_date, c.loss_type,
           c.paid_amount, c.policy_start, c.days_after
    FROM candidates AS c
    LEFT JOIN renewed AS r ON r.company_code = c.company_code AND r.claim_no = c.claim_no
    WHERE r.claim_no IS NULL
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask, paid_amount AS amount,
           days_after AS metric1, paid_amount AS metric2,
           '保单生效后' || CAST(days_after AS VARCHAR) || '天出险(' || coalesce(loss_type, '') || '，起保'
           || CAST(policy_start AS VARCHAR) || '，出险' || CAST(loss_date AS VARCHAR) || ')，赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
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
