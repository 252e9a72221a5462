-- id: known_case_auto
-- title_zh: 已掌握车险案件的人员、车辆、账户、代理人在全行业的其他记录
-- title_en: People, vehicles, accounts and representatives of a company's known auto case at other companies
-- line: auto
-- fraud_kind: by_row
-- indicator: KC-A
-- severity: 4
-- version: 2
-- tables: [att5_clue, auto_claim]
-- params:
--   min_records:
--     default: 1
--     unit: 条 records
--     description: 其他公司关联记录数下限 fewest records at other companies to report
-- metrics:
--   metric1: 关联到的其他公司数 other companies reached
--   metric2: 关联到的其他公司记录数 records at other companies
-- rationale: >-
--   Staged-accident gangs, injury brokers and colluding repair shops work across insurers (the
--   Qingdao organiser ran 36 cases in 11 provinces). The person, vehicle plate, payee account and
--   claimant representative named in a case a company reported (Attachment 5) are looked up in every
--   other company's auto claims, so each company receives the records that concern it. The same
--   repair shop is a weaker link (a shop serves many honest customers) and is reported apart, at a
--   lower severity, by known_case_auto_shop.
-- portable: true
WITH reported AS (
    SELECT company_code, clue_no, fraud_type, person_id_token, payee_account_token, agent_name_token,
           plate_token, repair_shop_name
    FROM att5_clue
    WHERE line = '车险'
),
links AS (
    SELECT r.company_code AS reporter, r.clue_no, r.fraud_type, 'person' AS entity_type, p.token AS entity_token,
           p.mask AS entity_mask, p.company_code, p.record_kind, p.record_no, 0.0 AS amount
    FROM reported AS r JOIN v_person_role AS p ON p.token = r.person_id_token AND p.company_code <> r.company_code
    WHERE p.record_kind = 'auto_claim'
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'plate', c.plate_token, c.plate_mask, c.company_code,
           'auto_claim', c.claim_no, c.paid_amount
    FROM reported AS r JOIN auto_claim AS c ON c.plate_token = r.plate_token AND c.company_code <> r.company_code
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'account', a.token, a.mask, a.company_code, a.record_kind,
           a.record_no, a.paid_amount
    FROM reported AS r JOIN v_payee_account AS a
      ON a.token = r.payee_account_token AND a.company_code <> r.company_code
    WHERE a.record_kind = 'auto_claim'
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'representative', c.representative_name_token,
           c.representative_name_mask, c.company_code, 'auto_claim', c.claim_no, c.paid_amount
    FROM reported AS r JOIN auto_claim AS c
      ON c.representative_name_token = r.agent_name_token AND c.company_code <> r.company_code
),
candidates AS (
    SELECT reporter, clue_no, count(DISTINCT company_code) AS companies, count(DISTINCT record_no) AS records
    FROM links GROUP BY reporter, clue_no HAVING count(DISTINCT record_no) >= $min_records
),
evidence AS (
    SELECT l.reporter, l.clue_no, l.fraud_type, l.entity_type, l.entity_token, l.entity_mask, l.company_code,
           l.record_kind, l.record_no, l.amount, k.companies, k.records,
           CASE l.fraud_type WHEN '人伤黄牛代理索赔' THEN 'auto_injury_broker'
                WHEN '修理厂勾结夸大损失' THEN 'auto_repair_inflation' ELSE 'auto_staged' END AS kind,
           l.reporter || '报送的附表5线索' || l.clue_no || '(' || l.fraud_type || ')涉及的人员/车辆/账户/代理人/修理厂在其他'
           || CAST(k.companies AS VARCHAR) || '家公司另有' || CAST(k.records AS VARCHAR) || '条记录' AS evidence_zh
    FROM links AS l JOIN candidates AS k ON k.reporter = l.reporter AND k.clue_no = l.clue_no
),
out_rows AS (
    SELECT reporter || '/' || clue_no AS clue_key, company_code, record_kind, record_no, entity_type AS role,
           entity_type, entity_token, entity_mask, amount, companies AS metric1, records AS metric2, evidence_zh, kind
    FROM evidence
    UNION ALL
    SELECT DISTINCT reporter || '/' || clue_no, reporter, 'att5_clue', clue_no, 'reported', 'case', clue_no,
           clue_no, 0.0, companies, records, evidence_zh, kind
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
