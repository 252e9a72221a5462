"""Screening on Apache Spark (Spark 引擎): the same rule files, for national-scale data.

A province fits on one DuckDB machine; the national platforms (hundreds of millions of
policies) live on Spark clusters. ``workbench screen --engine spark`` runs **the same rule
files** there:

1. the warehouse tables are read from parquet (``workbench export --parquet DIR``: a local export
   is refreshed automatically when it is not this warehouse as it is, a remote one checked against
   its manifest and refused if it is other data, a folder of tables without a manifest read as it
   is, with a warning — :func:`workbench.export.ensure_export`) and registered as Spark temporary
   views under their warehouse names; the shared views the rules read (``v_person_role`` …) are
   created from the warehouse DDL, translated like the rules;
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

Before a session starts, what can be checked without Java is (:func:`check_master`,
:func:`check_java`, :func:`reach_master`, :func:`workbench_conf`); a session that does not start
is one :class:`WorkbenchError` naming the master and the settings (:func:`session_failure`), and
the driver's console goes to a log file instead of the terminal.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from .engine import PERIOD_TABLES, RULE_OUT, Engine, RuleTiming
from .errors import RuleError, WorkbenchError
from .export import ensure_export, export_hint, file_url_path, is_remote
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
#: The workbench's own ``--spark-conf`` settings (``workbench.*``; never passed to Spark).
WORKBENCH_CONF = {RULES_AT_ONCE_CONF: "rules submitted to Spark at once (a positive integer)"}

#: Spark settings the engine always sets (a ``--spark-conf`` may override them).
BASE_CONF = {
    "spark.app.name": "workbench-screen",
    "spark.sql.session.timeZone": "UTC",  # timestamps are wall-clock times of the submissions
    "spark.sql.ansi.enabled": "true",  # bad casts and overflows fail, as they do in DuckDB
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.log.level": "ERROR",  # from the start: Spark's warnings are noise for an analyst
}

#: Seconds to wait for a standalone master (``spark://host:port``) to accept a connection before
#: the session is started (Spark itself retries for a minute, printing a stack trace each time).
MASTER_CONNECT_TIMEOUT = 5.0

#: Spark type of each DuckDB output type (``DataType.simpleString()``).
SPARK_TYPES = {"VARCHAR": "string", "DOUBLE": "double", "BIGINT": "bigint", "INTEGER": "int"}

SEE_DOCS = "见 / see docs/spark.md"
MASTER_FORMS = "local, local[N] (N ≥ 1), local[*], spark://host:port, yarn, k8s://https://host:port"


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


def workbench_conf(conf: dict | None) -> tuple[dict, int]:
    """``conf`` without the workbench's own settings, and the rules to submit at once.

    ``workbench.rulesAtOnce`` must be a positive integer; any other ``workbench.*`` key is an
    error naming the known ones (a typo would otherwise be passed to Spark and ignored)."""
    conf = dict(conf or {})
    ours = {k: conf.pop(k) for k in list(conf) if k.startswith("workbench.")}
    unknown = sorted(set(ours) - set(WORKBENCH_CONF))
    if unknown:
        known = "; ".join(f"{k}: {v}" for k, v in WORKBENCH_CONF.items())
        raise WorkbenchError(
            f"未知的工作台设置 / unknown workbench setting(s) {', '.join(unknown)} — 可用 known: {known}"
        )
    value = str(ours.get(RULES_AT_ONCE_CONF, RULES_AT_ONCE)).strip()
    if not re.fullmatch(r"\d+", value) or int(value) < 1:
        raise WorkbenchError(
            f"{RULES_AT_ONCE_CONF} 应为正整数 / {RULES_AT_ONCE_CONF} must be a positive integer, "
            f"got {value!r}"
        )
    return conf, int(value)


# --- before the session: Java, the master ---------------------------------------------------------


def check_java(env=None) -> str:
    """The ``java`` Spark will start (``$JAVA_HOME/bin/java``, else the one on PATH), checked to be
    there and at least Java 17; a :class:`WorkbenchError` saying what to do otherwise."""
    env = os.environ if env is None else env
    home = env.get("JAVA_HOME")
    if home:
        java = Path(home) / "bin" / "java"
        if not (java.is_file() and os.access(java, os.X_OK)):
            raise WorkbenchError(
                f"JAVA_HOME={home} 下没有可执行的 bin/java / JAVA_HOME={home} has no bin/java: point "
                "JAVA_HOME at a Java 17+ installation, or unset it to use the java on PATH "
                f"({SEE_DOCS})"
            )
        java = str(java)
    else:
        java = shutil.which("java", path=env.get("PATH"))
        if not java:
            raise WorkbenchError(
                "Spark 需要 Java 17+ / Spark needs Java 17 or later: apt-get install "
                f"default-jre-headless (or set JAVA_HOME) ({SEE_DOCS})"
            )
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60,
                             env=dict(env))
    except (OSError, subprocess.SubprocessError) as exc:
        raise WorkbenchError(f"无法运行 / cannot run {java} -version: {exc} ({SEE_DOCS})") from exc
    text = (out.stderr or "") + (out.stdout or "")
    m = re.search(r'version "(\d+)(?:\.(\d+))?', text)
    if m:
        major = int(m.group(1))
        if major == 1:  # 1.8.0_… is Java 8
            major = int(m.group(2) or 0)
        if major < 17:
            raise WorkbenchError(
                f"Spark 需要 Java 17+，而 {java} 是 Java {major} / Spark needs Java 17 or later, "
                f"{java} is Java {major}: install Java 17 (apt-get install default-jre-headless) and "
                f"put it first on PATH or set JAVA_HOME ({SEE_DOCS})"
            )
    else:
        log.debug("java -version said %r: version not recognised, not checked", text[:200])
    return java


def check_master(master: str, env=None) -> None:
    """Refuse a master URL Spark would reject only after starting Java (with a stack trace)."""
    env = os.environ if env is None else env
    bad = (f"Spark master {master!r} 无法识别 / {master!r} is not a Spark master URL: use "
           f"{MASTER_FORMS} ({SEE_DOCS})")
    m = re.fullmatch(r"local(?:\[(\d+|\*)(?:,(\d+))?\])?", master)
    if m:
        if m.group(1) not in (None, "*") and int(m.group(1)) < 1:
            raise WorkbenchError(
                f"Spark master {master!r}: 至少要一个核 / a local master needs at least one core "
                f"(local[1], local[2] … or local[*]) ({SEE_DOCS})"
            )
        return
    if re.fullmatch(r"local-cluster\[\d+,\d+,\d+\]", master):
        return
    if master == "yarn":
        if not (env.get("HADOOP_CONF_DIR") or env.get("YARN_CONF_DIR")):
            raise WorkbenchError(
                "Spark master yarn 需要设置 HADOOP_CONF_DIR 或 YARN_CONF_DIR / master yarn needs "
                "HADOOP_CONF_DIR or YARN_CONF_DIR set to the cluster's Hadoop configuration folder "
                f"({SEE_DOCS})"
            )
        return
    if master.startswith("spark://"):
        if not all(_host_port(h) for h in master[len("spark://"):].split(",")):
            raise WorkbenchError(bad + "; spark://host:port[,host2:port2]")
        return
    if re.fullmatch(r"k8s://\S+", master):
        return
    raise WorkbenchError(bad)


def _host_port(text: str) -> tuple[str, int] | None:
    m = re.fullmatch(r"\[?([^\[\]]+?)\]?:(\d{1,5})", text.strip())
    return (m.group(1), int(m.group(2))) if m else None


def reach_master(master: str, timeout: float = MASTER_CONNECT_TIMEOUT) -> None:
    """A standalone master (``spark://…``) must accept a connection: otherwise Spark retries for a
    minute before it gives up. Other masters are not probed."""
    if not master.startswith("spark://"):
        return
    errors = []
    for part in master[len("spark://"):].split(","):
        host, port = _host_port(part)
        try:
            socket.create_connection((host, port), timeout=timeout).close()
            return
        except OSError as exc:
            errors.append(f"{host}:{port}: {exc.strerror or exc}")
    raise WorkbenchError(
        f"无法连接 Spark master / cannot reach the Spark master {master} ({'; '.join(errors)}): is it "
        f"running, and reachable from this machine? ({SEE_DOCS}, On a cluster)"
    )


#: Where the Spark driver's console (Java's stderr and stdout) goes: a file, not the terminal.
_DRIVER_LOG: list[Path] = []


@contextmanager
def _console_to(path: Path):
    """The process's stdout and stderr (file descriptors 1 and 2) go to ``path`` for the block:
    the Java process Spark starts inherits them, so its console output lands in the file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for stream in (sys.stdout, sys.stderr):
        with suppress(Exception):
            stream.flush()
    saved = []
    with open(path, "ab") as target:
        try:
            for fd in (1, 2):
                saved.append((fd, os.dup(fd)))
                os.dup2(target.fileno(), fd)
        except OSError:  # no such descriptors (an embedded interpreter): leave the console alone
            log.debug("console not redirected to %s", path)
        try:
            yield
        finally:
            for stream in (sys.stdout, sys.stderr):
                with suppress(Exception):
                    stream.flush()
            for fd, copy in saved:
                os.dup2(copy, fd)
                os.close(copy)


def _driver_log_lines(path: Path | None) -> list[str]:
    if path is None or not path.is_file():
        return []
    text = path.read_text(encoding="utf-8", errors="replace")
    found = []
    for line in text.splitlines():
        line = line.strip()
        m = (re.match(r'Exception in thread "\w+" [\w.$]+: (.+)', line)
             or re.match(r"\S+ \S+ ERROR [\w.$]+: (.+)", line)
             or re.match(r"(?:Error: )(.+)", line)
             or re.match(r"(Invalid .+|Could not .+)", line))
        if m and m.group(1) not in found and "A fatal exception has occurred" not in m.group(1):
            found.append(m.group(1))
    return found


def _reason(exc: BaseException, log_path: Path | None) -> str:
    """The line that says why the session did not start: Spark's deepest cause, else the driver
    log's error lines, else the first line of the exception."""
    text = str(exc)
    causes = re.findall(r"Caused by: (?:[\w.$]+(?:Exception|Error): )?(.+)", text)
    if causes:
        return causes[-1].strip()
    logged = _driver_log_lines(log_path)
    first = next((line.strip() for line in text.splitlines() if line.strip()), repr(exc))
    if logged and ("JAVA_GATEWAY_EXITED" in text or "stopped SparkContext" in text
                   or "An error occurred while calling" in text):
        return "; ".join(logged[-3:])
    return first


def session_failure(master: str, conf: dict | None, exc: BaseException,
                    log_path: Path | None = None) -> str:
    """The message for a session that did not start: the master, the settings given, why."""
    reason = _reason(exc, log_path)
    given = ", ".join(f"{k}={v}" for k, v in (conf or {}).items()) or "无 none"
    suspects = [f"{k}={v}" for k, v in (conf or {}).items()
                if k in reason or (len(str(v)) >= 3 and str(v) in reason)]
    lines = [
        f"Spark 会话启动失败 / the Spark session failed to start (master {master}; "
        f"--spark-conf {given}): {reason}"
    ]
    if suspects:
        lines.append(f"  请检查设置 / check the setting: {', '.join(suspects)}")
    if log_path is not None and log_path.is_file():
        lines.append(f"  Spark 驱动日志 / Spark driver log: {log_path}")
    lines.append(f"  {SEE_DOCS} (On a cluster: master, settings, Java)")
    return "\n".join(lines)


def quiet_pyspark_warnings() -> None:
    """PySpark warns about pandas versions on first use: noise for an analyst (Arrow is used)."""
    warnings.filterwarnings("ignore", message=r"PySpark does not yet fully support pandas",
                            category=FutureWarning)


def spark_session(master: str | None = None, conf: dict | None = None, *,
                  log_path: str | Path | None = None, preflight: bool = True):
    """A SparkSession on ``master`` (default ``local[*]``); an existing one is reused as it is.

    Java and the master are checked first (:func:`check_java`, :func:`check_master`,
    :func:`reach_master`); the Spark driver's console goes to ``log_path`` (default a file in the
    temporary folder), and a session that does not start is a :class:`WorkbenchError` naming the
    master, the settings given and Spark's reason. ``preflight=False``: the caller checked."""
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise WorkbenchError(
            "未安装 PySpark / PySpark is not installed: pip install '.[spark]' (see docs/spark.md)"
        ) from exc
    from pyspark import SparkContext

    master = (master or DEFAULT_MASTER).strip()
    if preflight:
        check_master(master)
        check_java()
        reach_master(master)
    quiet_pyspark_warnings()
    builder = SparkSession.builder.master(master)
    for key, value in spark_conf(master, conf).items():
        builder = builder.config(key, value)
    if not _DRIVER_LOG or getattr(SparkContext, "_gateway", None) is None:
        path = Path(log_path) if log_path else Path(tempfile.gettempdir()) / (
            f"workbench-spark-{os.getpid()}.log")
        _DRIVER_LOG[:] = [path]
        with suppress(OSError):  # a new Java process: a new log
            path.unlink()
    path = _DRIVER_LOG[0]
    try:
        with _console_to(path):
            spark = builder.getOrCreate()
        spark.sparkContext.setLogLevel("ERROR")
        spark.sql("SELECT 1").collect()  # the SQL session: a bad spark.sql.* setting fails here
    except Exception as exc:  # Py4JJavaError, PySparkRuntimeError (JAVA_GATEWAY_EXITED) …
        raise WorkbenchError(session_failure(master, conf, exc, path)) from exc
    return spark


def driver_log() -> Path | None:
    """The file the Spark driver's console goes to (None before a session was started here)."""
    return _DRIVER_LOG[0] if _DRIVER_LOG else None


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

    def __init__(self, spark, location: str | Path, export=None) -> None:
        self.spark = spark
        self.export = export
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
                if self.export is not None and not self.export.checked:
                    hint = ("该目录不是工作台导出：请补上这张表，或换一个 --parquet 目录 / the folder is "
                            "not a workbench export: add the table there (one folder per table, "
                            "docs/spark.md), or pass another --parquet folder")
                else:
                    hint = f"run {export_hint(self.location)}"
                raise WorkbenchError(
                    f"Spark 读不到表 {table} / Spark cannot read table {table} at {self.path(table)}: "
                    f"{str(exc).splitlines()[0] if str(exc) else exc!r} — {hint}"
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
        self.tables = SparkTables(spark, location, export)
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
            "export": getattr(self.export, "status", None),
            "export_refreshed": getattr(self.export, "refreshed", "") or None,
            "export_fingerprint": getattr(self.export, "data_fingerprint", None) or None,
            "driver_log": str(driver_log()) if driver_log() else None,
            "session_seconds": round(self.session_seconds, 2),
            "rules_at_once": self.parallel,
            "rules_on_duckdb": dict(self.on_duckdb),
        }

    def screened_fingerprint(self, warehouse: str) -> str | None:
        """The fingerprint of the data Spark read: the export's (checked against the warehouse);
        None for tables read as they are, which nothing here can vouch for."""
        if self.export is None:
            return warehouse
        return (self.export.data_fingerprint or None) if self.export.checked else None

    def ran_on(self, rule_id: str) -> str:
        """Where ``rule_id`` ran: spark, or duckdb (not portable; the ring search)."""
        return "duckdb" if rule_id in self.on_duckdb or rule_id == "ring" else "spark"

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
            log.warning("规则 %s 不可移植（%s），在 DuckDB 上运行 / rule %s is not portable (%s): it "
                        "runs on DuckDB", rule.id, rule.portable_reason, rule.id, rule.portable_reason)
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
    current (a local folder, exported again when stale), checked (a remote one: refused when its
    manifest says it is other data) or read as it is (no manifest), a session started (or
    ``spark`` reused), the tables registered.

    Everything that can be checked without Spark is checked before the session starts (settings,
    Java, the master, a local export), so a mistake is reported in a second, not after Java."""
    conf, parallel = workbench_conf(conf)
    location = parquet or default_parquet_dir(con)
    if spark is None:
        master = (master or DEFAULT_MASTER).strip()
        check_master(master)
        check_java()
        reach_master(master)
    local_first = not is_remote(location) or file_url_path(location) is not None
    export = ensure_export(con, location) if local_first else None
    started = time.perf_counter()
    if spark is None:
        session = spark_session(master, conf, log_path=_log_beside(con), preflight=False)
    else:
        session = spark
    seconds = time.perf_counter() - started if spark is None else 0.0
    if export is None:  # hdfs://, s3a:// …: the manifest is read through Spark
        export = ensure_export(con, location, read_text=lambda url: read_text(session, url))
    engine = SparkEngine(con, session, location, debug=debug, session_seconds=seconds,
                         export=export, parallel=parallel)
    engine.prepare(rules)
    return engine


def read_text(spark, url: str) -> str | None:
    """The text of the file at ``url`` read through the session's Hadoop file systems (hdfs://,
    s3a:// …); None when there is no such file. (Not ``spark.read.text``: Spark skips files whose
    name starts with ``_``, as the manifest's does.)"""
    try:
        jvm = spark.sparkContext._jvm
        path = jvm.org.apache.hadoop.fs.Path(url)
        fs = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
        if not fs.exists(path):
            return None
        if not fs.getFileStatus(path).isFile():
            return ""  # not a manifest: reported as damaged
        stream = fs.open(path)
        try:
            return jvm.org.apache.commons.io.IOUtils.toString(stream, "UTF-8")
        finally:
            stream.close()
    except Exception as exc:  # Py4JJavaError: no file system for the scheme, permissions …
        text = str(exc).strip()
        raise WorkbenchError(
            f"Spark 读不到 / Spark cannot read {url}: {text.splitlines()[0] if text else exc!r} "
            f"({SEE_DOCS}, On a cluster: the data)"
        ) from exc


def _log_beside(con: duckdb.DuckDBPyConnection) -> Path | None:
    """``<warehouse folder>/spark-driver.log`` (None for an in-memory warehouse)."""
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return Path(row[0]).resolve().parent / "spark-driver.log" if row and row[0] else None


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
