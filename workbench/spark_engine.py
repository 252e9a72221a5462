"""Screening on Apache Spark (Spark 引擎): the same rule files, for national-scale data.

A province fits on one DuckDB machine; the national platforms (hundreds of millions of
policies) live on Spark clusters. ``workbench screen --engine spark`` runs **the same rule
files** there:

1. the warehouse tables are read from parquet (``workbench export --parquet DIR``, refreshed
   automatically when the warehouse changed, or a cluster location used as it is) and registered
   as Spark temporary views under their warehouse names; the shared views the rules read
   (``v_person_role`` …) are created from the warehouse DDL, translated like the rules;
2. each rule's SQL is translated by sqlglot (:func:`workbench.portable.to_spark`: product macros
   expanded, meaning-changing constructs refused) and run with its parameters bound as Spark
   named parameters (``:name``), never formatted into the SQL — :data:`RULES_AT_ONCE` rules at a
   time, so one rule's planning overlaps another's work;
3. the rule's rows come back to the driver as Arrow and land in the DuckDB staging table, so
   clues, stable clue ids, scores, tiers, whitelist, high-risk persons — and the workbooks,
   dashboards and evaluation downstream — are exactly those of a DuckDB run.

What stays on DuckDB, on purpose: turning rows into clues, scoring (over clue tables, small), and
the **ring search** (:mod:`workbench.rings`), an iterative label propagation over the flagged
claims that runs on the DuckDB warehouse over the Spark-produced clues (see ``docs/spark.md``).
A rule whose metadata says ``portable: false`` runs on DuckDB too, with a warning naming it.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from .engine import PERIOD_TABLES, RULE_OUT, Engine, RuleTiming
from .errors import RuleError, WorkbenchError
from .export import ensure_export, is_remote
from .portable import sqlglot_version, to_spark, translate_rule
from .rules import PERIODS, Rule, output_columns, split_final, step_names
from .warehouse import DDL_DIR

log = logging.getLogger(__name__)

DEFAULT_MASTER = "local[*]"

#: Rules submitted to Spark at once (one driver thread each). Every rule is a few Spark jobs whose
#: planning and scheduling cost more than the work on provincial data; several at a time keep the
#: cores (or a cluster's executors) busy: measured 1.7× faster on ``local[2]`` with 3 at once.
RULES_AT_ONCE = 3
#: The setting (``--spark-conf workbench.rulesAtOnce=8``) that changes :data:`RULES_AT_ONCE`;
#: taken out before the session is built (it is the workbench's, not Spark's).
RULES_AT_ONCE_CONF = "workbench.rulesAtOnce"

#: Spark settings the engine always sets (a ``--spark-conf`` may override them).
BASE_CONF = {
    "spark.app.name": "workbench-screen",
    "spark.sql.session.timeZone": "UTC",  # timestamps are wall-clock times of the submissions
    "spark.sql.ansi.enabled": "true",  # bad casts and overflows fail, as they do in DuckDB
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
}

#: Spark type of each DuckDB output type (``DataType.simpleString()``).
SPARK_TYPES = {"VARCHAR": "string", "DOUBLE": "double", "BIGINT": "bigint", "INTEGER": "int"}


def _local_cores(master: str) -> int | None:
    """Cores of a local master (``local``, ``local[4]``, ``local[*]``); None for a cluster."""
    if master == "local":
        return 1
    m = re.fullmatch(r"local\[(\d+|\*)(?:,\d+)?\]", master)
    if not m:
        return None
    return (os.cpu_count() or 2) if m.group(1) == "*" else int(m.group(1))


def spark_conf(master: str, conf: dict | None = None) -> dict:
    """The settings a session is built with: :data:`BASE_CONF`, few shuffle partitions on a
    local master (the default 200 is for clusters), then ``conf``."""
    out = dict(BASE_CONF)
    cores = _local_cores(master)
    if cores:
        out["spark.sql.shuffle.partitions"] = str(max(2, 2 * cores))
        # a local session talks to itself only: keep the driver on the loopback interface
        out["spark.driver.bindAddress"] = "127.0.0.1"
        out["spark.driver.host"] = "127.0.0.1"
    out.update({k: str(v) for k, v in (conf or {}).items()})
    return out


def spark_session(master: str | None = None, conf: dict | None = None):
    """A SparkSession on ``master`` (default ``local[*]``); an existing one is reused as it is."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise WorkbenchError(
            "未安装 PySpark / PySpark is not installed: pip install '.[spark]' (see docs/spark.md)"
        ) from exc
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        raise WorkbenchError(
            "Spark 需要 Java 17+ / Spark needs Java 17 or later: apt-get install default-jre-headless "
            "(or set JAVA_HOME)"
        )
    master = master or DEFAULT_MASTER
    builder = SparkSession.builder.master(master)
    for key, value in spark_conf(master, conf).items():
        builder = builder.config(key, value)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


