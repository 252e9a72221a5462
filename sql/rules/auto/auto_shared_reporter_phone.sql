-- id: auto_shared_reporter_phone
-- title_zh: 同一报案电话为多个不相关被保险人报案
-- title_en: One reporting phone, not a party's own, used for several owners' claims
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A8
-- severity: 3
-- version: 2
-- tables: [auto_claim, auto_policy]
-- params:
--   min_insureds:
--     default: 3
--     unit: 人 insureds
--     description: 同一电话为他人报案涉及的不同车主(无车主时按车辆)数下限 fewest distinct owners (or vehicles) the phone reported for as a non-party
-- metrics:
--   metric1: 涉及不同车主/车辆数 distinct owners or vehicles
--   metric2: 报案次数 claims reported
-- rationale: >-
--   An accident is normally reported by the driver or owner from their own phone. A phone that is
--   neither the driver's nor the owner's on the claims it reports, and reports accidents for three or
--   more different owners, points to an organiser handling staged claims (the Qingdao ring's
--   reporting phones were all the same few, later dead). A family member driving the family's cars
--   reports from his own phone as the driver and is not counted. Fleet dispatchers and repair shops
--   that report for customers can look the same; verified ones belong on the whitelist, which
--   demotes the clue and says why.
-- portable: true
WITH source AS (
    SELECT c.company_code, c.claim_no, c.reporter_phone_token, c.reporter_phone_mask, c.paid_amount,
           coalesce(p.owner_id_token, CASE WHEN c.payee_relation = '本人' THEN c.payee_id_token END,
                    c.vin_token) AS party
    FROM auto_claim AS c
    LEFT JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE c.reporter_phone_token IS NOT NULL
      AND c.reporter_phone_token <> coalesce(c.driver_phone_token, '')
      AND c.reporter_phone_token <> coalesce(p.owner_phone_token, '')
),
candidates AS (
    SELECT reporter_phone_token
    FROM source
    GROUP BY reporter_phone_token
    HAVING count(DISTINCT party) >= $min_insureds
),
evidence AS (
    SELECT s.reporter_phone_token, count(DISTINCT s.party) AS parties,
           count(DISTINCT s.company_code || '/' || s.claim_no) AS claims,
           '同一报案电话(非当事人本人电话)为' || CAST(count(DISTINCT s.party) AS VARCHAR) || '个不同车主/车辆报案'
           || CAST(count(DISTINCT s.company_code || '/' || s.claim_no) AS VARCHAR) || '次，涉及'
           || CAST(count(DISTINCT s.company_code) AS VARCHAR) || '家公司，累计赔付'
           || CAST(CAST(wb_round(sum(s.paid_amount) / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元'
           AS evidence_zh
    FROM source AS s JOIN candidates AS c ON c.reporter_phone_token = s.reporter_phone_token
    GROUP BY s.reporter_phone_token
),
out_rows AS (
    SELECT 'phone:' || s.reporter_phone_token AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'reporter' AS role, 'phone' AS entity_type,
           s.reporter_phone_token AS entity_token, s.reporter_phone_mask AS entity_mask,
           s.paid_amount AS amount, e.parties AS metric1, e.claims AS metric2, e.evidence_zh
    FROM evidence AS e JOIN source AS s ON s.reporter_phone_token = e.reporter_phone_token
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
