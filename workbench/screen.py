"""Screening (筛查): run the rules, turn their rows into clues, record the run.

``screen(con, …)`` is the one entry point the CLI (``workbench screen``), the
papermill notebooks and the tests call.  It finds the rules, binds their
parameters (defaults ← parameters file ← dict from the notebook), runs each
rule set-based into a staging table, and merges the rows into **clues**
(线索): one clue per (rule, period, clue key) with a stable id, so a clue
found again by a later run keeps its id and ``first_seen_run`` while
``last_seen_run`` moves on, and feedback and verdicts survive re-screening.
Then rings (团伙, :mod:`workbench.rings`) and scores, tiers and the whitelist
(:mod:`workbench.scoring`).  Each run leaves a ``screen_runs`` row naming the
rule versions, bound parameters and a fingerprint of the data it saw.

Python never loops over data rows here: every step is one SQL statement over
whole tables.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .engine import RULE_OUT, Engine, RuleTiming
from .errors import RuleError
from .rules import (
    BY_ROW,
    OUTPUT_NAMES,
    RULES_DIR,
    discover,
    load_params_file,
    merge_params,
    select_rules,
)
from .taxonomy import FRAUD_KINDS
from .warehouse import PROJECT_ROOT

log = logging.getLogger(__name__)

#: Tables whose row counts enter the data fingerprint (besides the manifest's batches).
DATA_TABLES = (
    "ah_policy",
    "ah_claim",
    "medical_receipt",
    "ah_claim_hist",
    "medical_receipt_hist",
    "auto_policy",
    "auto_claim",
    "agri_policy",
    "agri_claim",
    "land_roster",
    "disaster_event",
    "whitelist",
)

HIT_COLUMNS = (
    "rule_id",
    "rule_version",
    "indicator",
    "period",
    "line",
    "fraud_kind",
    "severity",
    "title_zh",
    *OUTPUT_NAMES,
)


def clue_id(rule_id: str, period: str, clue_key: str) -> str:
    """The stable clue id (线索编号): 'CL' + 14 hex of sha256(rule_id|period|clue_key)."""
    return "CL" + hashlib.sha256(f"{rule_id}|{period}|{clue_key}".encode()).hexdigest()[:14].upper()


_CLUE_ID_SQL = "'CL' || upper(substr(sha256(rule_id || '|' || period || '|' || clue_key), 1, 14))"


@dataclass
class ScreenResult:
    """What a screening run did (筛查结果摘要)."""

    run_id: str
    period: str
    clue_count: int
    new_clue_count: int
    seconds: float
    timings: list[RuleTiming] = field(default_factory=list)
    by_rule: pd.DataFrame | None = None
    engine: str = "duckdb"
    engine_detail: dict | None = None

    def to_text(self) -> str:
        lines = [
            f"筛查运行 run {self.run_id} ({self.period}): {self.clue_count} 条线索 clues, "
            f"{self.new_clue_count} 条新线索 new, {self.seconds:.1f}s"
        ]
        if self.engine != "duckdb" and self.engine_detail:
            d = self.engine_detail
            lines.append(
                f"引擎 engine: {self.engine} {d.get('spark_version', '')} on {d.get('master', '')} "
                f"(会话启动 session start {d.get('session_seconds', 0):.1f}s; 规则在 Spark 上运行，"
                f"线索、评分、团伙在 DuckDB 上 / rules on Spark; clues, scores, rings on DuckDB)"
            )
            export = d.get("export")
            if export == "refreshed":
                lines.append(f"parquet 导出已自动刷新 / the parquet export was refreshed automatically: "
                             f"{d.get('parquet')} ({d.get('export_refreshed')})")
            elif export == "exported":
                lines.append(f"已导出 parquet / the warehouse was exported to parquet: {d.get('parquet')}")
            elif export == "unchecked":
                lines.append(f"注意 / warning: {d.get('parquet')} 不是工作台导出，按原样读取，未与仓库核对，"
                             "运行记录中没有数据指纹 / is not a workbench export: read as it is, not "
                             "checked against the warehouse, no data fingerprint recorded")
            if d.get("rules_on_duckdb"):
                lines.append("在 DuckDB 上运行的规则(不可移植) / rules run on DuckDB (not portable): "
                             + ", ".join(f"{k} ({v})" for k, v in d["rules_on_duckdb"].items()))
        if self.by_rule is not None and len(self.by_rule):
            lines.append(self.by_rule.to_string(index=False))
        return "\n".join(lines)


def new_run_id(now: dt.datetime) -> str:
    return "R" + now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}"


def data_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple[str, list[dict]]:
    """sha256 over the loaded batches (manifest) and the row counts of the data tables."""
    batches = [
        dict(batch_id=b, kind=k, company_code=c, file_sha256=s)
        for b, k, c, s in con.execute(
            "SELECT batch_id, kind, company_code, file_sha256 FROM manifest "
            "WHERE status = 'loaded' ORDER BY batch_id"
        ).fetchall()
    ]
    counts = {t: con.execute(f"SELECT count(*) FROM main.{t}").fetchone()[0] for t in DATA_TABLES}
    blob = json.dumps({"batches": batches, "counts": counts}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest(), batches


def git_commit() -> str | None:
    """The project's commit (provenance); None when not run from a git checkout."""
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        log.debug("no git commit for provenance: %s", exc)
        return None
    return (out.stdout.strip() or None) if out.returncode == 0 else None


