-- id: ah_death_no_certificate
-- title_zh: 身故赔付无死亡医学证明
-- title_en: Death benefit paid without a medical death certificate
-- line: accident_health
-- fraud_kind: ah_fake_death
-- indicator: H8
-- severity: 4
-- version: 1
-- periods: [campaign, pre2017]
-- tables: [ah_claim]
-- params:
--   min_paid:
--     default: 10000.0
--     unit: 元 yuan
--     description: 赔付金额下限 smallest payout reported
-- metrics:
--   metric1: 赔付金额(元) amount paid
--   metric2: 该被保险人身故理赔公司数 insurers paying for this death
-- rationale: >-
--   A death benefit is paid on proof of death: the medical death certificate (死亡医学证明) or, for a
--   death outside hospital, the police and cremation records. A paid death claim recorded without
--   the certificate is how faked deaths get through (Guangxi: deaths "abroad" or in remote places,
--   paperwork from a middleman). Small funeral benefits are skipped by a minimum payout.
-- portable: true
WITH deaths AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, paid_amount, death_certificate,
           decision, loss_date
    FROM ah_claim
    WHERE loss_type = '身故'
),
per_person AS (
    SELECT insured_id_token, count(DISTINCT company_code) AS companies FROM deaths
    WHERE insured_id_token IS NOT NULL GROUP BY insured_id_token
),
flagged AS (
    SELECT d.company_code, d.claim_no, d.insured_id_token, d.insured_id_mask, d.paid_amount, d.loss_date,
           coalesce(p.companies, 1) AS companies
    FROM deaths AS d LEFT JOIN per_person AS p ON p.insured_id_token = d.insured_id_token
    WHERE d.death_certificate = '否' AND coalesce(d.decision, '') <> '拒赔' AND d.paid_amount >= $min_paid
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           insured_id_token AS entity_token, insured_id_mask AS entity_mask, paid_amount AS amount,
           paid_amount AS metric1, companies AS metric2,
           '身故(' || CAST(loss_date AS VARCHAR) || ')无死亡医学证明即赔付'
           || CAST(CAST(round(paid_amount) AS BIGINT) AS VARCHAR) || '元，该身故共在'
           || CAST(companies AS VARCHAR) || '家公司理赔' AS evidence_zh
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
