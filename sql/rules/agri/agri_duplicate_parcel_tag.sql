-- id: agri_duplicate_parcel_tag
-- title_zh: 同一地块或耳标在两张有效保单中
-- title_en: Same land parcel or ear tag on two policies in force at the same time
-- line: agri
-- fraud_kind: agri_duplicate
-- indicator: G1
-- severity: 5
-- version: 1
-- tables: [agri_policy]
-- params:
--   min_policies:
--     default: 2
--     unit: 张 policies
--     description: 同一地块/耳标出现的有效保单数下限 fewest overlapping policies naming the same item
-- metrics:
--   metric1: 涉及保单数 policies naming the item
--   metric2: 涉及公司数 insurers
-- rationale: >-
--   A land parcel (地块/确权编码) or an animal's ear tag (耳标号) identifies one insured subject. Its
--   appearing on two policies whose periods overlap, at one insurer or two, means the same subject
--   is insured twice — by the same farmer (duplicate insurance) or by someone else (a fictitious
--   policy built on another farmer's land). Unlike a farmer-and-crop comparison this cannot be an
--   honest second field, which is why the rule is near-certain on its own.
-- portable: true
WITH parcel_spans AS (
    -- every item named, with the policy period alone: the grouping below reads them all, so
    -- nothing else is carried through it
    SELECT start_date, end_date, trim(item) AS item
    FROM (SELECT start_date, end_date, unnest(string_split(parcel_codes, ';')) AS item
          FROM agri_policy WHERE parcel_codes IS NOT NULL) AS p
),
ear_tag_spans AS (
    SELECT start_date, end_date, trim(item) AS item
    FROM (SELECT start_date, end_date, unnest(string_split(ear_tags, ';')) AS item
          FROM agri_policy WHERE ear_tags IS NOT NULL) AS t
),
repeated AS (
    -- named at least min_policies times at all (policy rows, not yet distinct): the only items
    -- that can be on that many policies. Most are named exactly twice, by a policy and its
    -- renewal; two rows can overlap only if the later start is not after the earlier end, so those
    -- are dropped in the same grouping (a row ending before it starts, or an item named three
    -- times or more, is left to the exact test below). Grouped per item type, the item alone as
    -- key. The empty item is dropped in candidates: testing it here would trim every item twice
    SELECT 'parcel' AS item_type, item
    FROM parcel_spans
    GROUP BY item
    HAVING count(*) >= $min_policies
       AND (count(*) > 2 OR max(start_date) <= min(end_date)
            OR count(CASE WHEN end_date < start_date THEN 1 END) > 0)
    UNION ALL
    SELECT 'ear_tag' AS item_type, item
    FROM ear_tag_spans
    GROUP BY item
    HAVING count(*) >= $min_policies
       AND (count(*) > 2 OR max(start_date) <= min(end_date)
            OR count(CASE WHEN end_date < start_date THEN 1 END) > 0)
),
items AS (
    -- split again with the policy details, kept only for the few repeated items: cheaper than
    -- holding the details of every item until the grouping is done
    SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, start_date, end_date, sum_insured,
           'parcel' AS item_type, trim(item) AS item
    FROM (SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, start_date, end_date,
                 sum_insured, unnest(string_split(parcel_codes, ';')) AS item
          FROM agri_policy WHERE parcel_codes IS NOT NULL) AS p
    UNION ALL
    SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, start_date, end_date, sum_insured,
           'ear_tag', trim(item)
    FROM (SELECT company_code, policy_no, farmer_id_token, farmer_id_mask, start_date, end_date,
                 sum_insured, unnest(string_split(ear_tags, ';')) AS item
          FROM agri_policy WHERE ear_tags IS NOT NULL) AS t
),
source AS (
    SELECT DISTINCT i.company_code, i.policy_no, i.farmer_id_token, i.farmer_id_mask, i.start_date,
           i.end_date, i.sum_insured, i.item_type, i.item
    FROM items AS i JOIN repeated AS r ON r.item_type = i.item_type AND r.item = i.item
),
candidates AS (
    SELECT item_type, item
    FROM source WHERE item <> ''
    GROUP BY item_type, item
    HAVING count(DISTINCT company_code || '/' || policy_no) >= $min_policies
),
flagged AS (
    SELECT DISTINCT a.item_type, a.item, a.company_code, a.policy_no
    FROM source AS a
    JOIN candidates AS c ON c.item_type = a.item_type AND c.item = a.item
    JOIN source AS b
      ON b.item_type = a.item_type AND b.item = a.item
     AND b.company_code || '/' || b.policy_no <> a.company_code || '/' || a.policy_no
     AND b.start_date <= a.end_date AND a.start_date <= b.end_date
),
evidence AS (
    SELECT item_type, item, count(DISTINCT company_code || '/' || policy_no) AS policies,
           count(DISTINCT company_code) AS companies,
           CASE item_type WHEN 'parcel' THEN '同一地块' ELSE '同一耳标' END || item || '出现在'
           || CAST(count(DISTINCT company_code || '/' || policy_no) AS VARCHAR) || '张保险期间重叠的保单中，涉及'
           || CAST(count(DISTINCT company_code) AS VARCHAR) || '家公司' AS evidence_zh
    FROM flagged
    GROUP BY item_type, item
    HAVING count(DISTINCT company_code || '/' || policy_no) >= $min_policies
),
out_rows AS (
    SELECT e.item_type || ':' || e.item AS clue_key, s.company_code, 'agri_policy' AS record_kind,
           s.policy_no AS record_no, 'farmer' AS role, 'person' AS entity_type,
           s.farmer_id_token AS entity_token, s.farmer_id_mask AS entity_mask, s.sum_insured AS amount,
           e.policies AS metric1, e.companies AS metric2, e.evidence_zh
    FROM evidence AS e
    JOIN flagged AS f ON f.item_type = e.item_type AND f.item = e.item
    JOIN source AS s ON s.company_code = f.company_code AND s.policy_no = f.policy_no
     AND s.item_type = f.item_type AND s.item = f.item
    UNION ALL
    SELECT e.item_type || ':' || e.item, f.company_code, 'agri_policy', f.policy_no, e.item_type,
           e.item_type, e.item, e.item, 0.0, e.policies, e.companies, e.evidence_zh
    FROM evidence AS e
    JOIN flagged AS f ON f.item_type = e.item_type AND f.item = e.item
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