# --- the warehouse on Spark ----------------------------------------------------------------------


@cache
def ddl_views() -> dict[str, tuple[str, frozenset]]:
    """The warehouse's shared views (``sql/ddl``): name → (DuckDB SELECT, names it reads)."""
    import sqlglot
    from sqlglot import exp

    views: dict[str, tuple[str, frozenset]] = {}
    for path in sorted(DDL_DIR.glob("V*.sql")):
        text = path.read_text(encoding="utf-8")
        if "CREATE OR REPLACE VIEW" not in text.upper():
            continue
        for stmt in sqlglot.parse(text, read="duckdb"):
            if isinstance(stmt, exp.Create) and (stmt.args.get("kind") or "").upper() == "VIEW":
                body = stmt.expression
                ctes = {c.alias_or_name for c in body.find_all(exp.CTE)}
                reads = frozenset(t.name for t in body.find_all(exp.Table) if t.name not in ctes)
                views[stmt.this.name] = (body.sql(dialect="duckdb"), reads)
    return views


class SparkTables:
    """The warehouse tables as Spark temporary views over parquet folders (one per table)."""

    def __init__(self, spark, location: str | Path) -> None:
        self.spark = spark
        self.location = str(location) if is_remote(location) else str(Path(location).resolve())
        self._frames: dict = {}
        self._views: list[str] = []
        self.period = "campaign"

    def path(self, table: str) -> str:
        return f"{self.location.rstrip('/')}/{table}"

    def frame(self, table: str):
        if table not in self._frames:
            try:
                self._frames[table] = self.spark.read.parquet(self.path(table))
            except Exception as exc:  # AnalysisException: path does not exist …
                raise WorkbenchError(
                    f"Spark 读不到表 {table} / Spark cannot read table {table} at {self.path(table)}: "
                    f"{str(exc).splitlines()[0]} — run `workbench export --parquet {self.location}`"
                ) from exc
        return self._frames[table]

    @staticmethod
    def needed(rules: list[Rule], period: str) -> tuple[list[str], list[str]]:
        """(tables, views) the rules read in ``period``; views in dependency order."""
        views = ddl_views()
        wanted: list[str] = []

        def want(name):
            if name in views and name not in wanted:
                for dep in sorted(views[name][1]):
                    want(dep)
                wanted.append(name)

        tables = set()
        for rule in rules:
            tables |= set(rule.tables)
            for name in re.findall(r"\b(v_[a-z0-9_]+)\b", rule.sql):
                want(name)
        for name in wanted:
            tables |= {t for t in views[name][1] if t not in views}
        if period != "campaign":  # the rules say ah_claim; the period reads its twin too
            tables |= {PERIOD_TABLES[t] for t in tables if t in PERIOD_TABLES}
        return sorted(tables), wanted

    def register(self, rules: list[Rule], period: str) -> None:
        """Temporary views for everything ``rules`` read in ``period`` (periods as in DuckDB)."""
        tables, views = self.needed(rules, period)
        for table in tables:
            self.frame(table).createOrReplaceTempView(table)
        for name, hist in PERIOD_TABLES.items():
            if period == "pre2017" and hist in tables:
                self.frame(hist).createOrReplaceTempView(name)
            elif period == "both" and hist in tables:
                both = self.frame(name).unionByName(self.frame(hist), allowMissingColumns=True)
                both.createOrReplaceTempView(name)
        for name in views:  # created after the period's tables, so they read the period's data
            self.spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW {name} AS {to_spark(ddl_views()[name][0])}")
        self.period = period


