-- id: ah_disability_prior_injury
-- title_zh: 已理赔伤残后在他公司投保并再次以同一伤情索赔
-- title_en: Disability already claimed, then insured elsewhere and claimed again for the same injury
-- line: accident_health
-- fraud_kind: ah_insured_while_injured
-- high_risk: [concealment]
-- indicator: H7
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim, ah_policy]
-- metrics:
--   metric1: 首次伤残出险至再次投保的天数 days from the first disability loss to the later policy start
--   metric2: 再次伤残赔付金额(元) amount paid on the later claim
-- rationale: >-
--   Insuring while already disabled (带残投保) shows up across insurers: a disability claim for an
--   injury paid by one company, then a new policy at another company started after that injury, and
--   a disability claim on the new policy for the same diagnosis (ICD-10 category, or the same text
--   when no code is given). The second insurer could not have known; the association can. Body part
--   is not in the data, so the diagnosis category stands in for it.
-- portable: true
WITH claims AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.loss_date, c.paid_amount,
           coalesce(substr(c.diagnosis_code, 1, 3), c.diagnosis) AS dx,
           coalesce(c.policy_start_date, p.start_date) AS policy_start
    FROM ah_claim AS c
    LEFT JOIN ah_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
     AND p.insured_id_token = c.insured_id_token
    WHERE (c.loss_type = '伤残' OR c.disability_grade IS NOT NULL)
      AND c.insured_id_token IS NOT NULL AND c.loss_date IS NOT NULL
),
candidates AS (
    SELECT insured_id_token FROM claims GROUP BY insured_id_token HAVING count(DISTINCT company_code) >= 2
),
pairs AS (
    SELECT e.insured_id_token, e.insured_id_mask, e.company_code AS first_company, e.claim_no AS first_claim,
           e.loss_date AS first_loss, l.company_code AS later_company, l.claim_no AS later_claim,
           l.policy_start AS later_start, l.paid_amount AS later_paid, l.dx
    FROM claims AS e
    JOIN candidates AS k ON k.insured_id_token = e.insured_id_token
    JOIN claims AS l
      ON l.insured_id_token = e.insured_id_token AND l.company_code <> e.company_code
     AND l.dx = e.dx AND l.policy_start IS NOT NULL AND e.loss_date < l.policy_start
),
evidence AS (
    SELECT insured_id_token, insured_id_mask, first_company, first_claim, later_company, later_claim, later_paid,
           date_diff('day', first_loss, later_start) AS gap_days,
           '伤残(诊断' || dx || ')已于' || CAST(first_loss AS VARCHAR) || '出险并理赔，之后于'
           || CAST(later_start AS VARCHAR) || '在另一公司投保，又以同一伤情申请伤残赔付'
           || CAST(CAST(round(later_paid) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
    FROM pairs
),
out_rows AS (
    SELECT 'insured:' || insured_id_token || ':' || later_company || '/' || later_claim AS clue_key,
           later_company AS company_code, 'ah_claim' AS record_kind, later_claim AS record_no,
           'insured' AS role, 'person' AS entity_type, insured_id_token AS entity_token,
           insured_id_mask AS entity_mask, later_paid AS amount, gap_days AS metric1,
           later_paid AS metric2, evidence_zh
    FROM evidence
    UNION ALL
    SELECT 'insured:' || insured_id_token || ':' || later_company || '/' || later_claim, first_company,
           'ah_claim', first_claim, 'insured', 'person', insured_id_token, insured_id_mask, 0.0, gap_days,
           later_paid, evidence_zh
    FROM evidence
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
