"""Scoring, triage and the whitelist (评分、分级与白名单); high-risk persons (高风险人员).

Why a score at all: the association dispatches thousands of clues and the
companies have weeks, not months.  A clue's score (0–100) adds three things an
investigator weighs first:

* **severity** (严重程度) of its rule, 1–5 → ``12 × severity`` points;
* **independent signals** (独立信号): other *indicators* (DOMAIN.md §2 codes,
  so two variants of one indicator count once) that found the same person,
  vehicle, account, phone, representative, receipt or record → ``10`` points
  for each beyond the clue's own, at most three (Zalma: three or more red flags
  → refer to the special investigation unit);
* **money** (涉案金额) → ``5 × log10(amount / 10,000)`` points, 0–10
  (10,000 元 → 0, 100,000 → 5, 1,000,000 → 10).

Tiers (线索等级): **A 一级** ≥ 60, **B 二级** 40–59, **C 三级** < 40.  A clue
that involves a whitelisted entity (核实白名单: a verified cooperative account,
a taxi fleet's vehicle …) is kept and says so, but always goes to tier C.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .engine import Engine
from .taxonomy import HIGH_RISK_CATEGORIES

SEVERITY_POINTS = 12
SIGNAL_POINTS = 10
MAX_EXTRA_SIGNALS = 3
MONEY_POINTS_MAX = 10

#: (tier, Chinese name, minimum score, meaning)
TIERS = (
    ("A", "一级", 60, "优先核查：单条即确凿(严重程度5)，或强信号有独立佐证 / investigate first"),
    ("B", "二级", 40, "核查：可疑，需公司核实 / investigate"),
    ("C", "三级", 0, "关注：弱信号或白名单对象，留存备查 / keep on file"),
)

#: Entity types through which two clues count as being about the same thing.
SIGNAL_ENTITY_TYPES = (
    "person",
    "vehicle",
    "plate",
    "account",
    "phone",
    "representative",
    "receipt",
    "ear_tag",
    "parcel",
)

#: How each high-risk person category (高风险人员类别) is derived from the data.
HIGH_RISK_DERIVATION = {
    "misconduct": "不可由报送字段推导：行为失当(陈述矛盾、反复变更出险经过、施压催赔)在承保理赔数据中没有字段；"
    "只能来自公司报送的附表4/6 / not derivable from the submitted fields: no field records "
    "statements, changes of loss details or pressure; only the companies' own reports carry it",
    "medical_abuse": "医疗滥用：12个月内多次住院、轻伤久住(H5)规则命中的被保险人 / insureds hit by the H5 rules",
    "concealment": "隐瞒信息：多头投保(H1)、带伤投保(H7)规则命中的被保险人 / insureds hit by H1 and H7 rules",
    "financial_arrears": "财务欠款：保额与申报收入严重不符(H2)的被保险人(收入口径以公司报送为准) / "
    "insureds hit by the H2 income-mismatch rule",
    "deliberate_fraud": "蓄意骗保：理赔结论为拒赔且拒赔原因含“欺诈”，或线索经公司反馈确认欺诈 / "
    "claims refused for fraud, or clues the company confirmed as fraud",
    "duplicate_receipts": "医疗票据重复理赔：同一票据多次理赔(H6)规则命中的被保险人 / insureds hit by H6 rules",
}

_WHITELIST_SQL = """
    SELECT 'account' AS entity_type, account_token AS token, reason, verified_by, verified_date, valid_until
    FROM whitelist WHERE account_token IS NOT NULL
    UNION ALL SELECT 'vehicle', vin_token, reason, verified_by, verified_date, valid_until
    FROM whitelist WHERE vin_token IS NOT NULL
    UNION ALL SELECT 'plate', plate_token, reason, verified_by, verified_date, valid_until
    FROM whitelist WHERE plate_token IS NOT NULL
    UNION ALL SELECT 'person', person_id_token, reason, verified_by, verified_date, valid_until
    FROM whitelist WHERE person_id_token IS NOT NULL
    UNION ALL SELECT 'phone', phone_token, reason, verified_by, verified_date, valid_until
    FROM whitelist WHERE phone_token IS NOT NULL
    UNION ALL SELECT CASE entity_type WHEN '修理厂' THEN 'repair_shop' ELSE 'hospital' END, org, reason,
           verified_by, verified_date, valid_until
    FROM (SELECT entity_type, org_code AS org, reason, verified_by, verified_date, valid_until
          FROM whitelist WHERE entity_type IN ('修理厂', '医院') AND org_code IS NOT NULL
          UNION ALL
          SELECT entity_type, org_name, reason, verified_by, verified_date, valid_until
          FROM whitelist WHERE entity_type IN ('修理厂', '医院') AND org_name IS NOT NULL) AS orgs