class SparkEngine(Engine):
    """An :class:`Engine` whose rules run on Spark; the rows land in the DuckDB warehouse ``con``.

    Everything else (staging, clues, scores, rings, high-risk persons) runs on ``con`` as usual.
    """

    name = "spark"

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        spark,
        location: str | Path,
        *,
        debug: bool = False,
        session_seconds: float = 0.0,
        export=None,
        parallel: int = RULES_AT_ONCE,
    ) -> None:
        super().__init__(con, debug=debug)
        self.parallel = max(1, int(parallel))
        self._pool: ThreadPoolExecutor | None = None
        self._pending: dict[str, tuple[Future, dict]] = {}
        self.spark = spark
        self.tables = SparkTables(spark, location)
        self.session_seconds = session_seconds
        self.export = export
        self.on_duckdb: dict[str, str] = {}  # rule id → why it ran on DuckDB
        self._rules: list[Rule] = []

    def prepare(self, rules: list[Rule]) -> None:
        """Remember the rules of this run (the tables to register follow from them)."""
        self._rules = list(rules)
        self.tables.register(self._rules, "campaign")

    @contextmanager
    def period(self, period: str):
        if period not in PERIODS:
            raise RuleError(f"未知的数据期间 {period!r} / unknown period {period!r}")
        with super().period(period):
            self.tables.register(self._rules, period)
            try:
                yield self
            finally:
                self._drain()  # nothing may still read the period's views
                self.tables.register(self._rules, "campaign")

    def detail(self) -> dict:
        """Provenance of the run: master, versions, parquet location, session start."""
        return {
            "engine": "spark",
            "master": self.spark.sparkContext.master,
            "spark_version": self.spark.version,
            "sqlglot_version": sqlglot_version(),
            "parquet": self.tables.location,
            "export_fingerprint": getattr(self.export, "data_fingerprint", None) or None,
            "session_seconds": round(self.session_seconds, 2),
            "rules_at_once": self.parallel,
            "rules_on_duckdb": dict(self.on_duckdb),
        }

    # --- rules ------------------------------------------------------------------------------

    def _spark_sql(self, rule: Rule, sql: str, params: dict, what: str):
        if self.debug or log.isEnabledFor(logging.DEBUG):
            log.log(logging.INFO if self.debug else logging.DEBUG,
                    "Spark SQL %s [%s] params %s:\n%s", what, rule.id, params, sql)
        try:
            return self.spark.sql(sql, args=dict(params)) if params else self.spark.sql(sql)
        except Exception as exc:  # pyspark.errors.PySparkException and Py4J errors
            raise RuleError(
                f"规则 {rule.id} 在 Spark 上运行失败 / rule {rule.id} failed on Spark ({rule.path}): "
                f"{str(exc).splitlines()[0] if str(exc) else exc!r}\n参数 params: {params}\n"
                f"Spark SQL:\n{sql}"
            ) from exc

    def _check_spark_shape(self, rule: Rule, frame) -> None:
        got = [(f.name, f.dataType.simpleString()) for f in frame.schema.fields]
        want = [(c, SPARK_TYPES[t]) for c, t, _ in output_columns(rule)]
        if got != want:
            raise RuleError(
                f"规则 {rule.id} 在 Spark 上的输出列不符合统一格式 / rule {rule.id} ({rule.path}) returns "
                f"{got} on Spark, want {want}"
            )

    def submit(self, rules: list[Rule], params: dict[str, dict]) -> None:
        """Start the portable ``rules`` on Spark, :data:`RULES_AT_ONCE` at a time, in order;
        :meth:`run_rule` then waits for each one's rows. ``params``: ``{rule_id: bound values}``."""
        self._drain()
        self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="spark-rule")
        for rule in rules:
            if rule.portable:
                bound = params[rule.id]
                self._pending[rule.id] = (self._pool.submit(self._collect, rule, bound), bound)

    def _drain(self) -> None:
        """Cancel what has not started and wait for what has (a failed run leaves nothing behind)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool, self._pending = None, {}

    def _collect(self, rule: Rule, params: dict):
        """The rule's rows from Spark as Arrow, and the seconds it took."""
        started = time.perf_counter()
        frame = self._spark_sql(rule, translate_rule(rule), params, "run")
        self._check_spark_shape(rule, frame)
        try:
            rows = frame.toArrow()
        except Exception as exc:
            raise RuleError(
                f"规则 {rule.id} 在 Spark 上运行失败 / rule {rule.id} failed on Spark ({rule.path}): "
                f"{str(exc).splitlines()[0] if str(exc) else exc!r}\n参数 params: {params}"
            ) from exc
        return rows, time.perf_counter() - started

    def run_rule(self, rule: Rule, params: dict) -> RuleTiming:
        """Run ``rule`` on Spark (or take the rows :meth:`submit` started) and land them in the
        DuckDB staging table :data:`RULE_OUT`. The seconds are the rule's own time on Spark;
        rules submitted together overlap."""
        if not rule.portable:
            self.on_duckdb[rule.id] = rule.portable_reason
            log.warning("rule %s is not portable (%s): it runs on DuckDB", rule.id,
                        rule.portable_reason)
            return super().run_rule(rule, params)
        pending, submitted = self._pending.pop(rule.id, (None, None))
        if pending is not None and submitted == params:
            rows, seconds = pending.result()
        else:
            rows, seconds = self._collect(rule, params)
        started = time.perf_counter()
        cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t, _ in output_columns(rule))
        self.con.register("_spark_rule_rows", rows)
        try:
            self.execute(
                f"CREATE OR REPLACE TEMP TABLE {RULE_OUT} AS SELECT {cols} FROM _spark_rule_rows",
                rule=rule,
                what="land spark rows",
            )
        finally:
            self.con.unregister("_spark_rule_rows")
        self.check_shape(rule)
        timing = RuleTiming(rule.id, rows.num_rows, seconds + time.perf_counter() - started)
        self.timings.append(timing)
        log.info("rule %s on spark (%s): %d rows in %.2fs", rule.id, self.tables.period,
                 rows.num_rows, timing.seconds)
        return timing

    def fetch(self, rule: Rule, params: dict | None = None) -> pd.DataFrame:
        """The rule's rows from Spark as a DataFrame (for notebooks and the parity test)."""
        frame = self._spark_sql(rule, translate_rule(rule), rule.bind(params), "fetch")
        return frame.toArrow().to_pandas()

    def steps(self, rule: Rule, params: dict | None = None, limit: int = 1000) -> dict:
        """Each CTE step of the rule on Spark (first ``limit`` rows): the debug view."""
        params = rule.bind(params)
        with_part, _ = split_final(rule.sql)
        out = {}
        for name in step_names(rule.sql):
            sql = to_spark(f"{with_part}\nSELECT * FROM {name} LIMIT {int(limit)}")
            used = {k: v for k, v in params.items() if f":{k}" in sql}
            out[name] = self._spark_sql(rule, sql, used, f"step {name}").toArrow().to_pandas()
        return out