def bound_parameters(rules, overrides: dict, extra_ids=("ring",)) -> dict[str, dict]:
    """Bind every selected rule's parameters; refuse overrides naming unknown rules."""
    known = {r.id for r in rules} | set(extra_ids)
    unknown = sorted(set(overrides) - known)
    if unknown:
        raise RuleError(
            f"参数文件中的规则不存在或未选中: {', '.join(unknown)} / "
            f"parameters given for unknown or unselected rule(s): {', '.join(unknown)}"
        )
    return {r.id: r.bind(overrides.get(r.id)) for r in rules}


def create_hits(engine: Engine, table: str = "_hits") -> None:
    """The staging table rule rows land in before they become clues."""
    cols = ", ".join(
        f"{c} {t}"
        for c, t in (
            ("rule_id", "VARCHAR"),
            ("rule_version", "INTEGER"),
            ("indicator", "VARCHAR"),
            ("period", "VARCHAR"),
            ("line", "VARCHAR"),
            ("fraud_kind", "VARCHAR"),
            ("severity", "INTEGER"),
            ("title_zh", "VARCHAR"),
            ("clue_key", "VARCHAR"),
            ("company_code", "VARCHAR"),
            ("record_kind", "VARCHAR"),
            ("record_no", "VARCHAR"),
            ("role", "VARCHAR"),
            ("entity_type", "VARCHAR"),
            ("entity_token", "VARCHAR"),
            ("entity_mask", "VARCHAR"),
            ("amount", "DOUBLE"),
            ("metric1", "DOUBLE"),
            ("metric2", "DOUBLE"),
            ("evidence_zh", "VARCHAR"),
        )
    )
    engine.execute(f"CREATE OR REPLACE TEMP TABLE {table} ({cols})", what="staging")


def stage_rule_rows(engine: Engine, rule, period: str, table: str = "_hits") -> None:
    """Copy the rule's rows from the engine's staging table into ``table`` with its metadata
    (and the pre-2017 record kinds, see :meth:`Engine.record_kind_sql`)."""
    cols = ", ".join(
        engine.record_kind_sql(period) if c == "record_kind" else f"o.{c}" for c in OUTPUT_NAMES
    )
    kind_sql = "?"
    if rule.fraud_kind == BY_ROW:
        allowed = [k.code for k in FRAUD_KINDS.values()
                   if k.line == rule.line or (rule.line == "life" and k.line == "accident_health")]
        bad = engine.con.execute(
            f"SELECT DISTINCT fraud_kind FROM {RULE_OUT} WHERE fraud_kind IS NULL "
            "OR NOT list_contains(?, fraud_kind)", [allowed]).fetchall()
        if bad:
            raise RuleError(f"规则 {rule.id} 返回了不属于{rule.line}的欺诈类型 / rule {rule.id} returned fraud "
                            f"kinds {[b[0] for b in bad]} not of line {rule.line}")
        kind_sql = "o.fraud_kind"
    engine.execute(
        f"INSERT INTO {table} SELECT ?, ?, ?, ?, ?, {kind_sql}, ?, ?, {cols} FROM {RULE_OUT} AS o",
        [rule.id, rule.version, rule.indicator, period, rule.line]
        + ([] if kind_sql != "?" else [rule.fraud_kind]) + [rule.severity, rule.title_zh],
        what=f"stage {rule.id}",
    )


