"""The one database engine object every screening step goes through (执行引擎).

Why one object: so that every statement is timed, logged with its rendered SQL
at debug level, and — when it fails — re-raised as a :class:`RuleError` that
names the rule, its file, the SQL and the bound parameters (Splink's
``DatabaseAPI`` pattern).  It also owns the two things that make a rule file
reusable without copying it:

* **periods** (数据期间): the accident & health rules read ``ah_claim`` and
  ``medical_receipt``; for the pre-2017 self-review the engine shadows those
  names with temporary views over ``ah_claim_hist`` / ``medical_receipt_hist``
  (or the union of both periods), so one rule file screens either period;
* **steps** (调试): a rule's CTE steps can be materialised one by one for
  inspection in a notebook, the way Splink's debug mode does.

Parameters are always bound (DuckDB ``$name``), never formatted into SQL; the
rendered form is for logs and error messages only.
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pandas as pd

from .errors import RuleError
from .portable import duckdb_macro_sql
from .rules import PERIODS, Rule, output_columns, split_final, step_names

log = logging.getLogger(__name__)

#: Tables the pre-2017 self-review substitutes (campaign name → pre-2017 twin).
PERIOD_TABLES = {"ah_claim": "ah_claim_hist", "medical_receipt": "medical_receipt_hist"}

#: The staging table a rule's rows land in before they become clues.
RULE_OUT = "_rule_out"


@dataclass
class RuleTiming:
    """How one rule ran: rows returned and seconds taken."""

    rule_id: str
    rows: int
    seconds: float


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def render(sql: str, params: dict | None) -> str:
    """SQL with parameter values shown inline — for logs and messages only, never executed."""
    out = sql
    for name in sorted(params or {}, key=len, reverse=True):
        out = out.replace(f"${name}", _literal(params[name]))
    return out


class Engine:
    """Runs SQL on one DuckDB connection: timed, logged, failures named."""

    #: where the rules run (``screen_runs.engine``); :class:`workbench.spark_engine.SparkEngine` says spark
    name = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection, *, debug: bool = False) -> None:
        self.con = con
        self.debug = debug
        self.timings: list[RuleTiming] = []
        self._period = "campaign"
        for statement in duckdb_macro_sql():  # the product macros (wb_…), see workbench.portable
            con.execute(statement)

    def detail(self) -> dict:
        """Provenance of the engine for ``screen_runs.engine_detail``."""
        return {"engine": self.name, "duckdb_version": duckdb.__version__}

    def screened_fingerprint(self, warehouse: str) -> str | None:
        """The fingerprint of the data the rules read (``screen_runs.data_fingerprint``): here the
        warehouse's own; None when it is not known (see the Spark engine)."""
        return warehouse

    def ran_on(self, rule_id: str) -> str:
        """Where the rule ran (the run summary's engine column)."""
        return self.name

    # --- plain statements -----------------------------------------------------------------

    def execute(
        self,
        sql: str,
        params: dict | list | None = None,
        *,
        rule: Rule | None = None,
        what: str = "",
    ) -> duckdb.DuckDBPyConnection:
        """Execute one statement; a database error becomes a :class:`RuleError` with context."""
        if self.debug or log.isEnabledFor(logging.DEBUG):  # debug mode: every statement, rendered
            shown = render(sql, params) if isinstance(params, dict) else sql
            log.log(
                logging.INFO if self.debug else logging.DEBUG,
                "SQL %s%s:\n%s",
                what,
                f" [{rule.id}]" if rule else "",
                shown,
            )
        try:
            return self.con.execute(sql, params) if params else self.con.execute(sql)
        except duckdb.Error as exc:
            if rule is not None:
                raise RuleError(
                    f"规则 {rule.id} 运行失败 / rule {rule.id} failed ({rule.path}): {exc}\n"
                    f"参数 params: {params}\nSQL:\n{render(sql, params if isinstance(params, dict) else None)}"
                ) from exc
            raise RuleError(
                f"筛查语句失败 / screening statement failed ({what}): {exc}\nSQL:\n{sql}"
            ) from exc

    def df(self, sql: str, params=None, **kw) -> pd.DataFrame:
        return self.execute(sql, params, **kw).df()

    # --- periods ----------------------------------------------------------------------------

    @contextmanager
    def period(self, period: str):
        """Within the block, ``ah_claim`` / ``medical_receipt`` mean the chosen period's data."""
        if period not in PERIODS:
            raise RuleError(
                f"未知的数据期间 {period!r}，可选 {list(PERIODS)} / unknown period {period!r}"
            )
        views = []
        # qualified by the database's own catalog: plain main.ah_claim would find the temp view
        db = self.con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
        try:
            for name, hist in PERIOD_TABLES.items():
                if period == "pre2017":
                    body = f'SELECT * FROM "{db}".main.{hist}'
                elif period == "both":
                    body = (
                        f'SELECT * FROM "{db}".main.{name} '
                        f'UNION ALL BY NAME SELECT * FROM "{db}".main.{hist}'
                    )
                else:
                    continue
                self.execute(
                    f"CREATE OR REPLACE TEMP VIEW {name} AS {body}", what=f"period {period}"
                )
                views.append(name)
            self._period = period
            yield self
        finally:
            for name in views:
                self.con.execute(f"DROP VIEW IF EXISTS temp.main.{name}")
            self._period = "campaign"

    def record_kind_sql(self, period: str, alias: str = "o") -> str:
        """SQL naming a row's true record kind: rules say ``ah_claim`` / ``medical_receipt`` whatever
        the period, but a pre-2017 record lives in ``ah_claim_hist`` / ``medical_receipt_hist``."""
        kind, no, co = f"{alias}.record_kind", f"{alias}.record_no", f"{alias}.company_code"
        if period == "pre2017":
            return (
                f"CASE {kind} WHEN 'ah_claim' THEN 'ah_claim_hist' "
                f"WHEN 'medical_receipt' THEN 'medical_receipt_hist' ELSE {kind} END"
            )
        if period != "both":
            return kind
        db = self.con.execute("SELECT current_database()").fetchone()[0].replace('"', '""')
        return (
            f"CASE WHEN {kind} = 'ah_claim' AND EXISTS (SELECT 1 FROM \"{db}\".main.ah_claim_hist AS h "
            f"WHERE h.company_code = {co} AND h.claim_no = {no}) THEN 'ah_claim_hist' "
            f"WHEN {kind} = 'medical_receipt' AND EXISTS (SELECT 1 FROM \"{db}\".main.medical_receipt_hist "
            f"AS h WHERE h.company_code = {co} AND coalesce(h.receipt_code, '') || '/' || h.receipt_no = {no}) "
            f"THEN 'medical_receipt_hist' ELSE {kind} END"
        )

    # --- rules ------------------------------------------------------------------------------

    def submit(self, rules: list[Rule], params: dict[str, dict]) -> None:
        """The rules about to run, in order, with their bound parameters: an engine that can start
        them ahead (:class:`workbench.spark_engine.SparkEngine`) does; DuckDB runs each in turn."""

    def run_rule(self, rule: Rule, params: dict) -> RuleTiming:
        """Run ``rule`` with bound ``params`` into the staging table :data:`RULE_OUT`."""
        started = time.perf_counter()
        self.execute(
            f"CREATE OR REPLACE TEMP TABLE {RULE_OUT} AS {rule.sql}", params, rule=rule, what="run"
        )
        self.check_shape(rule)
        rows = self.con.execute(f"SELECT count(*) FROM {RULE_OUT}").fetchone()[0]
        timing = RuleTiming(rule.id, rows, time.perf_counter() - started)
        self.timings.append(timing)
        log.info("rule %s (%s): %d rows in %.2fs", rule.id, self._period, rows, timing.seconds)
        return timing

    def output_shape(self, table: str = RULE_OUT) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self.con.execute(f"DESCRIBE {table}").fetchall()]

    def check_shape(self, rule: Rule, table: str = RULE_OUT) -> None:
        """Refuse a rule whose output is not exactly :data:`~workbench.rules.OUTPUT_COLUMNS`."""
        got = self.output_shape(table)
        want = [(c, t) for c, t, _ in output_columns(rule)]
        if got != want:
            raise RuleError(
                f"规则 {rule.id} 的输出列不符合统一格式 / rule {rule.id} ({rule.path}) returns {got}, "
                f"want {want}: cast every output column explicitly, in this order"
            )

    def fetch(self, rule: Rule, params: dict | None = None) -> pd.DataFrame:
        """The rule's rows as a DataFrame (for notebooks and tests)."""
        return self.df(rule.sql, rule.bind(params), rule=rule, what="fetch")

    def steps(
        self, rule: Rule, params: dict | None = None, limit: int = 1000
    ) -> dict[str, pd.DataFrame]:
        """Each CTE step of the rule materialised (first ``limit`` rows): the debug view."""
        params = rule.bind(params)
        with_part, _ = split_final(rule.sql)
        out = {}
        for name in step_names(rule.sql):
            out[name] = self.df(
                f"{with_part}\nSELECT * FROM {name} LIMIT {int(limit)}",
                params,
                rule=rule,
                what=f"step {name}",
            )
        return out
