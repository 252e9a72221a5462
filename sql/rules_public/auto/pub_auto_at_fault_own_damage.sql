-- id: pub_auto_at_fault_own_damage
-- title_zh: 本方全责的车损险索赔
-- title_en: Own-damage claim with the policyholder fully at fault
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A14
-- severity: 2
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- metrics:
--   metric1: 车损保障(1 碰撞险或其他车损险, 2 全险) own-damage cover (1 collision or other, 2 all perils)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   A staged or invented accident is most easily claimed on the insured's own-damage cover (车损险)
--   with the insured taking full liability: there is no other party, and no other insurer, to
--   contradict the story, and the claimant controls every fact of it. NICB lists "single-vehicle
--   accident" and "insured readily accepts fault" among the red flags; Chinese investigators call
--   the pattern 单方全责车损. Most such claims are honest, so the rule is a weak flag that gains
--   weight with others on the same claim; all-perils cover, which also pays fire, theft and
--   vandalism, is reported as the stronger variant.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, c.liability, c.coverage,
           x.base_policy
    FROM auto_claim AS c
    LEFT JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount,
           CASE WHEN base_policy = '全险' THEN 2 ELSE 1 END AS metric1, paid_amount AS metric2,
           '本方负全责并按车损险(' || coalesce(base_policy, coverage) || ')索赔，没有对方当事人可以印证事故经过'
           AS evidence_zh
    FROM source
    WHERE liability = '全责' AND coverage = '商业险'
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
