-- id: auto_repair_shop_outlier
-- title_zh: 修理厂案均维修金额或换件占比异常偏高
-- title_en: Repair shop with an outlying average repair bill or parts share among its peers
-- line: auto
-- fraud_kind: auto_repair_inflation
-- indicator: A10
-- severity: 4
-- version: 2
-- tables: [auto_claim]
-- params:
--   min_claims:
--     default: 5
--     unit: 赔案 claims
--     description: 参与比较的修理厂维修赔案数下限 fewest repair claims for a shop to be compared
--   min_peers:
--     default: 5
--     unit: 家 shops
--     description: 同城同业修理厂少于该数时改为全省比较 fewer same-city peers than this → compare province-wide
--   z_threshold:
--     default: 3.0
--     unit: 标准差 standard deviations
--     description: 偏离同业均值的标准分阈值 z-score at or above which a shop is an outlier
-- metrics:
--   metric1: 案均维修金额(换件+工时)标准分 z-score of the average repair bill (parts + labour) per claim
--   metric2: 换件占比标准分 z-score of the parts share of repair cost
-- rationale: >-
--   Repair shops that inflate losses in collusion with claimants (replacing undamaged parts, fitting
--   old parts as new, 旧件充新件) show up as outliers against other shops in the same city: a higher
--   average repair bill (parts plus labour, the estimate where they are missing; injury payouts
--   are not the shop's doing and are left out) or a higher share of parts in the bill. Each shop is compared
--   with the others (leave-one-out mean and standard deviation, so a lone outlier cannot hide by
--   inflating its own benchmark); a z-score of three or more on either measure is reported. The
--   money shown is the excess over the peer average, not the shop's whole turnover.
-- tuning: >-
--   DOMAIN.md gives no minimum size; five repair claims keeps a shop's average meaningful while
--   catching small colluding shops (a planted one had eight). Payouts were first compared whole,
--   but injury payouts then made honest shops outliers, so the bill is parts plus labour. Severity
--   raised from 3 to 4: three standard deviations from the other shops of the city was rare for an
--   honest shop on the demo province, and a shop's clue goes to every insurer it works for.
-- portable: true
WITH source AS (
    SELECT company_code, claim_no, coalesce(repair_shop_code, repair_shop_name) AS shop, repair_shop_name,
           coalesce(substr(accident_region_code, 1, 4), '') AS city,
           CASE WHEN parts_amount IS NOT NULL OR labor_amount IS NOT NULL
                THEN coalesce(parts_amount, 0) + coalesce(labor_amount, 0) ELSE estimated_loss END
               AS repair_cost,
           coalesce(parts_amount, 0) AS parts, coalesce(labor_amount, 0) AS labor
    FROM auto_claim
    WHERE coalesce(repair_shop_code, repair_shop_name) IS NOT NULL
),
repairs AS (
    SELECT company_code, claim_no, shop, repair_shop_name, city, repair_cost, parts, labor
    FROM source WHERE repair_cost > 0
),
shops AS (
    SELECT shop, max(repair_shop_name) AS shop_name, min(city) AS city, count(*) AS claims,
           avg(repair_cost) AS avg_paid,
           coalesce(sum(parts) / NULLIF(sum(parts) + sum(labor), 0), 0) AS parts_share
    FROM repairs
    GROUP BY shop
    HAVING count(*) >= $min_claims
),
city_sums AS (
    SELECT city, count(*) AS n, sum(avg_paid) AS s1, sum(avg_paid * avg_paid) AS s2,
           sum(parts_share) AS p1, sum(parts_share * parts_share) AS p2
    FROM shops GROUP BY city
),
all_sums AS (
    SELECT count(*) AS n, sum(avg_paid) AS s1, sum(avg_paid * avg_paid) AS s2,
           sum(parts_share) AS p1, sum(parts_share * parts_share) AS p2
    FROM shops
),
peer_sums AS (
    SELECT sh.shop, sh.shop_name, sh.claims, sh.avg_paid, sh.parts_share,
           CASE WHEN cs.n - 1 >= $min_peers THEN cs.n ELSE a.n END AS n,
           CASE WHEN cs.n - 1 >= $min_peers THEN cs.s1 ELSE a.s1 END AS s1,
           CASE WHEN cs.n - 1 >= $min_peers THEN cs.s2 ELSE a.s2 END AS s2,
           CASE WHEN cs.n - 1 >= $min_peers THEN cs.p1 ELSE a.p1 END AS p1,
           CASE WHEN cs.n - 1 >= $min_peers THEN cs.p2 ELSE a.p2 END AS p2,
           CASE WHEN cs.n - 1 >= $min_peers THEN '同城' ELSE '全省' END AS peer_scope
    FROM shops AS sh JOIN city_sums AS cs ON cs.city = sh.city CROSS JOIN all_sums AS a
),
candidates AS (
    SELECT shop, shop_name, claims, avg_paid, parts_share, peer_scope, n,
           (s1 - avg_paid) / NULLIF(n - 1, 0) AS m_paid,
           (s2 - avg_paid * avg_paid) / NULLIF(n - 1, 0) AS q_paid,
           (p1 - parts_share) / NULLIF(n - 1, 0) AS m_parts,
           (p2 - parts_share * parts_share) / NULLIF(n - 1, 0) AS q_parts
    FROM peer_sums
    WHERE n - 1 >= $min_peers
),
scored AS (
    SELECT shop, shop_name, claims, avg_paid, parts_share, peer_scope, m_paid, m_parts,
           (avg_paid - m_paid)
             / NULLIF(sqrt(greatest(q_paid - m_paid * m_paid, 0) * (n - 1) / NULLIF(n - 2, 0)), 0) AS z_paid,
           (parts_share - m_parts)
             / NULLIF(sqrt(greatest(q_parts - m_parts * m_parts, 0) * (n - 1) / NULLIF(n - 2, 0)), 0) AS z_parts
    FROM candidates
),
flagged AS (
    SELECT shop, shop_name, claims, avg_paid, parts_share, peer_scope, m_paid, m_parts,
           coalesce(z_paid, 0) AS z_paid, coalesce(z_parts, 0) AS z_parts,
           '修理厂' || coalesce(shop_name, shop) || '共' || CAST(claims AS VARCHAR) || '个维修赔案，案均维修金额'
           || CAST(CAST(wb_round(avg_paid, 0) AS BIGINT) AS VARCHAR) || '元(' || peer_scope || '同业'
           || CAST(CAST(wb_round(m_paid, 0) AS BIGINT) AS VARCHAR) || '元，标准分'
           || CAST(CAST(wb_round(coalesce(z_paid, 0), 1) AS DECIMAL(18, 1)) AS VARCHAR) || ')，换件占比'
           || CAST(CAST(wb_round(100 * parts_share, 0) AS BIGINT) AS VARCHAR) || '%(同业'
           || CAST(CAST(wb_round(100 * m_parts, 0) AS BIGINT) AS VARCHAR) || '%，标准分'
           || CAST(CAST(wb_round(coalesce(z_parts, 0), 1) AS DECIMAL(18, 1)) AS VARCHAR) || ')' AS evidence_zh
    FROM scored
    WHERE z_paid >= $z_threshold OR z_parts >= $z_threshold
),
out_rows AS (
    SELECT 'shop:' || f.shop AS clue_key, s.company_code, 'auto_claim' AS record_kind,
           s.claim_no AS record_no, 'repair_shop' AS role, 'repair_shop' AS entity_type,
           f.shop AS entity_token, f.shop_name AS entity_mask,
           wb_round(greatest(s.repair_cost - f.m_paid, 0), 2) AS amount, wb_round(f.z_paid, 6) AS metric1,
           wb_round(f.z_parts, 6) AS metric2,
           f.evidence_zh
    FROM flagged AS f JOIN repairs AS s ON s.shop = f.shop
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
