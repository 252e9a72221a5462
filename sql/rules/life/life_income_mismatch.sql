-- id: life_income_mismatch
-- title_zh: 累计寿险及意外险保额与收入严重不符
-- title_en: Total life and accident cover far above declared income
-- line: life
-- fraud_kind: ah_multi_company
-- high_risk: [financial_arrears]
-- indicator: H2
-- severity: 3
-- version: 2
-- tables: [ah_policy]
-- params:
--   income_multiple:
--     default: 20.0
--     unit: 倍 times
--     description: 累计保额超过申报年收入该倍数即提示 total cover above this multiple of declared income
--   min_total_si:
--     default: 500000.0
--     unit: 元 yuan
--     description: 累计保额下限(收入倍数判断只对达到该值者) total cover below this is not judged by the income multiple
--   nonearner_min_si:
--     default: 1000000.0
--     unit: 元 yuan
--     description: 申报无收入的成年人累计保额达到该值即提示 total cover that flags an adult declaring no income
-- metrics:
--   metric1: 累计保额与年收入之比(无收入时为0) total cover / declared income (0 when no income)
--   metric2: 累计寿险及意外险保额(元) total life and accident sum insured
-- rationale: >-
--   Life and accident cover is bought in proportion to what a death would cost the family; cover
--   many times the insured's income, or large cover on an adult who declares no income at all
--   ("实际收入与投保保额不符 … 无收入来源但保额大于有收入的家庭成员"), suggests a motive beyond protection
--   and, in the companies' experience, financial distress (财务欠款). Summed across insurers by ID
--   token, total life and accident sum insured above twenty times the highest declared income, or at
--   least one million yuan with income declared as zero, is reported. Minors are left to the
--   minors' cap rule; an undeclared income is not judged.
-- tuning: >-
--   A floor of 500,000 yuan was added to the income multiple: on the demo province one adult in
--   fifty holds twenty times a low declared income in small protection policies (786 clues,
--   precision 0.02); the motive DOMAIN.md H2 describes needs a large sum.
-- portable: true
WITH source AS (
    SELECT company_code, policy_no, insured_id_token, insured_id_mask, sum_insured, annual_income,
           insured_occupation,
           wb_full_years(insured_id_birth, start_date) AS age
    FROM ah_policy
    WHERE line IN ('寿险', '意外险') AND insured_id_token IS NOT NULL
),
adults AS (
    SELECT company_code, policy_no, insured_id_token, insured_id_mask, sum_insured, annual_income,
           insured_occupation
    FROM source WHERE age IS NULL OR age >= 18
),
per_person AS (
    -- the sums the thresholds need, for every adult; the distinct count of insurers is a second
    -- grouping of its own, so it is left to the few who pass (details below)
    SELECT insured_id_token, wb_round(sum(sum_insured), 2) AS total_si, max(annual_income) AS income
    FROM adults
    GROUP BY insured_id_token
    HAVING max(annual_income) IS NOT NULL
),
passed AS (
    SELECT insured_id_token, total_si, income, coalesce(total_si / NULLIF(income, 0), 0) AS ratio
    FROM per_person
    WHERE (income > 0 AND total_si > $income_multiple * income AND total_si >= $min_total_si)
       OR (income = 0 AND total_si >= $nonearner_min_si)
),
flagged AS (
    SELECT p.insured_id_token, p.total_si, p.income, count(DISTINCT a.company_code) AS companies,
           max(a.insured_occupation) AS occupation, p.ratio
    FROM passed AS p JOIN adults AS a ON a.insured_id_token = p.insured_id_token
    GROUP BY p.insured_id_token, p.total_si, p.income, p.ratio
),
out_rows AS (
    SELECT 'insured:' || f.insured_id_token AS clue_key, a.company_code, 'ah_policy' AS record_kind,
           a.policy_no AS record_no, 'insured' AS role, 'person' AS entity_type,
           a.insured_id_token AS entity_token, a.insured_id_mask AS entity_mask, a.sum_insured AS amount,
           f.ratio AS metric1, f.total_si AS metric2,
           '在' || CAST(f.companies AS VARCHAR) || '家公司累计寿险/意外险保额'
           || CAST(CAST(wb_round(f.total_si / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '万元，'
           || CASE WHEN f.income > 0
                   THEN '为申报年收入' || CAST(CAST(wb_round(f.income / 10000.0, 1) AS DECIMAL(18, 1)) AS VARCHAR)
                        || '万元的' || CAST(CAST(wb_round(f.ratio, 1) AS DECIMAL(18, 1)) AS VARCHAR) || '倍'
                   ELSE '申报无收入' END
           || coalesce('(职业：' || f.occupation || ')', '') AS evidence_zh
    FROM flagged AS f JOIN adults AS a ON a.insured_id_token = f.insured_id_token
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