def write_clues(
    engine: Engine, table: str, run_id: str, period: str, rule_ids: list[str], now: dt.datetime
) -> tuple[int, int]:
    """Merge the staged rows of ``rule_ids`` into the clue tables; return (clues, new clues)."""
    x = engine.execute
    x(
        f"CREATE OR REPLACE TEMP TABLE _clue_rows AS SELECT {_CLUE_ID_SQL} AS clue_id, "
        f"{', '.join(HIT_COLUMNS)} FROM {table} WHERE clue_key IS NOT NULL",
        what="clue rows",
    )
    x(
        """
        CREATE OR REPLACE TEMP TABLE _clue_head AS
        WITH rec AS (
            SELECT clue_id, company_code, record_kind, record_no, max(amount) AS amount
            FROM _clue_rows WHERE record_no IS NOT NULL
            GROUP BY clue_id, company_code, record_kind, record_no
        ),
        rec_agg AS (
            SELECT clue_id, count(*) AS record_count,
                   -- summed in one order: the same total whatever order the engine landed the rows in
                   sum(coalesce(amount, 0) ORDER BY coalesce(amount, 0)) AS amount,
                   array_to_string(list_sort(list(DISTINCT company_code)
                       FILTER (WHERE company_code IS NOT NULL)), ';') AS companies,
                   count(DISTINCT company_code) AS company_count
            FROM rec GROUP BY clue_id
        ),
        ent_agg AS (
            SELECT clue_id, count(DISTINCT entity_type || ':' || entity_token) AS entity_count
            FROM _clue_rows WHERE entity_token IS NOT NULL GROUP BY clue_id
        ),
        head AS (
            SELECT clue_id, max(rule_id) AS rule_id, max(rule_version) AS rule_version,
                   max(indicator) AS indicator, max(period) AS period, max(line) AS line,
                   max(fraud_kind) AS fraud_kind, max(severity) AS severity, max(title_zh) AS title_zh,
                   max(clue_key) AS clue_key, max(metric1) AS metric1, max(metric2) AS metric2,
                   max(evidence_zh) AS evidence_zh
            FROM _clue_rows GROUP BY clue_id
        )
        SELECT head.*, coalesce(r.companies, '') AS companies, coalesce(r.company_count, 0) AS company_count,
               coalesce(r.record_count, 0) AS record_count, coalesce(e.entity_count, 0) AS entity_count,
               coalesce(r.amount, 0) AS amount, c.first_seen_run, c.first_seen_at
        FROM head LEFT JOIN rec_agg AS r USING (clue_id) LEFT JOIN ent_agg AS e USING (clue_id)
        LEFT JOIN clues AS c USING (clue_id)
    """,
        what="clue heads",
    )
    new = engine.con.execute(
        "SELECT count(*) FILTER (WHERE first_seen_run IS NULL), count(*) FROM _clue_head"
    ).fetchone()
    for t in ("clues", "clue_records", "clue_entities"):
        x(f"DELETE FROM {t} WHERE clue_id IN (SELECT clue_id FROM _clue_head)", what=f"replace {t}")
    x(
        """
        INSERT INTO clues (clue_id, rule_id, rule_version, indicator, period, line, fraud_kind, severity,
            title_zh, clue_key, companies, company_count, record_count, entity_count, amount, metric1,
            metric2, evidence_zh, whitelisted, current, first_seen_run, last_seen_run, first_seen_at,
            last_seen_at)
        SELECT clue_id, rule_id, rule_version, indicator, period, line, fraud_kind, severity, title_zh,
               clue_key, companies, company_count, record_count, entity_count, amount, metric1, metric2,
               evidence_zh, FALSE, TRUE, coalesce(first_seen_run, $run), $run,
               coalesce(first_seen_at, $now), $now
        FROM _clue_head
    """,
        {"run": run_id, "now": now},
        what="insert clues",
    )
    x(
        """
        INSERT INTO clue_records
        SELECT clue_id, company_code, record_kind, record_no, min(role), max(amount)
        FROM _clue_rows WHERE record_no IS NOT NULL
        GROUP BY clue_id, company_code, record_kind, record_no
    """,
        what="clue records",
    )
    x(
        """
        INSERT INTO clue_entities
        SELECT clue_id, entity_type, entity_token, max(entity_mask), min(role),
               count(DISTINCT company_code || '/' || record_no)
        FROM _clue_rows WHERE entity_token IS NOT NULL AND entity_type IS NOT NULL
        GROUP BY clue_id, entity_type, entity_token
    """,
        what="clue entities",
    )
    x(
        "UPDATE clues SET current = FALSE WHERE period = $period AND list_contains($rules, rule_id) "
        "AND last_seen_run <> $run",
        {"period": period, "rules": list(rule_ids), "run": run_id},
        what="retire clues",
    )
    return int(new[1]), int(new[0])


