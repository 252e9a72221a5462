-- id: pub_auto_external_agent
-- title_zh: 经外部代理人承保的保单出险
-- title_en: Claim on a policy sold by an external agent
-- line: auto
-- fraud_kind: auto_staged
-- indicator: PV3
-- severity: 1
-- version: 1
-- tables: [auto_claim, public_auto_claim_extra]
-- metrics:
--   metric1: 1(外部代理) 1 (external agent)
--   metric2: 赔付金额(元) amount paid
-- rationale: >-
--   Policies written by outside intermediaries rather than the insurer's own staff are
--   underwritten with less scrutiny, and the intermediary is paid on the sale, not on the
--   outcome; fraud rings and claim brokers (黄牛) use such channels to place cover for staged
--   losses. In the public vehicle data nearly every policy comes through an external agent, so
--   the flag is informational: what it says is that the few policies sold by the insurer's own
--   staff are the safer ones.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount, x.channel_type
    FROM auto_claim AS c
    JOIN public_auto_claim_extra AS x ON x.company_code = c.company_code AND x.claim_no = c.claim_no
),
flagged AS (
    SELECT company_code, claim_no, vin_token, vin_mask, paid_amount, 1 AS metric1, paid_amount AS metric2,
           '保单经外部代理人承保' AS evidence_zh
    FROM source
    WHERE channel_type = '外部'
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
