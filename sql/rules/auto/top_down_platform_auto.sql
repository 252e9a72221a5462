-- id: top_down_platform_auto
-- title_zh: 全国车险反欺诈系统下发线索(匹配并补充跨公司信息)
-- title_en: National auto anti-fraud platform clue, matched to the named company's records and enriched
-- line: auto
-- fraud_kind: by_row
-- indicator: TD-A
-- severity: 4
-- version: 1
-- tables: [platform_clue_auto, auto_claim]
-- params:
--   injury_pattern:
--     default: "^R3|人伤|伤残|委托代理|黄牛|诉讼"
--     unit: 正则 regex
--     description: 风险类型代码或名称匹配时归为人伤黄牛 risk code/type read as an injury-broker clue
--   repair_pattern:
--     default: "^R2|修理|换件|配件|定损"
--     unit: 正则 regex
--     description: 风险类型匹配时归为修理厂夸大损失 risk code/type read as repair-shop inflation (else staged accident)
-- metrics:
--   metric1: 该车在其他公司的赔案数 claims of the same vehicle at other companies
--   metric2: 该车在全省的赔案数 claims of the same vehicle across the province
-- rationale: >-
--   The national auto anti-fraud information system (全国车险反欺诈信息系统) already judged these
--   claims risky and the association must dispatch each clue to the company it names. Matching the
--   clue to that company's own claim (by claim number, else by the vehicle's VIN or plate at the same
--   company) lets the company find it at once; the warehouse adds what no single insurer can see:
--   how often the same vehicle claimed at other companies. A platform clue that matches no record is
--   not a clue here — it is listed for return to the platform (campaigns.unmatched_platform_clues).
-- portable: true
WITH source AS (
    SELECT p.platform_clue_no, p.company_code, p.claim_no, p.vin_token, p.vin_mask, p.plate_token,
           p.person_id_token, p.person_id_mask, p.risk_type,
           coalesce(p.risk_type_code, '') || ' ' || p.risk_type AS risk_text
    FROM platform_clue_auto AS p
),
matched AS (
    SELECT s.platform_clue_no, s.company_code, c.claim_no, c.vin_token, c.vin_mask, c.paid_amount,
           s.person_id_token, s.person_id_mask, s.risk_type, s.risk_text
    FROM source AS s
    JOIN auto_claim AS c
      ON c.company_code = s.company_code
     AND (c.claim_no = s.claim_no
          OR (NOT EXISTS (SELECT 1 FROM auto_claim AS x WHERE x.company_code = s.company_code
                                                          AND x.claim_no = s.claim_no)
              AND (c.vin_token = s.vin_token OR c.plate_token = s.plate_token)))
),
vehicle_claims AS (
    SELECT c.vin_token, c.company_code, count(*) AS n
    FROM auto_claim AS c
    WHERE c.vin_token IN (SELECT vin_token FROM matched)
    GROUP BY c.vin_token, c.company_code
),
enriched AS (
    SELECT m.platform_clue_no, m.company_code, m.claim_no, m.vin_token, m.vin_mask, m.paid_amount,
           m.person_id_token, m.person_id_mask, m.risk_type, m.risk_text,
           (SELECT coalesce(sum(v.n), 0) FROM vehicle_claims AS v
             WHERE v.vin_token = m.vin_token AND v.company_code <> m.company_code) AS other_claims,
           (SELECT count(*) FROM vehicle_claims AS v
             WHERE v.vin_token = m.vin_token AND v.company_code <> m.company_code) AS other_companies,
           (SELECT coalesce(sum(v.n), 0) FROM vehicle_claims AS v WHERE v.vin_token = m.vin_token) AS all_claims,
           CASE WHEN regexp_matches(m.risk_text, $injury_pattern) THEN 'auto_injury_broker'
                WHEN regexp_matches(m.risk_text, $repair_pattern) THEN 'auto_repair_inflation'
                ELSE 'auto_staged' END AS kind
    FROM matched AS m
),
evidence AS (
    SELECT platform_clue_no, company_code, claim_no, vin_token, vin_mask, paid_amount, person_id_token,
           person_id_mask, other_claims, other_companies, all_claims, kind,
           '全国车险反欺诈信息系统线索' || platform_clue_no || '(' || risk_type || ')，匹配本公司赔案' || claim_no
              || CASE WHEN other_claims > 0
                      THEN '；该车另在' || CAST(other_companies AS VARCHAR) || '家其他公司有'
                           || CAST(other_claims AS VARCHAR) || '起赔案'
                      ELSE '；该车在其他公司无赔案' END AS evidence_zh
    FROM enriched
),
out_rows AS (
    SELECT platform_clue_no AS clue_key, company_code, 'auto_claim' AS record_kind, claim_no AS record_no,
           'vehicle' AS role, 'vehicle' AS entity_type, vin_token AS entity_token, vin_mask AS entity_mask,
           paid_amount AS amount, other_claims AS metric1, all_claims AS metric2, evidence_zh, kind
    FROM evidence
    UNION ALL
    SELECT platform_clue_no, company_code, 'platform_clue_auto', platform_clue_no, 'person', 'person',
           person_id_token, person_id_mask, 0.0, other_claims, all_claims, evidence_zh, kind
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
    CAST(evidence_zh AS VARCHAR) AS evidence_zh,
    CAST(kind AS VARCHAR) AS fraud_kind
FROM out_rows