def screen(
    con: duckdb.DuckDBPyConnection,
    *,
    rules: list[str] | None = None,
    lines: list[str] | None = None,
    params: dict | None = None,
    params_file: str | Path | None = None,
    period: str = "campaign",
    rings: bool = True,
    debug: bool = False,
    rules_dir: str | Path = RULES_DIR,
    now: dt.datetime | None = None,
    engine: str = "duckdb",
    spark_master: str | None = None,
    spark_conf: dict | None = None,
    parquet: str | Path | None = None,
    spark=None,
) -> ScreenResult:
    """Run the screening rules on the warehouse ``con`` and write clues; see the module docstring.

    ``rules``/``lines`` select rules (default: all that can screen ``period``); ``params`` is
    ``{rule_id: {param: value}}`` (papermill), applied over ``params_file`` (YAML/JSON), applied
    over each rule's defaults; ``period`` is campaign, pre2017 or both; ``rings`` adds ring clues.
    ``engine="spark"`` runs the rules on Apache Spark (``spark_master``, default ``local[*]``;
    ``spark_conf``; the parquet export at ``parquet``, default ``<warehouse folder>/parquet``,
    refreshed when stale; or an existing ``spark`` session) and writes the same clues here.
    """
    from . import rings as rings_mod
    from . import scoring

    started = time.perf_counter()
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    catalogue = discover(rules_dir)
    selected = select_rules(catalogue, ids=rules, lines=lines, period=period)
    if not selected:
        raise RuleError(
            f"没有可运行的规则 / no rule selected (rules={rules}, lines={lines}, period={period})"
        )
    overrides = merge_params(load_params_file(params_file) if params_file else None, params)
    bound = bound_parameters(selected, overrides)
    ring_params = rings_mod.bind_ring_params(overrides.get("ring")) if rings else None
    run_id = new_run_id(now)
    fingerprint, batches = data_fingerprint(con)
    rules_json = [dict(id=r.id, version=r.version, sha256=r.sha256) for r in selected]
    all_params = dict(bound, **({"ring": ring_params} if rings else {}))
    engine = open_engine(con, selected, engine, debug=debug, master=spark_master, conf=spark_conf,
                         parquet=parquet, spark=spark)
    # the data the rules read: the warehouse, or a parquet export checked against it; tables read
    # as they are (no export manifest) have no fingerprint anyone can vouch for
    fingerprint = engine.screened_fingerprint(fingerprint)
    if fingerprint is None:
        batches = None
    con.execute(
        "INSERT INTO screen_runs (run_id, started_at, period, status, rules, params, data_fingerprint, "
        "data_batches, git_commit, engine) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)",
        [
            run_id,
            now,
            period,
            json.dumps(rules_json),
            json.dumps(all_params, ensure_ascii=False),
            fingerprint,
            None if batches is None else json.dumps(batches, ensure_ascii=False),
            git_commit(),
            engine.name,
        ],
    )
    # the period views are made outside the transaction, so a rollback cannot strand them
    try:
        with engine.period(period):
            con.execute("BEGIN TRANSACTION")
            try:
                create_hits(engine)
                engine.submit(selected, bound)
                for rule in selected:
                    engine.run_rule(rule, bound[rule.id])
                    stage_rule_rows(engine, rule, period)
                clue_count, new_count = write_clues(
                    engine, "_hits", run_id, period, [r.id for r in selected], now
                )
                if rings:
                    ring_clues, ring_new = rings_mod.find_rings(
                        engine, run_id, period, ring_params, now
                    )
                    clue_count, new_count = clue_count + ring_clues, new_count + ring_new
                scoring.score_clues(engine, period)
                scoring.write_high_risk_persons(engine, run_id, period, catalogue)
                by_rule = _record_rule_runs(engine, run_id, selected, bound, rings, ring_params)
                con.execute("COMMIT")
            except BaseException:
                try:
                    con.execute("ROLLBACK")
                except duckdb.Error as err:  # the original error matters more
                    log.error("rollback of screening run %s failed: %s", run_id, err)
                raise
    except BaseException as exc:  # Ctrl-C too: a run is never left 'running'
        _mark_unfinished(con, run_id, exc)
        raise
    seconds = time.perf_counter() - started
    con.execute(
        "UPDATE screen_runs SET status = 'done', finished_at = ?, clue_count = ?, "
        "new_clue_count = ?, seconds = ?, engine_detail = ? WHERE run_id = ?",
        [dt.datetime.now(dt.UTC).replace(tzinfo=None), clue_count, new_count, seconds,
         json.dumps(engine.detail(), ensure_ascii=False), run_id],
    )
    log.info("screening run %s: %d clues (%d new) in %.1fs", run_id, clue_count, new_count, seconds)
    from .audit import record_screen  # audit trail (审计日志)

    record_screen(con, run_id, period, fingerprint, [r.id for r in selected], clue_count, new_count,
                  engine=engine.detail())
    if engine.name != "duckdb" and by_rule is not None and len(by_rule):
        by_rule["引擎"] = [engine.ran_on(r) for r in by_rule["规则"]]
    return ScreenResult(run_id, period, clue_count, new_count, seconds, engine.timings, by_rule,
                        engine.name, engine.detail())