def open_spark_engine(
    con: duckdb.DuckDBPyConnection,
    rules: list[Rule],
    *,
    parquet: str | Path | None = None,
    master: str | None = None,
    conf: dict | None = None,
    spark=None,
    debug: bool = False,
) -> SparkEngine:
    """A :class:`SparkEngine` for ``rules`` on the warehouse ``con``: the parquet export made
    current (or a remote location trusted), a session started (or ``spark`` reused), the tables
    registered."""
    conf = dict(conf or {})
    try:
        parallel = int(conf.pop(RULES_AT_ONCE_CONF, RULES_AT_ONCE))
    except ValueError as exc:
        raise WorkbenchError(
            f"{RULES_AT_ONCE_CONF} 应为正整数 / {RULES_AT_ONCE_CONF} must be a positive integer"
        ) from exc
    location = parquet or default_parquet_dir(con)
    export = ensure_export(con, location)
    started = time.perf_counter()
    session = spark if spark is not None else spark_session(master, conf)
    seconds = time.perf_counter() - started if spark is None else 0.0
    engine = SparkEngine(con, session, location, debug=debug, session_seconds=seconds,
                         export=export, parallel=parallel)
    engine.prepare(rules)
    return engine


def default_parquet_dir(con: duckdb.DuckDBPyConnection) -> Path:
    """``<warehouse folder>/parquet``: where the export goes when no location is given."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    if not row or not row[0]:
        raise WorkbenchError(
            "内存数据库没有默认的 parquet 目录 / an in-memory warehouse needs an explicit parquet location"
        )
    return Path(row[0]).resolve().parent / "parquet"
