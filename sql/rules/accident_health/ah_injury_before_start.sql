-- id: ah_injury_before_start
-- title_zh: 出险或入院早于起保(带伤投保)
-- title_en: Loss or admission dated before the policy started (insured while injured)
-- line: accident_health
-- fraud_kind: ah_insured_while_injured
-- high_risk: [concealment]
-- indicator: H7
-- severity: 5
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- metrics:
--   metric1: 出险或入院早于起保的天数 days the loss or admission preceded the start
--   metric2: 索赔金额(元) amount claimed
-- rationale: >-
--   Cover begins at the start date; an injury, illness or hospital admission dated earlier happened
--   while the person was uninsured, and buying the policy afterwards (带伤/带病投保, 先出险后投保)
--   conceals it from the insurer. Whether the claim was paid or refused, the attempt is recorded:
--   it is the clearest sign of concealment (隐瞒信息) the claim data can show.
-- portable: true
WITH claims AS (
    SELECT c.company_code, c.claim_no, c.policy_no, c.insured_id_token, c.insured_id_mask, c.loss_date,
           c.admission_date, c.claimed_amount, c.paid_amount,
           coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
),
flagged AS (
    SELECT company_code, claim_no, policy_no, insured_id_token, insured_id_mask, claimed_amount,
           paid_amount, policy_start, least(coalesce(loss_date, admission_date),
                                            coalesce(admission_date, loss_date)) AS first_date
    FROM claims
    WHERE policy_start IS NOT NULL
      AND (loss_date < policy_start OR admission_date < policy_start)
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask,
           greatest(coalesce(paid_amount, 0), coalesce(claimed_amount, 0)) AS amount,
           date_diff('day', first_date, policy_start) AS metric1, claimed_amount AS metric2,
           '出险/入院日期' || CAST(first_date AS VARCHAR) || '早于保单起保日期' || CAST(policy_start AS VARCHAR)
           || '(早' || CAST(date_diff('day', first_date, policy_start) AS VARCHAR) || '天)，索赔'
           || CAST(CAST(round(claimed_amount) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
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