"""


def whitelist_entities_sql() -> str:
    """SQL listing whitelisted entities as (entity_type, token, reason, …) in the clue vocabulary."""
    return _WHITELIST_SQL


def tier_of(score: float, whitelisted: bool = False) -> str:
    """The tier letter for a score (the same cut-offs the SQL applies)."""
    if whitelisted:
        return "C"
    return next(t for t, _, cut, _ in TIERS if score >= cut)


def score_clues(engine: Engine, period: str) -> None:
    """Signals, whitelist hits, score and tier for every current clue of ``period``."""
    x = engine.execute
    x(
        "CREATE OR REPLACE TEMP TABLE _cur AS SELECT clue_id, indicator, rule_id FROM clues "
        "WHERE current AND period = $period",
        {"period": period},
        what="current clues",
    )
    x(
        """
        CREATE OR REPLACE TEMP TABLE _sig AS
        WITH keys AS (
            SELECT e.clue_id, 'E|' || e.entity_type || '|' || e.token AS k
            FROM clue_entities AS e JOIN _cur USING (clue_id)
            WHERE list_contains($types, e.entity_type)
            UNION
            SELECT r.clue_id, 'R|' || coalesce(r.company_code, '') || '|' || r.record_kind || '|' || r.record_no
            FROM clue_records AS r JOIN _cur USING (clue_id)
        ),
        pairs AS (
            SELECT DISTINCT a.clue_id, c.indicator, c.rule_id
            FROM keys AS a JOIN keys AS b ON a.k = b.k JOIN _cur AS c ON c.clue_id = b.clue_id
        )
        SELECT clue_id, count(DISTINCT indicator) AS signals,
               array_to_string(list_sort(list(DISTINCT rule_id)), ';') AS signal_rules
        FROM pairs GROUP BY clue_id
    """,
        {"types": list(SIGNAL_ENTITY_TYPES)},
        what="signals",
    )
    x(
        "DELETE FROM clue_whitelist_hits WHERE clue_id IN (SELECT clue_id FROM _cur)",
        what="whitelist",
    )
    x(
        f"""
        INSERT INTO clue_whitelist_hits
        SELECT DISTINCT e.clue_id, e.entity_type, e.token, e.mask, w.reason, w.verified_by,
               w.verified_date, w.valid_until
        FROM clue_entities AS e JOIN _cur USING (clue_id)
        JOIN ({_WHITELIST_SQL}) AS w ON w.entity_type = e.entity_type AND w.token = e.token
    """,
        what="whitelist hits",
    )
    x(
        f"""
        CREATE OR REPLACE TEMP TABLE _score AS
        WITH wl AS (
            SELECT clue_id, array_to_string(list_sort(list(DISTINCT
                       coalesce(mask, token) || '：' || coalesce(reason, '') || '(' || coalesce(verified_by, '')
                       || ')')), '；') AS reason
            FROM clue_whitelist_hits JOIN _cur USING (clue_id) GROUP BY clue_id
        ),
        base AS (
            SELECT c.clue_id, coalesce(s.signals, 1) AS signals, coalesce(s.signal_rules, c.rule_id) AS signal_rules,
                   {SEVERITY_POINTS} * c.severity
                   + {SIGNAL_POINTS} * least(greatest(coalesce(s.signals, 1) - 1, 0), {MAX_EXTRA_SIGNALS})
                   + greatest(0, least({MONEY_POINTS_MAX},
                         round(5 * log10(greatest(coalesce(c.amount, 0), 1) / 10000.0)))) AS score,
                   wl.reason AS whitelist_reason
            FROM clues AS c JOIN _cur USING (clue_id)
            LEFT JOIN _sig AS s USING (clue_id) LEFT JOIN wl USING (clue_id)
        )
        SELECT clue_id, signals, signal_rules, CAST(score AS DOUBLE) AS score,
               whitelist_reason IS NOT NULL AS whitelisted, whitelist_reason,
               CASE WHEN whitelist_reason IS NOT NULL THEN 'C'
                    WHEN score >= {TIERS[0][2]} THEN 'A' WHEN score >= {TIERS[1][2]} THEN 'B'
                    ELSE 'C' END AS tier
        FROM base
    """,
        what="scores",
    )
    x(
        """
        UPDATE clues SET signals = s.signals, signal_rules = s.signal_rules, score = s.score,
               whitelisted = s.whitelisted, whitelist_reason = s.whitelist_reason, tier = s.tier
        FROM _score AS s WHERE clues.clue_id = s.clue_id
    """,
        what="update scores",
    )


# --- high-risk persons (高风险人员, Attachments 4 and 6) --------------------------------------------


def write_high_risk_persons(engine: Engine, run_id: str, period: str, catalogue: dict) -> None:
    """Derive the high-risk persons of ``period`` from its current tier A/B clues and the refusals.

    A person enters a category when a clue of tier A or B (so not a lone weak flag, and not a
    whitelisted one) of a rule declaring that category names them as the insured.

    Must run inside :meth:`Engine.period` so ``ah_claim`` means the period's claims.
    """
    x = engine.execute
    pairs = [(r.id, h) for r in catalogue.values() for h in r.high_risk]
    x("CREATE OR REPLACE TEMP TABLE _rule_hr (rule_id VARCHAR, category VARCHAR)", what="high risk")
    if pairs:
        engine.con.executemany("INSERT INTO _rule_hr VALUES (?, ?)", pairs)
    cats = (
        "CASE category "
        + " ".join(f"WHEN '{k}' THEN '{v}'" for k, v in HIGH_RISK_CATEGORIES.items())
        + " END"
    )
    x("DELETE FROM high_risk_persons WHERE period = $period", {"period": period}, what="high risk")
    x(
        f"""
        INSERT INTO high_risk_persons
        WITH from_clues AS (
            SELECT m.category, e.token AS person_token, e.mask AS person_mask, c.rule_id, c.clue_id,
                   c.companies, c.record_count AS claims, c.amount, c.evidence_zh
            FROM clues AS c JOIN _rule_hr AS m ON m.rule_id = c.rule_id
            JOIN clue_entities AS e ON e.clue_id = c.clue_id AND e.entity_type = 'person'
                 AND e.role = 'insured'
            WHERE c.current AND c.period = $period AND c.tier IN ('A', 'B')
        ),
        refused AS (
            SELECT 'deliberate_fraud' AS category, insured_id_token AS person_token,
                   max(insured_id_mask) AS person_mask, 'refused_for_fraud' AS rule_id,
                   CAST(NULL AS VARCHAR) AS clue_id,
                   array_to_string(list_sort(list(DISTINCT company_code)), ';') AS companies,
                   count(*) AS claims, sum(claimed_amount) AS amount,
                   '因欺诈被拒赔' || CAST(count(*) AS VARCHAR) || '次，索赔合计'
                   || CAST(CAST(round(sum(claimed_amount)) AS BIGINT) AS VARCHAR) || '元' AS evidence_zh
            FROM ah_claim
            WHERE decision = '拒赔' AND refusal_reason LIKE '%欺诈%' AND insured_id_token IS NOT NULL
            GROUP BY insured_id_token
        ),
        confirmed AS (
            SELECT 'deliberate_fraud', e.token, e.mask, c.rule_id, c.clue_id, c.companies,
                   c.record_count, c.amount, '线索经公司核查确认欺诈：' || c.evidence_zh
            FROM clue_feedback AS f JOIN clues AS c ON c.clue_id = f.clue_id AND c.period = $period
            JOIN clue_entities AS e ON e.clue_id = c.clue_id AND e.entity_type = 'person'
            WHERE f.conclusion = '确认欺诈'
        ),
        all_rows AS (
            SELECT * FROM from_clues UNION ALL SELECT * FROM refused UNION ALL SELECT * FROM confirmed
        )
        SELECT $run, $period, category, {cats}, person_token, max(person_mask),
               array_to_string(list_sort(list(DISTINCT rule_id)), ';'),
               array_to_string(list_sort(list(DISTINCT clue_id) FILTER (WHERE clue_id IS NOT NULL)), ';'),
               array_to_string(list_sort(list(DISTINCT companies)), ';'), CAST(max(claims) AS INTEGER),
               max(amount), array_to_string(list_sort(list(DISTINCT evidence_zh)), '；')
        FROM all_rows GROUP BY category, person_token
    """,
        {"run": run_id, "period": period},
        what="high risk persons",
    )


def high_risk_persons(
    con: duckdb.DuckDBPyConnection, period: str = "campaign", category: str | None = None
) -> pd.DataFrame:
    """High-risk persons (高风险人员) of ``period`` as derived by its latest screening run:
    person token and mask, category (English key and Chinese), rules, clues, evidence."""
    sql = "SELECT * FROM high_risk_persons WHERE period = ?"
    args: list = [period]
    if category:
        sql += " AND category = ?"
        args.append(category)
    return con.execute(sql + " ORDER BY category, person_token", args).df()