def _mark_unfinished(con, run_id: str, exc: BaseException) -> None:
    """The run did not finish: 'interrupted' (Ctrl-C) or 'failed', with the reason."""
    interrupted = isinstance(exc, KeyboardInterrupt)
    message = ("已中断 / interrupted (Ctrl-C)" if interrupted
               else (str(exc) or type(exc).__name__))[:2000]
    try:
        con.execute(
            "UPDATE screen_runs SET status = ?, finished_at = ?, message = ? WHERE run_id = ?",
            ["interrupted" if interrupted else "failed", dt.datetime.now(dt.UTC).replace(tzinfo=None),
             message, run_id],
        )
    except duckdb.Error as err:  # the original error matters more
        log.error("could not mark screening run %s as %s: %s", run_id,
                  "interrupted" if interrupted else "failed", err)


#: Where the rules can run (筛查引擎).
ENGINES = ("duckdb", "spark")
#: ``screen``/``run_*`` keywords that only mean something with ``engine="spark"``.
SPARK_OPTIONS = ("spark_master", "spark_conf", "parquet")


def parse_spark_conf(items) -> dict:
    """``--spark-conf key=value`` options (a list of strings, or a dict already) as a dict."""
    if isinstance(items, dict):
        return {str(k).strip(): str(v).strip() for k, v in items.items()}
    out = {}
    for item in items or ():
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise RuleError(
                f"--spark-conf 应为 键=值 / --spark-conf wants key=value, got {item!r}"
            )
        out[key.strip()] = value.strip()
    return out


