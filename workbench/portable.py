"""Portable rule SQL (可移植规则SQL): product macros, and the translation to Spark SQL.

One rule file runs on DuckDB (a province) and on Apache Spark (a national platform). sqlglot
translates DuckDB SQL to Spark SQL, but it gives **no warning** where a construct changes its
meaning on the way (measured here, see ``docs/spark.md``):

* ``list(x ORDER BY y)`` loses its ORDER BY; ``string_agg`` becomes an unordered ``LISTAGG``;
* ``date_diff('month' | 'year', a, b)`` counts boundaries in DuckDB, whole units in Spark;
* ``dayofweek``/``isodow`` number the days differently (and ``isodow`` comes out wrong);
* ``quantile_cont``/``median`` become other functions; ``hash``/``epoch`` differ;
* ``list(x)`` keeps NULLs in DuckDB, Spark's ``collect_list`` drops them;
* ``round(x, n)`` rounds the binary double in DuckDB (0.15 → 0.1) and the decimal in Spark
  (0.15 → 0.2): 1,500 元 printed as 万元 read "0.1" on one engine and "0.2" on the other.

So the product has a small set of **macros** (:data:`MACROS`, ``wb_…``) whose body is written
once per engine: on DuckDB they are ``CREATE TEMP MACRO`` on the connection (the rule SQL runs
unchanged), on Spark they are expanded in the sqlglot tree before the Spark SQL is generated.
:func:`hazards` refuses the constructs above, so a rule either translates faithfully or fails
loudly, naming the construct and the macro to use instead.

This module needs ``sqlglot`` only for :func:`to_spark` / :func:`hazards` (the ``spark`` extra);
the DuckDB side (:func:`duckdb_macro_sql`) needs nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from .errors import RuleError

#: The sqlglot version the translation was verified with (pinned in pyproject's ``spark`` extra).
SQLGLOT_VERSION = "30.31.0"


@dataclass(frozen=True)
class Macro:
    """A product macro: one name, one body per engine (parameters are bare identifiers)."""

    name: str
    params: tuple[str, ...]
    duckdb: str
    spark: str
    doc: str


_FULL_YEARS = (
    "year(m_until) - year(m_since) - CASE WHEN month(m_until) < month(m_since) OR "
    "(month(m_until) = month(m_since) AND day(m_until) < day(m_since)) THEN 1 ELSE 0 END"
)
_FULL_MONTHS = (
    "(year(m_until) * 12 + month(m_until)) - (year(m_since) * 12 + month(m_since)) - "
    "CASE WHEN day(m_until) < day(m_since) THEN 1 ELSE 0 END"
)
# snap to 6 decimals of the rounding unit first, so that a sum added up in another order (last
# bits differ) still rounds the same way; then round half away from zero, as a clerk would
_ROUND = "round(round(m_x * power(10, m_n) * 1000000) / 1000000) / power(10, m_n)"

#: The product macros: ``wb_`` names, usable in any rule on either engine.
MACROS: dict[str, Macro] = {
    m.name: m
    for m in (
        Macro(
            "wb_full_years",
            ("m_since", "m_until"),
            _FULL_YEARS,
            _FULL_YEARS,
            "completed years from `since` to `until` (age at `until` of someone born on `since`); "
            "born on 29 February, a year completes on 1 March in common years",
        ),
        Macro(
            "wb_full_months",
            ("m_since", "m_until"),
            _FULL_MONTHS,
            _FULL_MONTHS,
            "completed calendar months from `since` to `until` (31 January → 28 February is 0, "
            "→ 28 March is 1); replaces date_diff('month', …), whose meaning differs per engine",
        ),
        Macro(
            "wb_iso_weekday",
            ("m_d",),
            "isodow(m_d)",
            "(dayofweek(m_d) + 5) % 7 + 1",
            "ISO day of week: 1 = Monday … 7 = Sunday",
        ),
        Macro(
            "wb_median",
            ("m_x",),
            "quantile_cont(m_x, 0.5)",
            "percentile(m_x, 0.5)",
            "exact median (interpolated), not an approximation",
        ),
        Macro(
            "wb_quantile",
            ("m_x", "m_p"),
            "quantile_cont(m_x, m_p)",
            "percentile(m_x, m_p)",
            "exact continuous quantile `p` (0–1, a constant), not an approximation",
        ),
        Macro(
            "wb_round",
            ("m_x", "m_n"),
            _ROUND,
            _ROUND,
            "round half away from zero to `n` decimals, the same on every engine (0.15 → 0.2) and "
            "whatever order a sum was added in; cast the result to DECIMAL(18, n) to print it",
        ),
    )
}


def duckdb_macro_sql() -> list[str]:
    """``CREATE OR REPLACE TEMP MACRO`` statements defining :data:`MACROS` on a DuckDB connection."""
    return [
        f"CREATE OR REPLACE TEMP MACRO {m.name}({', '.join(m.params)}) AS ({m.duckdb})"
        for m in MACROS.values()
    ]


# --- translation hazards -----------------------------------------------------------------------


def _sqlglot():
    try:
        import sqlglot
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise RuleError(
            "Spark 引擎需要 sqlglot：pip install '.[spark]' / the spark engine needs the spark extra: "
            "pip install '.[spark]'"
        ) from exc
    return sqlglot


def _text_types():
    from sqlglot import exp

    return (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT, exp.DataType.Type.CHAR)


def _non_null(node) -> bool:
    """True when ``node`` can never be NULL by its form (a literal, CASE … ELSE literal, …)."""
    from sqlglot import exp

    if isinstance(node, exp.Distinct):
        return all(_non_null(e) for e in node.expressions)
    if isinstance(node, exp.Literal):
        return True
    if isinstance(node, exp.Case):
        default = node.args.get("default")
        return (
            default is not None
            and _non_null(default)
            and all(_non_null(i.args.get("true")) for i in node.args.get("ifs") or [])
        )
    if isinstance(node, exp.Coalesce):
        return any(_non_null(e) for e in [node.this, *node.expressions])
    return False


def _filters_nulls(agg) -> bool:
    """True when the aggregate has ``FILTER (WHERE <its argument> IS NOT NULL)``."""
    from sqlglot import exp

    parent = agg.parent
    if not isinstance(parent, exp.Filter):
        return False
    arg = agg.this.expressions[0] if isinstance(agg.this, exp.Distinct) else agg.this
    for cond in parent.find_all(exp.Not):
        inner = cond.this
        if (
            isinstance(inner, exp.Is)
            and isinstance(inner.expression, exp.Null)
            and inner.this == arg
        ):
            return True
    return False


def _is_double(node) -> bool:
    """True when ``node`` is by its form a DOUBLE (a rounding, a division, an average …)."""
    from sqlglot import exp

    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(
        node,
        exp.Round
        | exp.Div
        | exp.Avg
        | exp.Sqrt
        | exp.Stddev
        | exp.StddevPop
        | exp.StddevSamp
        | exp.Variance
        | exp.Pow
        | exp.Ln
        | exp.Log,
    ):
        return True
    if isinstance(node, exp.Anonymous) and node.name.lower() in (
        "wb_round",
        "wb_median",
        "wb_quantile",
    ):
        return True
    return isinstance(node, exp.Literal) and not node.is_string and "." in node.name


def hazards(sql: str) -> list[str]:
    """Constructs in DuckDB ``sql`` whose meaning sqlglot would change silently on Spark."""
    sqlglot = _sqlglot()
    from sqlglot import exp

    tree = sqlglot.parse_one(sql, read="duckdb")
    found = []

    def add(msg):
        if msg not in found:
            found.append(msg)

    for node in tree.walk():
        if isinstance(node, exp.AggFunc | exp.GroupConcat) and isinstance(node.this, exp.Order):
            add("ORDER BY inside an aggregate (dropped on Spark): use list_sort(list(…))")
        if isinstance(node, exp.GroupConcat):
            add(
                "string_agg/group_concat (unordered on Spark): use array_to_string(list_sort(list(…)), sep)"
            )
        if isinstance(node, exp.DateDiff):
            unit = (node.text("unit") or "day").lower()
            if unit not in ("day", "days"):
                add(
                    f"date_diff('{unit}', …) (boundaries on DuckDB, whole units on Spark): "
                    "use wb_full_months / wb_full_years"
                )
        if isinstance(node, exp.DayOfWeek | exp.DayOfWeekIso) or (
            isinstance(node, exp.Anonymous) and node.name.lower() in ("dow", "isodow", "weekday")
        ):
            add("day of week (numbered differently per engine): use wb_iso_weekday")
        if isinstance(
            node,
            exp.PercentileCont
            | exp.PercentileDisc
            | exp.Quantile
            | exp.Median
            | exp.ApproxQuantile,
        ):
            add(
                "quantile/median (another function or an approximation on Spark): "
                "use wb_median / wb_quantile"
            )
        if isinstance(node, exp.TimeToUnix) or (
            isinstance(node, exp.Anonymous) and node.name.lower() in ("hash", "epoch", "epoch_ms")
        ):
            add("hash()/epoch() (engine-specific values): compute tokens at ingest, use dates")
        if isinstance(node, exp.Round) and node.args.get("decimals") is not None:
            add(
                "round(x, n) (binary vs decimal rounding: 0.15 → 0.1 on DuckDB, 0.2 on Spark): "
                "use wb_round(x, n)"
            )
        if isinstance(node, exp.Cast) and node.to.this in _text_types() and _is_double(node.this):
            add(
                "CAST(<double> AS VARCHAR) (printed differently: '10000000.0' / '1.0E7'): "
                "cast to DECIMAL(18, n) or BIGINT first"
            )
        if isinstance(node, exp.ArrayAgg):
            arg = node.this
            if not (_filters_nulls(node) or _non_null(arg)):
                add(
                    "list(x) that may hold NULLs (Spark drops them): "
                    "add FILTER (WHERE x IS NOT NULL)"
                )
    return found


# --- DuckDB → Spark ----------------------------------------------------------------------------


@cache
def _macro_body(name: str):
    sqlglot = _sqlglot()
    return sqlglot.parse_one(MACROS[name].spark, read="spark")


def _expand(node):
    from sqlglot import exp

    if not isinstance(node, exp.Anonymous) or node.name.lower() not in MACROS:
        return node
    macro = MACROS[node.name.lower()]
    args = list(node.expressions)
    if len(args) != len(macro.params):
        raise RuleError(
            f"宏 {macro.name} 需要 {len(macro.params)} 个参数 / macro {macro.name} takes "
            f"{len(macro.params)} argument(s), got {len(args)}"
        )
    bound = dict(zip(macro.params, args, strict=True))

    def sub(n):
        if isinstance(n, exp.Column) and not n.table and n.name in bound:
            return exp.Paren(this=bound[n.name].copy())
        return n

    return exp.Paren(this=_macro_body(macro.name).copy().transform(sub))


@lru_cache(maxsize=256)
def to_spark(sql: str) -> str:
    """Spark SQL for DuckDB ``sql``: macros expanded, parameters as ``:name`` markers.

    Raises :class:`RuleError` naming every hazard (see :func:`hazards`) instead of translating
    a construct whose meaning would change.
    """
    sqlglot = _sqlglot()
    problems = hazards(sql)
    if problems:
        raise RuleError(
            "不能可靠地翻译为 Spark SQL / not portable to Spark: " + "; ".join(problems)
        )
    tree = sqlglot.parse_one(sql, read="duckdb")
    tree = tree.transform(_expand)
    out = tree.sql(dialect="spark")
    left = re.findall(r"\b(WB_[A-Z_]+)\s*\(", out)
    if left:
        raise RuleError(f"未知的产品宏 / unknown product macro(s): {sorted(set(left))}")
    return out


def translate_rule(rule) -> str:
    """The Spark SQL of ``rule`` (a :class:`workbench.rules.Rule`); errors name the rule."""
    try:
        return to_spark(rule.sql)
    except RuleError as exc:
        raise RuleError(f"规则 {rule.id} ({rule.path}): {exc}") from exc
    except Exception as exc:  # sqlglot parse/generate errors
        raise RuleError(
            f"规则 {rule.id} 无法翻译为 Spark SQL / rule {rule.id} ({rule.path}) does not translate: {exc}"
        ) from exc


def sqlglot_version() -> str | None:
    try:
        import sqlglot
    except ImportError:
        return None
    return sqlglot.__version__
