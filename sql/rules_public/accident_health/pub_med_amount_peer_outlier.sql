-- id: pub_med_amount_peer_outlier
-- title_zh: 赔付金额远超同病组
-- title_en: Amount paid far above the same diagnosis group
-- line: accident_health
-- fraud_kind: ah_duplicate_receipt
-- indicator: PM4
-- severity: 3
-- version: 1
-- tables: [ah_claim, public_inpatient_extra]
-- params:
--   min_z:
--     default: 2.0
--     unit: 标准差 standard deviations
--     description: 高出同病组均值的标准差倍数下限 fewest standard deviations above the group mean
--   min_peer_claims:
--     default: 20
--     unit: 赔案 claims
--     description: 同病组赔案数下限(太小的组不比较) smallest group compared
-- metrics:
--   metric1: 高出同病组均值的标准差倍数 standard deviations above the group mean
--   metric2: 赔付金额 amount paid
-- rationale: >-
--   Under DRG payment a stay in one diagnosis-related group costs about the same wherever it happens; an amount far above the group's mean is the trace of upcoding, unbundled or phantom services (高套病组、虚增费用). Peers are the claims of the same DRG across all hospitals; an amount more than the set number of standard deviations above the group's mean is reported, when the group is large enough for its mean to mean something. Complications explain some cases, so the rule is medium strength and its weight is measured on labelled data.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.insured_id_token, c.insured_id_mask, c.hospital_code, c.paid_amount,
           x.drg_code, c.paid_amount AS value
    FROM ah_claim AS c
    JOIN public_inpatient_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
    WHERE x.drg_code IS NOT NULL AND c.paid_amount IS NOT NULL
),
peers AS (
    SELECT drg_code, count(*) AS peer_claims, avg(value) AS peer_mean, stddev_pop(value) AS peer_sd
    FROM source
    GROUP BY drg_code
    HAVING count(*) >= $min_peer_claims
),
candidates AS (
    SELECT s.company_code, s.claim_no, s.insured_id_token, s.insured_id_mask, s.hospital_code, s.paid_amount,
           s.drg_code, s.value, p.peer_mean, (s.value - p.peer_mean) / NULLIF(p.peer_sd, 0) AS z
    FROM source AS s
    JOIN peers AS p ON p.drg_code = s.drg_code
),
flagged AS (
    SELECT company_code, claim_no, insured_id_token, insured_id_mask, hospital_code, paid_amount,
           z AS metric1, value AS metric2,
           '赔付' || CAST(CAST(round(value) AS BIGINT) AS VARCHAR) || '元，同病组(DRG ' || drg_code || ')平均' || CAST(CAST(round(peer_mean) AS BIGINT) AS VARCHAR) || '元，高出' || CAST(CAST(wb_round(z, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '个标准差' AS evidence_zh
    FROM candidates
    WHERE z >= $min_z
),
out_rows AS (
    SELECT company_code || '/' || claim_no AS clue_key, company_code, 'ah_claim' AS record_kind,
           claim_no AS record_no, 'insured' AS role, 'person' AS entity_type, insured_id_token AS entity_token,
           insured_id_mask AS entity_mask, paid_amount AS amount, metric1, metric2, evidence_zh
    FROM flagged
    UNION ALL
    SELECT company_code || '/' || claim_no, company_code, 'ah_claim', claim_no, 'hospital', 'hospital',
           hospital_code, hospital_code, paid_amount, metric1, metric2, evidence_zh
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
