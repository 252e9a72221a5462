-- id: auto_person_multi_role
-- title_zh: 同一人员多次涉案且身份互换
-- title_en: Same person in several accidents, in changing roles, across insurers
-- line: auto
-- fraud_kind: auto_staged
-- indicator: A6
-- severity: 3
-- version: 2
-- tables: [auto_claim, auto_policy]
-- params:
--   window_days:
--     default: 180
--     unit: 天 days
--     description: 时间窗口 window length
--   min_accidents:
--     default: 3
--     unit: 起 accidents
--     description: 窗口内涉及事故数下限 fewest accidents in the window
--   min_companies:
--     default: 2
--     unit: 家 companies
--     description: 窗口内涉及公司数下限 fewest insurers in the window
--   min_roles:
--     default: 3
--     unit: 种 roles
--     description: 窗口内身份种数下限(本车车主/他车驾驶员/伤者/他人领款人) fewest distinct roles in the window
-- metrics:
--   metric1: 窗口内涉及事故数 accidents within the window
--   metric2: 窗口内身份种数(本车车主/他车驾驶员/伤者/他人领款人) distinct roles within the window
-- rationale: >-
--   Organised staging crews rotate their members through the parts of an accident: the driver of
--   one collision is the injured third party of the next and the owner or payee of a third. One
--   person in three accidents within six months at two or more insurers, in three different roles,
--   is rare for an ordinary motorist and invisible to each insurer alone. Roles are counted
--   as an insurer would see them: owner of the vehicle (driving, owning or paid as the insured 本人
--   all count as one role), driver of someone else's vehicle, injured party, payee of someone else's
--   claim — so an owner whose own car has several accidents is left to the vehicle rule.
-- tuning: >-
--   DOMAIN.md gives no role count. Two roles were common among honest families on the demo
--   province (an owner who also drives a relative's car, or an owner hurt once as a passer-by), so
--   the default asks for three: owner, driver of another's car, injured or payee — the rotation a
--   staging crew needs. The injured-only pattern remains covered by auto_injured_repeat (A7).
--   Severity 3: even three roles occurred by coincidence a few times in 50,000 honest persons, so
--   a hit reaches tier A only with a second signal (a ring, the vehicle or phone rules).
-- portable: true
WITH claims AS (
    SELECT c.company_code, c.claim_no, c.vin_token, c.accident_time,
           CAST(c.accident_time AS DATE) AS accident_date, c.paid_amount, c.driver_id_token,
           c.driver_id_mask, c.injured_id_token, c.injured_id_mask, c.payee_id_token, c.payee_id_mask,
           p.owner_id_token, p.owner_id_mask,
           coalesce(p.owner_id_token, CASE WHEN c.payee_relation = '本人' THEN c.payee_id_token END)
               AS insured_person,
           c.driver_id_key, c.injured_id_key, c.payee_id_key, p.owner_id_key
    FROM auto_claim AS c
    LEFT JOIN auto_policy AS p ON p.company_code = c.company_code AND p.policy_no = c.policy_no
    WHERE c.accident_time IS NOT NULL
),
roles AS (
    SELECT 'driver' AS raw_role UNION ALL SELECT 'injured' UNION ALL SELECT 'payee' UNION ALL SELECT 'owner'
),
role_keys AS (
    -- every role a person plays, as its entity key (实体键) and insurer only: the grouping over all
    -- claims runs on integers; a key shared by two persons only pools their rows (a superset)
    SELECT CASE r.raw_role WHEN 'driver' THEN c.driver_id_key WHEN 'injured' THEN c.injured_id_key
                WHEN 'payee' THEN c.payee_id_key ELSE c.owner_id_key END AS k,
           c.company_code
    FROM claims AS c CROSS JOIN roles AS r
),
repeated_keys AS (
    -- persons on enough claim rows at all, at more than one insurer where more are needed: a
    -- small part of all (plain aggregates: a distinct count would be a second grouping of every row)
    SELECT k
    FROM role_keys
    WHERE k IS NOT NULL
    GROUP BY k
    HAVING count(*) >= greatest($min_accidents, $min_companies)
       AND ($min_companies <= 1 OR min(company_code) <> max(company_code))
),
raw_roles AS (
    -- the kept persons' rows, unpivoted in one pass over the claims (one read of the claims step:
    -- Spark computes a step again for every read of it)
    SELECT company_code, claim_no, vin_token, accident_time, accident_date, paid_amount, insured_person,
           person, person_mask, raw_role
    FROM (
        SELECT c.company_code, c.claim_no, c.vin_token, c.accident_time, c.accident_date, c.paid_amount,
               c.insured_person, r.raw_role,
               CASE r.raw_role WHEN 'driver' THEN c.driver_id_key WHEN 'injured' THEN c.injured_id_key
                    WHEN 'payee' THEN c.payee_id_key ELSE c.owner_id_key END AS k,
               CASE r.raw_role WHEN 'driver' THEN c.driver_id_token WHEN 'injured' THEN c.injured_id_token
                    WHEN 'payee' THEN c.payee_id_token ELSE c.owner_id_token END AS person,
               CASE r.raw_role WHEN 'driver' THEN c.driver_id_mask WHEN 'injured' THEN c.injured_id_mask
                    WHEN 'payee' THEN c.payee_id_mask ELSE c.owner_id_mask END AS person_mask
        FROM claims AS c CROSS JOIN roles AS r
    ) AS u
    WHERE k IN (SELECT k FROM repeated_keys) AND person IS NOT NULL
),
source AS (
    SELECT company_code, claim_no, vin_token, accident_time, accident_date, paid_amount, person,
           person_mask,
           CASE WHEN raw_role = 'injured' AND person <> coalesce(insured_person, '') THEN 'injured'
                WHEN person = insured_person THEN 'owner' ELSE raw_role END AS role
    FROM raw_roles
),
repeated AS (
    -- the same test on the token, which decides: the accidents are told apart for these alone
    SELECT person
    FROM source
    GROUP BY person
    HAVING count(*) >= greatest($min_accidents, $min_companies)
       AND ($min_companies <= 1 OR min(company_code) <> max(company_code))
),
accidents AS (
    SELECT DISTINCT s.person, s.person_mask, s.company_code, s.claim_no, s.role, s.accident_date,
           s.paid_amount, coalesce(s.vin_token, '') || '@' || CAST(s.accident_time AS VARCHAR) AS accident
    FROM source AS s JOIN repeated AS r ON r.person = s.person
),
candidates AS (
    SELECT person
    FROM accidents
    GROUP BY person
    HAVING count(DISTINCT accident) >= $min_accidents AND count(DISTINCT company_code) >= $min_companies
),
anchors AS (
    SELECT DISTINCT a.person, a.accident, a.accident_date
    FROM accidents AS a JOIN candidates AS c ON c.person = a.person
),
windows AS (
    SELECT a.person, a.accident,
           count(DISTINCT b.accident) AS n_accidents,
           count(DISTINCT b.company_code) AS n_companies,
           count(DISTINCT b.role) AS n_roles
    FROM anchors AS a
    JOIN accidents AS b
      ON b.person = a.person AND b.accident_date >= a.accident_date
     AND date_diff('day', a.accident_date, b.accident_date) <= $window_days
    GROUP BY a.person, a.accident
),
flagged AS (
    SELECT person, max(n_accidents) AS n_accidents, max(n_roles) AS n_roles
    FROM windows
    WHERE n_accidents >= $min_accidents AND n_companies >= $min_companies AND n_roles >= $min_roles
    GROUP BY person
),
evidence AS (
    SELECT f.person, f.n_accidents, f.n_roles,
           '同一人员' || CAST($window_days AS VARCHAR) || '天内涉及' || CAST(f.n_accidents AS VARCHAR)
           || '起事故(身份' || CAST(count(DISTINCT a.role) AS VARCHAR) || '种：'
           || array_to_string(list_sort(list(DISTINCT CASE a.role WHEN 'driver' THEN '他车驾驶员'
                  WHEN 'injured' THEN '伤者' WHEN 'payee' THEN '他人领款人' ELSE '本车车主' END)), '、')
           || ')，涉及' || CAST(count(DISTINCT a.company_code) AS VARCHAR) || '家公司' AS evidence_zh
    FROM flagged AS f JOIN accidents AS a ON a.person = f.person
    GROUP BY f.person, f.n_accidents, f.n_roles
),
out_rows AS (
    SELECT 'person:' || a.person AS clue_key, a.company_code, 'auto_claim' AS record_kind,
           a.claim_no AS record_no, a.role, 'person' AS entity_type, a.person AS entity_token,
           a.person_mask AS entity_mask, a.paid_amount AS amount, e.n_accidents AS metric1,
           e.n_roles AS metric2, e.evidence_zh
    FROM evidence AS e JOIN accidents AS a ON a.person = e.person
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
