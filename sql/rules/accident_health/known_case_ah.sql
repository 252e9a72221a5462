-- id: known_case_ah
-- title_zh: 已掌握意健险/寿险案件的人员、账户、代理人在全行业的其他记录
-- title_en: People, accounts and agents of a company's known A&H/life case found at other companies
-- line: accident_health
-- fraud_kind: by_row
-- indicator: KC-H
-- severity: 4
-- version: 1
-- tables: [att5_clue, ah_policy, ah_claim]
-- params:
--   max_hub_claims:
--     default: 300
--     unit: 件 claims
--     description: 医院在全省赔案数超过此值时不作为关联对象(大医院) hospitals with more claims are hubs, not links
--   min_records:
--     default: 1
--     unit: 条 records
--     description: 其他公司关联记录数下限 fewest records at other companies to report
-- metrics:
--   metric1: 关联到的其他公司数 other companies reached
--   metric2: 关联到的其他公司记录数 records at other companies
-- rationale: >-
--   Companies report the clues and cracked cases they already hold (Attachment 5). A fraudster or
--   organiser rarely works one insurer only: the Guangxi family ring insured 57 people at 83 insurers.
--   The person, payee account and agent named in a reported case are therefore looked up across
--   every other company's policies and claims (and the hospital, unless it is a large hospital that
--   every insurer uses), so each company receives the records of the same people that concern it.
-- portable: true
WITH reported AS (
    SELECT company_code, clue_no, fraud_type, person_id_token, payee_account_token, agent_name_token,
           hospital_name
    FROM att5_clue
    WHERE line IN ('意健险', '寿险')
),
hubs AS (
    SELECT hospital_name FROM ah_claim WHERE hospital_name IS NOT NULL
    GROUP BY hospital_name HAVING count(*) > $max_hub_claims
),
links AS (
    SELECT r.company_code AS reporter, r.clue_no, r.fraud_type, 'person' AS entity_type, p.token AS entity_token,
           p.mask AS entity_mask, p.company_code, p.record_kind, p.record_no, 0.0 AS amount
    FROM reported AS r JOIN v_person_role AS p ON p.token = r.person_id_token AND p.company_code <> r.company_code
    WHERE p.record_kind IN ('ah_policy', 'ah_claim')
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'account', a.token, a.mask, a.company_code, a.record_kind,
           a.record_no, a.paid_amount
    FROM reported AS r JOIN v_payee_account AS a
      ON a.token = r.payee_account_token AND a.company_code <> r.company_code
    WHERE a.record_kind = 'ah_claim'
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'agent', q.agent_name_token, q.agent_name_mask,
           q.company_code, 'ah_policy', q.policy_no, q.sum_insured
    FROM reported AS r JOIN ah_policy AS q ON q.agent_name_token = r.agent_name_token AND q.company_code <> r.company_code
    UNION ALL
    SELECT r.company_code, r.clue_no, r.fraud_type, 'hospital', c.hospital_name, c.hospital_name, c.company_code,
           'ah_claim', c.claim_no, c.paid_amount
    FROM reported AS r JOIN ah_claim AS c ON c.hospital_name = r.hospital_name AND c.company_code <> r.company_code
    WHERE r.hospital_name NOT IN (SELECT hospital_name FROM hubs)
),
candidates AS (
    SELECT reporter, clue_no, count(DISTINCT company_code) AS companies, count(DISTINCT record_no) AS records
    FROM links GROUP BY reporter, clue_no HAVING count(DISTINCT record_no) >= $min_records
),
evidence AS (
    SELECT l.reporter, l.clue_no, l.fraud_type, l.entity_type, l.entity_token, l.entity_mask, l.company_code,
           l.record_kind, l.record_no, l.amount, k.companies, k.records,
           CASE l.fraud_type WHEN '虚假意外身故' THEN 'ah_fake_death' WHEN '虚假身故' THEN 'ah_fake_death'
                WHEN '带伤(残)投保' THEN 'ah_insured_while_injured' WHEN '虚假伤残' THEN 'ah_insured_while_injured'
                WHEN '医疗票据重复理赔' THEN 'ah_duplicate_receipt' WHEN '虚假医疗' THEN 'ah_duplicate_receipt'
                ELSE 'ah_multi_company' END AS kind,
           l.reporter || '报送的附表5线索' || l.clue_no || '(' || l.fraud_type || ')涉及的人员/账户/代理人/医院在其他'
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