def engine_options(engine: str = "duckdb", spark_master: str | None = None,
                   spark_parquet: str | None = None, spark_conf=None) -> dict:
    """The engine keywords of :func:`screen` (and the ``run_*`` campaign steps) from the command
    line or a notebook's parameters, where "" means the default. Spark options without
    ``engine="spark"`` are refused: they would be silently ignored."""
    if engine not in ENGINES:
        raise RuleError(f"未知的筛查引擎 {engine!r}，可选 {list(ENGINES)} / unknown engine {engine!r}, "
                        f"one of {', '.join(ENGINES)}")
    conf = parse_spark_conf(spark_conf)
    if engine != "spark":
        if spark_master or spark_parquet or conf:
            raise RuleError(
                "--spark-master/--spark-conf/--parquet 只用于 --engine spark / "
                "--spark-master, --spark-conf and --parquet need --engine spark"
            )
        return {"engine": engine}
    return {"engine": "spark", "spark_master": spark_master or None,
            "parquet": spark_parquet or None, "spark_conf": conf or None}


def open_engine(con, selected, name: str = "duckdb", *, debug: bool = False, **spark_options):
    """The engine the rules run on: DuckDB on ``con``, or Spark (see :mod:`workbench.spark_engine`)."""
    if name == "duckdb":
        return Engine(con, debug=debug)
    if name == "spark":
        from .spark_engine import open_spark_engine

        return open_spark_engine(con, selected, debug=debug, **spark_options)
    raise RuleError(f"未知的筛查引擎 {name!r}，可选 {list(ENGINES)} / unknown engine {name!r}")


def _record_rule_runs(
    engine: Engine, run_id: str, selected, bound, rings, ring_params
) -> pd.DataFrame:
    from .rings import RING_VERSION, ring_sha256

    timing = {t.rule_id: t for t in engine.timings}
    rows = [
        (
            run_id,
            r.id,
            r.version,
            r.sha256,
            json.dumps(bound[r.id], ensure_ascii=False),
            timing[r.id].rows,
            timing[r.id].seconds,
        )
        for r in selected
    ]
    if rings:
        rows.append(
            (
                run_id,
                "ring",
                RING_VERSION,
                ring_sha256(),
                json.dumps(ring_params),
                timing["ring"].rows,
                timing["ring"].seconds,
            )
        )
    engine.con.executemany(
        "INSERT INTO screen_rule_runs SELECT ?, ?, ?, ?, ?, ?, "
        "(SELECT count(*) FROM clues WHERE rule_id = ? AND last_seen_run = ?), ?",
        [(a, b, c, d, e, f, b, a, g) for a, b, c, d, e, f, g in rows],
    )
    return engine.df(
        "SELECT r.rule_id AS 规则, r.rows_returned AS 行数, r.clues AS 线索, "
        "count(c.clue_id) FILTER (WHERE c.tier = 'A') AS 一级, round(r.seconds, 2) AS 秒 "
        "FROM screen_rule_runs r LEFT JOIN clues c ON c.rule_id = r.rule_id AND c.last_seen_run = r.run_id "
        "WHERE r.run_id = ? GROUP BY r.rule_id, r.rows_returned, r.clues, r.seconds ORDER BY r.rule_id",
        [run_id],
        what="run summary",
    )


def latest_run(con: duckdb.DuckDBPyConnection, period: str = "campaign") -> str | None:
    """The id of the last finished screening run of ``period``."""
    row = con.execute(
        "SELECT run_id FROM screen_runs WHERE status = 'done' AND period = ? "
        "ORDER BY started_at DESC, run_id DESC LIMIT 1",
        [period],
    ).fetchone()
    return row[0] if row else None


def current_clues(con: duckdb.DuckDBPyConnection, period: str = "campaign") -> pd.DataFrame:
    """The current clues of ``period``, best first (for notebooks and workbooks)."""
    return con.execute(
        "SELECT * FROM clues WHERE current AND period = ? ORDER BY tier, score DESC, clue_id",
        [period],
    ).df()
