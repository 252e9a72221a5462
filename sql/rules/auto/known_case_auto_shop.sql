-- id: known_case_auto_shop
-- title_zh: 已掌握车险案件所涉修理厂在其他公司的赔案
-- title_en: Claims at other companies repaired by the shop of a company's known auto case
-- line: auto
-- fraud_kind: by_row
-- indicator: KC-A
-- severity: 1
-- version: 1
-- tables: [att5_clue, auto_claim]
-- params:
--   max_hub_claims:
--     default: 300
--     unit: 件 claims
--     description: 修理厂在全省赔案数超过此值时不作为关联对象 repair shops with more claims are hubs, not links
--   min_records:
--     default: 1
--     unit: 条 records
--     description: 其他公司关联记录数下限 fewest records at other companies to report
-- metrics:
--   metric1: 关联到的其他公司数 other companies reached
--   metric2: 关联到的其他公司记录数 records at other companies
-- rationale: >-
--   A repair shop named in a case a company reported (Attachment 5) may inflate losses for other
--   insurers too, so its claims at every other company are listed for review. A shop also repairs
--   many honest customers' cars (a taxi fleet's, say), so this is a lead, not an accusation: it is
--   reported apart from the known case's people, vehicles and accounts (known_case_auto), at the
--   lowest severity, and shops serving most of the province are treated as hubs and not linked. The
--   records gain weight only where other rules flag them too.
-- portable: true
WITH reported AS (
    SELECT company_code, clue_no, fraud_type, repair_shop_name
    FROM att5_clue
    WHERE line = '车险' AND repair_shop_name IS NOT NULL
),
hubs AS (
    SELECT repair_shop_name FROM auto_claim WHERE repair_shop_name IS NOT NULL
    GROUP BY repair_shop_name HAVING count(*) > $max_hub_claims
),
links AS (
    SELECT r.company_code AS reporter, r.clue_no, r.fraud_type, c.repair_shop_name, c.company_code,
           c.claim_no, c.paid_amount
    FROM reported AS r JOIN auto_claim AS c
      ON c.repair_shop_name = r.repair_shop_name AND c.company_code <> r.company_code
    WHERE r.repair_shop_name NOT IN (SELECT repair_shop_name FROM hubs)
),
candidates AS (
    SELECT reporter, clue_no, count(DISTINCT company_code) AS companies, count(DISTINCT claim_no) AS records
    FROM links GROUP BY reporter, clue_no HAVING count(DISTINCT claim_no) >= $min_records
),
evidence AS (
    SELECT l.reporter, l.clue_no, l.repair_shop_name, l.company_code, l.claim_no, l.paid_amount,
           k.companies, k.records,
           CASE l.fraud_type WHEN '人伤黄牛代理索赔' THEN 'auto_injury_broker'
                WHEN '修理厂勾结夸大损失' THEN 'auto_repair_inflation' ELSE 'auto_staged' END AS kind,
           l.reporter || '报送的附表5线索' || l.clue_no || '(' || l.fraud_type || ')所涉修理厂' || l.repair_shop_name
           || '在其他' || CAST(k.companies AS VARCHAR) || '家公司另有' || CAST(k.records AS VARCHAR)
           || '笔赔案(仅为关联线索，需结合其他证据)' AS evidence_zh
    FROM links AS l JOIN candidates AS k ON k.reporter = l.reporter AND k.clue_no = l.clue_no
),
out_rows AS (
    SELECT reporter || '/' || clue_no || '/shop' AS clue_key, company_code, 'auto_claim' AS record_kind,
           claim_no AS record_no, 'repair_shop' AS role, 'repair_shop' AS entity_type,
           repair_shop_name AS entity_token, repair_shop_name AS entity_mask, paid_amount AS amount,
           companies AS metric1, records AS metric2, evidence_zh, kind
    FROM evidence
    UNION ALL
    SELECT DISTINCT reporter || '/' || clue_no || '/shop', reporter, 'att5_clue', clue_no, 'reported', 'case',
           clue_no, clue_no, 0.0, companies, records, evidence_zh, kind
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
