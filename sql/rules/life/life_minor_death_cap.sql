-- id: life_minor_death_cap
-- title_zh: 未成年人累计身故保额超过监管上限
-- title_en: Minor's death cover across insurers above the statutory cap
-- line: life
-- fraud_kind: ah_multi_company
-- indicator: H3
-- severity: 4
-- version: 1
-- tables: [ah_policy]
-- params:
--   age_split:
--     default: 10
--     unit: 岁 years
--     description: 低于该年龄适用较低上限 below this age the lower cap applies
--   cap_under_10:
--     default: 200000.0
--     unit: 元 yuan
--     description: 不满10周岁累计身故保额上限 cap on total death cover under 10
--   cap_10_to_17:
--     default: 500000.0
--     unit: 元 yuan
--     description: 10至17周岁累计身故保额上限 cap on total death cover aged 10-17
-- metrics:
--   metric1: 同时有效的累计身故保额(元) total death cover in force at once
--   metric2: 投保时年龄(岁) age at the start of the latest policy
-- rationale: >-
--   Insurance Law Art 33 and CBIRC rule 保监发〔2015〕90号 cap the death benefit a parent may buy on a
--   minor across all insurers — 200,000 yuan under 10, 500,000 for ages 10 to 17 — because large
--   death cover on a child is a motive for harm. Each insurer checks only its own policies; summing
--   the death cover in force at the same time across every insurer, by ID token and age at each
--   policy's start, is one of the checks only the association can make. Where a policy gives no
--   separate death benefit, the sum insured of life and accident policies is used.
-- portable: true
WITH source AS (
    SELECT company_code, policy_no, insured_id_token, insured_id_mask, insured_id_birth, start_date,
           end_date,
           coalesce(death_sum_insured, CASE WHEN line IN ('寿险', '意外险') THEN sum_insured END, 0)
               AS death_si
    FROM ah_policy
    WHERE insured_id_birth IS NOT NULL AND insured_id_token IS NOT NULL AND start_date IS NOT NULL
),
aged AS (
    SELECT company_code, policy_no, insured_id_token, insured_id_mask, start_date, end_date, death_si,
           wb_full_years(insured_id_birth, start_date) AS age
    FROM source
),
minors AS (
    SELECT company_code, policy_no, insured_id_token, insured_id_mask, start_date, end_date, death_si, age
    FROM aged WHERE age < 18 AND death_si > 0
),
candidates AS (
    SELECT insured_id_token FROM minors GROUP BY insured_id_token
    HAVING sum(death_si) > least($cap_under_10, $cap_10_to_17)
),
anchors AS (
    SELECT DISTINCT m.insured_id_token, m.start_date, m.age
    FROM minors AS m JOIN candidates AS c ON c.insured_id_token = m.insured_id_token
),
in_force AS (
    SELECT a.insured_id_token, a.start_date AS anchor, a.age, wb_round(sum(b.death_si), 2) AS total,
           count(DISTINCT b.company_code) AS companies,
           CASE WHEN a.age < $age_split THEN $cap_under_10 ELSE $cap_10_to_17 END AS cap
    FROM anchors AS a
    JOIN minors AS b
      ON b.insured_id_token = a.insured_id_token AND b.start_date <= a.start_date
     AND b.end_date >= a.start_date
    GROUP BY a.insured_id_token, a.start_date, a.age
),
flagged AS (
    SELECT insured_id_token, anchor, age, total, companies, cap
    FROM (SELECT insured_id_token, anchor, age, total, companies, cap,
                 row_number() OVER (PARTITION BY insured_id_token ORDER BY total - cap DESC, anchor) AS rn
          FROM in_force WHERE total > cap) AS ranked
    WHERE rn = 1
),
out_rows AS (
    SELECT 'minor:' || f.insured_id_token AS clue_key, m.company_code, 'ah_policy' AS record_kind,
           m.policy_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           m.insured_id_token AS entity_token, m.insured_id_mask AS entity_mask, m.death_si AS amount,
           f.total AS metric1, f.age AS metric2,
           '未成年被保险人(投保时' || CAST(f.age AS VARCHAR) || '岁)在' || CAST(f.companies AS VARCHAR)
           || '家公司同时有效的累计身故保额'
           || CAST(CAST(wb_round(f.total / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元，超过'
           || CAST(CAST(wb_round(f.cap / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元上限' AS evidence_zh
    FROM flagged AS f
    JOIN minors AS m ON m.insured_id_token = f.insured_id_token AND m.start_date <= f.anchor
     AND m.end_date >= f.anchor
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
