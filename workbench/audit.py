"""Audit trail (审计日志): who did what, when, on which data, and what it wrote.

The campaign plan names the people accountable for collecting, storing and sending the data
(§五.2).  Every step that reads, screens, exports or packages data appends one entry here:

* **who** — the configured operator (``[campaign] operator`` in ``campaign.toml``, overridden by
  ``$WORKBENCH_OPERATOR``, or an explicit ``--operator``/actor); a run without one still works
  and is logged as ``未配置`` (not configured);
* **what** — the action (``ingest``, ``screen``, ``run``, ``package`` …, see :data:`ACTIONS`), the
  company and the clue / ring / assignment it concerned, a one-line Chinese summary;
* **when** — local time to the microsecond;
* **on which data** — the data fingerprint (the same sha256 over the loaded batches that
  ``screen_runs.data_fingerprint`` and the workbook cover show) and the manifest sha256 of every
  input file;
* **what it wrote** — each output file with its sha256 and size.

Where it lives, and why: the table ``audit_log`` in the lifecycle store (SQLite, WAL) beside the
warehouse.  Many processes append at once — parallel papermill notebooks, one Voilà kernel per
panel member recording verdicts, CLI commands — and SQLite in WAL mode with a busy timeout
serialises those appends without losing one, while the DuckDB warehouse has a single writer and
is opened read-only by dashboards and per-company notebooks, which could not log there.  A panel's
verdict and its audit entry are written in the same transaction.  Rebuilding the warehouse does
not erase the log.

Append-only: triggers refuse ``UPDATE`` and ``DELETE`` on the table, and each entry carries the
sha256 of the one before it (a hash chain), so an entry changed or removed behind the triggers'
back (another tool editing the file) is found by :func:`verify_chain` (``workbench audit --verify``).

Nothing personal is logged: file names, hashes, counts, clue ids and masked text only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .errors import WorkbenchError

log = logging.getLogger(__name__)

#: Shown and stored when no operator is configured.
UNCONFIGURED = "未配置"
#: Environment variable naming the operator (wins over ``[campaign] operator``).
OPERATOR_ENV = "WORKBENCH_OPERATOR"
GENESIS = "0" * 64

#: Actions and their Chinese names.
ACTIONS = {
    "ingest": "入库",
    "screen": "筛查",
    "run": "执行笔记本",
    "package": "报送包",
    "verify": "报送包校验",
    "export_national": "全国复筛导出",
    "import_national": "全国复筛结果导入",
    "export_parquet": "导出parquet(Spark筛查)",
    "feedback": "反馈导入",
    "verdict": "研判结论",
    "refer": "案件移送",
    "assign": "指派调查机构",
    "package_investigator": "调查机构材料包",
    "quality": "数据质量记分卡",
    "case_study": "典型案例",
    "status": "查询进度",
    "evaluate": "评估",
    "rings": "查询团伙",
    "demo-summary": "演示汇总",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS audit_log (
    audit_id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                 -- local time, ISO 8601
    operator TEXT NOT NULL,           -- configured operator, or 未配置
    operator_source TEXT NOT NULL,    -- explicit / config / unconfigured
    action TEXT NOT NULL,             -- see workbench.audit.ACTIONS
    company TEXT,                     -- company concerned; NULL = the association / all
    subject TEXT,                     -- clue, ring, assignment or package concerned
    status TEXT NOT NULL,             -- ok / failed
    summary TEXT,                     -- one line, Chinese
    data_fingerprint TEXT,            -- sha256 over the loaded batches (as screen_runs)
    inputs TEXT NOT NULL,             -- JSON [{file, sha256, ...}]: manifest hashes of the data used
    outputs TEXT NOT NULL,            -- JSON [{path, sha256, bytes}]: what the action wrote
    details TEXT,                     -- JSON
    host TEXT,
    prev_hash TEXT NOT NULL,          -- entry_hash of the entry before (hash chain)
    entry_hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_log_action ON audit_log(action, audit_id);
CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能修改 / the audit log is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, '审计日志只能追加，不能删除 / the audit log is append-only'); END;
"""

#: Columns that enter an entry's hash, in this order.
HASHED = (
    "at",
    "operator",
    "operator_source",
    "action",
    "company",
    "subject",
    "status",
    "summary",
    "data_fingerprint",
    "inputs",
    "outputs",
    "details",
    "host",
    "prev_hash",
)


# --- who ------------------------------------------------------------------------------------------


def operator_of(campaign=None, explicit: str | None = None) -> tuple[str, str]:
    """(operator, source): an explicit name, else the configured one, else 未配置.

    Without a campaign (a hook deep in the package, e.g. screening, or a notebook kernel), the
    configured operator is the one the command exported as ``$WORKBENCH_OPERATOR``.
    """
    if explicit and str(explicit).strip() and str(explicit).strip() != UNCONFIGURED:
        return str(explicit).strip(), "explicit"
    configured = (
        getattr(campaign, "operator", "") if campaign is not None else (environ_operator() or "")
    )
    if configured and configured.strip():
        return configured.strip(), "config"
    return UNCONFIGURED, "unconfigured"


def operator_label(campaign=None, explicit: str | None = None) -> str:
    """The operator as shown on covers and manifests: the name, or 未配置 (not configured)."""
    name, source = operator_of(campaign, explicit)
    return name if source != "unconfigured" else f"{UNCONFIGURED} (not configured)"


# --- on which data, what it wrote -------------------------------------------------------------------


def display_path(path: str | Path) -> str:
    """A path relative to the current folder where possible (logs stay readable and portable)."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_entries(paths) -> list[dict]:
    """``[{path, sha256, bytes}]`` for files (folders: every file inside), skipping what is gone."""
    out: list[dict] = []
    for p in paths or ():
        p = Path(p)
        files = sorted(x for x in p.rglob("*") if x.is_file()) if p.is_dir() else [p]
        for f in files:
            if f.is_file():
                out.append(
                    {"path": display_path(f), "sha256": sha256_of(f), "bytes": f.stat().st_size}
                )
    return out


def files_written_since(folder: Path, since: float, match: str | None = None) -> list[Path]:
    """Files under ``folder`` modified at or after ``since`` (epoch seconds), optionally whose
    path contains ``match``: what a notebook wrote, when it does not say."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if p.is_file()
        and p.stat().st_mtime >= since - 1
        and (match is None or match in p.as_posix())
    )


def warehouse_data(con, company: str | None = None) -> tuple[str | None, list[dict]]:
    """(data fingerprint, manifest hashes of the loaded files) of a DuckDB warehouse connection.

    With ``company``, the inputs are that company's files plus the association's own (reference
    data, platform lists); the fingerprint always covers the whole warehouse.
    """
    from .screen import data_fingerprint

    try:
        fingerprint, _ = data_fingerprint(con)
        rows = con.execute(
            "SELECT file_name, file_sha256, kind, company_code, batch_id FROM manifest WHERE status = 'loaded' "
            "AND ($company IS NULL OR company_code = $company OR company_code IS NULL) ORDER BY file_name",
            {"company": company},
        ).fetchall()
    except Exception as exc:  # an empty or foreign database: log the action without data hashes
        log.debug("no data fingerprint: %s", exc)
        return None, []
    return fingerprint, [
        {"file": f, "sha256": s, "kind": k, "company": c, "batch": b} for f, s, k, c, b in rows
    ]


def warehouse_file(con) -> Path | None:
    """The file behind a DuckDB connection (None for an in-memory database)."""
    try:
        row = con.execute(
            "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
        ).fetchone()
    except Exception:  # pragma: no cover - very old DuckDB
        return None
    return Path(row[0]) if row and row[0] else None


# --- appending -------------------------------------------------------------------------------------


def _json(value) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def entry_hash(row: dict) -> str:
    blob = json.dumps([row.get(k) for k in HASHED], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def ensure_schema(sql: sqlite3.Connection) -> None:
    sql.executescript(SCHEMA)


def append(
    sql: sqlite3.Connection,
    action: str,
    *,
    operator: str,
    operator_source: str,
    company: str | None = None,
    subject: str | None = None,
    status: str = "ok",
    summary: str = "",
    data_fingerprint: str | None = None,
    inputs: list | None = None,
    outputs: list | None = None,
    details: dict | None = None,
    in_transaction: bool = False,
    fingerprint_known: bool = True,
) -> int:
    """Append one entry to the log on a lifecycle-store connection; return its id.

    ``in_transaction``: the caller holds a ``BEGIN IMMEDIATE`` transaction (a verdict written together
    with its entry); otherwise this takes one, so the hash chain has no fork under concurrency.
    Without a fingerprint, the entry names the latest one the log knows (the data as of then) —
    unless ``fingerprint_known=False``: the action's data has no fingerprint (a Spark screen of
    tables read as they are), and the entry says none.
    """
    if action not in ACTIONS:
        raise WorkbenchError(f"未知的审计动作 / unknown audit action {action!r}")
    if not in_transaction:
        sql.execute("BEGIN IMMEDIATE")
    try:
        details = dict(details or {})
        if data_fingerprint is None and fingerprint_known:
            known = sql.execute(
                "SELECT data_fingerprint, audit_id FROM audit_log WHERE data_fingerprint IS NOT NULL "
                "ORDER BY audit_id DESC LIMIT 1"
            ).fetchone()
            if known:
                data_fingerprint = known[0]
                details["data_as_of_audit_id"] = known[1]
        prev = sql.execute(
            "SELECT entry_hash FROM audit_log ORDER BY audit_id DESC LIMIT 1"
        ).fetchone()
        row = {
            "at": dt.datetime.now().isoformat(timespec="microseconds"),
            "operator": operator or UNCONFIGURED,
            "operator_source": operator_source or "unconfigured",
            "action": action,
            "company": company,
            "subject": subject,
            "status": status,
            "summary": summary,
            "data_fingerprint": data_fingerprint,
            "inputs": _json(list(inputs or [])),
            "outputs": _json(list(outputs or [])),
            "details": _json(details or None),
            "host": socket.gethostname(),
            "prev_hash": prev[0] if prev else GENESIS,
        }
        row["entry_hash"] = entry_hash(row)
        cols = [*HASHED, "entry_hash"]
        cur = sql.execute(
            f"INSERT INTO audit_log ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [row[c] for c in cols],
        )
        if not in_transaction:
            sql.execute("COMMIT")
    except Exception:
        if not in_transaction:
            sql.execute("ROLLBACK")
        raise
    return cur.lastrowid


def record(
    store_or_path,
    action: str,
    *,
    campaign=None,
    operator: str | None = None,
    con=None,
    company: str | None = None,
    subject: str | None = None,
    summary: str = "",
    inputs: list | None = None,
    outputs: list | None = None,
    data_fingerprint: str | None = None,
    details: dict | None = None,
    status: str = "ok",
    data_inputs: bool = True,
    fingerprint_known: bool = True,
) -> int | None:
    """Record an action: the convenience every hook calls.

    ``store_or_path`` is a :class:`~workbench.lifecycle.LifecycleStore`, the path of the lifecycle
    file or of the warehouse (the store beside it is used).  With a warehouse connection ``con``,
    the data fingerprint and the manifest hashes are read from it (``data_inputs=False``: the
    fingerprint only; ``inputs`` are added first).  ``outputs`` may be paths (hashed here) or
    ready dicts.  A failure to log is reported on the log, never raised: the action itself is done.
    """
    from .lifecycle import LifecycleStore, default_store_path

    try:
        own = False
        if isinstance(store_or_path, LifecycleStore):
            store = store_or_path
        else:
            p = Path(store_or_path)
            path = p if p.suffix == ".sqlite" else default_store_path(p)
            store, own = LifecycleStore(path), True
        who, source = operator_of(campaign, operator)
        ins = list(inputs or [])
        if con is not None:
            fp, files = warehouse_data(con, company)
            data_fingerprint = data_fingerprint or (fp if fingerprint_known else None)
            if data_inputs:
                ins += files
        outs = [o for o in (outputs or []) if isinstance(o, dict)]
        outs += file_entries([o for o in (outputs or []) if not isinstance(o, dict)])
        try:
            return append(
                store.connection,
                action,
                operator=who,
                operator_source=source,
                company=company,
                subject=subject,
                status=status,
                summary=summary,
                data_fingerprint=data_fingerprint,
                inputs=ins,
                outputs=outs,
                details=details,
                fingerprint_known=fingerprint_known,
            )
        finally:
            if own:
                store.close()
    except Exception as exc:  # noqa: BLE001 - logging must not undo work already done
        log.warning("审计日志写入失败 / could not write the audit entry for %s: %s", action, exc)
        return None


def record_for_warehouse_con(con, action: str, **kw) -> int | None:
    """:func:`record` into the store beside the warehouse ``con`` (skipped for in-memory warehouses)."""
    path = warehouse_file(con)
    if path is None:
        log.debug("in-memory warehouse: %s not logged", action)
        return None
    return record(path, action, con=con, **kw)


# --- reading ---------------------------------------------------------------------------------------


def entries(
    store,
    *,
    action: str | None = None,
    operator: str | None = None,
    company: str | None = None,
    subject: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Entries, oldest first, filtered; ``action`` may be a comma list of codes or Chinese names."""
    where, params = [], []
    if action:
        wanted = []
        for a in (x.strip() for x in action.split(",") if x.strip()):
            found = [k for k, zh in ACTIONS.items() if a in (k, zh)]
            if not found:
                raise WorkbenchError(
                    f"未知的审计动作 {a!r}，可选：{'、'.join(ACTIONS.values())} / unknown audit action {a!r}; "
                    f"valid actions: {', '.join(ACTIONS)}"
                )
            wanted += found
        where.append(f"action IN ({','.join('?' * len(wanted))})")
        params += wanted
    if operator:
        where.append("operator = ?")
        params.append(operator)
    if company:
        where.append("company = ?")
        params.append(company)
    if subject:
        where.append("subject = ?")
        params.append(subject)
    if since:
        where.append("at >= ?")
        params.append(since.isoformat())
    if until:
        where.append("at < ?")
        params.append((until + dt.timedelta(days=1)).isoformat())
    sql = (
        "SELECT * FROM audit_log"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY audit_id"
    )
    if limit:
        sql = (
            f"SELECT * FROM ({sql.replace(' ORDER BY audit_id', ' ORDER BY audit_id DESC')} LIMIT {int(limit)}) "
            "ORDER BY audit_id"
        )
    df = pd.read_sql_query(sql, store.connection, params=params)
    df["action_zh"] = df["action"].map(ACTIONS)
    return df


def listing(df: pd.DataFrame) -> pd.DataFrame:
    """The entries as a readable table (Chinese headers)."""
    n_in = df["inputs"].map(lambda s: len(json.loads(s)) if s else 0)
    n_out = df["outputs"].map(lambda s: len(json.loads(s)) if s else 0)
    return pd.DataFrame(
        {
            "编号": df["audit_id"],
            "时间": df["at"].str[:19].str.replace("T", " "),
            "经办人": df["operator"],
            "动作": df["action_zh"].fillna(df["action"]),
            "公司": df["company"].fillna(""),
            "对象": df["subject"].fillna(""),
            "状态": df["status"].map({"ok": "成功", "failed": "失败"}).fillna(df["status"]),
            "数据指纹": df["data_fingerprint"].fillna("").str[:12],
            "输入文件": n_in,
            "输出文件": n_out,
            "摘要": df["summary"].fillna(""),
        }
    )


def _shown(value, empty: str = "—") -> str:
    """A column of an entry as text: ``empty`` for NULL (None, or NaN once read through pandas) and ''."""
    if value is None or (isinstance(value, float) and value != value) or str(value).strip() == "":
        return empty
    return str(value)


def detail_text(row) -> str:
    """One entry in full: inputs and outputs with their hashes; a column without a value shows —."""
    lines = [
        f"审计记录 #{row['audit_id']}  {row['at']}",
        f"  经办人 operator: {row['operator']} ({row['operator_source']})",
        f"  动作 action: {ACTIONS.get(row['action'], row['action'])} ({row['action']})  状态 status: {row['status']}",
        f"  公司 company: {_shown(row['company'])}  对象 subject: {_shown(row['subject'])}",
        f"  摘要 summary: {_shown(row['summary'], '')}",
        f"  数据指纹 data fingerprint: {_shown(row['data_fingerprint'])}",
    ]
    ins = json.loads(row["inputs"] or "[]")
    lines.append(f"  输入 inputs ({len(ins)}):")
    lines += [
        f"    {i.get('sha256', '')[:16]}  {i.get('file') or i.get('path') or i.get('name') or i}"
        for i in ins
    ]
    outs = json.loads(row["outputs"] or "[]")
    lines.append(f"  输出 outputs ({len(outs)}):")
    lines += [
        f"    {o.get('sha256', '')[:16]}  {o.get('path') or o.get('name') or o}" for o in outs
    ]
    if _shown(row.get("details"), ""):
        lines.append(f"  详情 details: {row['details']}")
    lines.append(f"  链 chain: prev {row['prev_hash'][:16]} → this {row['entry_hash'][:16]}")
    return "\n".join(lines)


@dataclass
class ChainCheck:
    ok: bool
    checked: int
    broken_at: int | None = None
    message: str = ""

    def to_text(self) -> str:
        if self.ok:
            return f"审计日志完整 / audit log intact: {self.checked} 条记录 entries, 哈希链一致 hash chain verified"
        return f"审计日志被改动 / audit log ALTERED at entry #{self.broken_at}: {self.message}"


def verify_chain(store) -> ChainCheck:
    """Recompute every entry's hash and its link to the one before."""
    rows = pd.read_sql_query("SELECT * FROM audit_log ORDER BY audit_id", store.connection)
    prev = GENESIS
    last_id = 0
    for r in rows.to_dict("records"):
        r = {k: (None if (isinstance(v, float) and v != v) else v) for k, v in r.items()}
        if r["audit_id"] != last_id + 1:
            return ChainCheck(
                False, len(rows), last_id + 1, "记录缺失 / entries missing before this id"
            )
        if r["prev_hash"] != prev:
            return ChainCheck(
                False,
                len(rows),
                r["audit_id"],
                "与上一条记录的链接不符 / link to the previous entry broken",
            )
        if entry_hash(r) != r["entry_hash"]:
            return ChainCheck(
                False, len(rows), r["audit_id"], "记录内容被修改 / entry content changed"
            )
        prev, last_id = r["entry_hash"], r["audit_id"]
    seq = store.connection.execute(
        "SELECT seq FROM sqlite_sequence WHERE name = 'audit_log'"
    ).fetchone()
    if seq and seq[0] > last_id:  # the newest entries were removed
        return ChainCheck(
            False, len(rows), last_id + 1, "最新的记录缺失 / the latest entries are missing"
        )
    return ChainCheck(True, len(rows))


def environ_operator(environ=None) -> str | None:
    """``$WORKBENCH_OPERATOR`` if set (config loading uses it)."""
    environ = os.environ if environ is None else environ
    v = environ.get(OPERATOR_ENV, "").strip()
    return v or None


# --- hooks with more to say than record() -----------------------------------------------------------


def record_ingest(
    con, results, receipts: dict, campaign, operator: str | None = None
) -> int | None:
    """The ingest hook: every file offered (with its manifest sha256 and what became of it), the
    receipts written, and the warehouse's fingerprint after loading."""
    try:
        return _record_ingest(con, results, receipts, campaign, operator)
    except Exception as exc:  # noqa: BLE001 - the files are loaded; say so on the log
        log.warning("审计日志写入失败 / could not write the ingest audit entry: %s", exc)
        return None


def _record_ingest(con, results, receipts, campaign, operator):
    batches = [r.batch_id for r in results if r.batch_id]
    known = (
        {
            b: (f, s)
            for b, f, s in con.execute(
                "SELECT batch_id, file_name, file_sha256 FROM manifest WHERE batch_id IN (SELECT unnest(?::VARCHAR[]))",
                [batches],
            ).fetchall()
        }
        if batches
        else {}
    )
    inputs = []
    for r in results:
        name, sha = known.get(r.batch_id, (display_path(r.path), None))
        if (
            sha is None
        ):  # a failure already recorded under an earlier batch: same content, same hash
            row = con.execute(
                "SELECT file_sha256 FROM manifest WHERE file_name = ? ORDER BY loaded_at DESC LIMIT 1",
                [name],
            ).fetchone()
            sha = row[0] if row else None
        inputs.append(
            {
                "file": name,
                "sha256": sha,
                "kind": r.kind,
                "company": r.company,
                "status": r.status,
                "batch": r.batch_id,
                "rows_read": r.rows_read,
                "rows_loaded": r.rows_loaded,
                "rows_rejected": r.rows_rejected,
            }
        )
    companies = sorted({r.company for r in results if r.company})
    n = {s: sum(r.status == s for r in results) for s in ("loaded", "rejected", "empty", "unchanged", "failed")}
    read_now = ("loaded", "rejected", "empty")  # files read by this run (all rows rejected: read, nothing loaded)
    read = sum(r.rows_read for r in results if r.status in read_now)
    rejected = sum(r.rows_rejected for r in results if r.status in read_now)
    summary = (
        f"入库 {len(results)} 个文件(入库 {n['loaded']}、全部退回 {n['rejected']}、无数据行 {n['empty']}、"
        f"未变化 {n['unchanged']}、失败 {n['failed']})，读取 {read} 行，退回 {rejected} 行"
    )
    wh = warehouse_file(con)
    outputs = [
        {
            "path": display_path(wh) if wh else ":memory:",
            "batches": [r.batch_id for r in results if r.status == "loaded"],
        }
    ]
    outputs += list((receipts or {}).values())
    if wh is None:
        return None
    return record(
        wh,
        "ingest",
        campaign=campaign,
        operator=operator,
        con=con,
        data_inputs=False,
        company=companies[0] if len(companies) == 1 else None,
        summary=summary,
        inputs=inputs,
        outputs=outputs,
        status="failed" if n["failed"] and not (n["loaded"] or n["unchanged"]) else "ok",
        details={"companies": companies},
    )


def record_screen(
    con, run_id: str, period: str, fingerprint: str | None, rules: list[str], clues: int, new: int,
    engine: dict | None = None,
) -> int | None:
    """The screening hook: the run, its rules and the data it saw (its fingerprint is the run's;
    None for a Spark screen of tables read as they are: the entry then names no fingerprint)."""
    details = {"period": period, "rules": rules, "clues": clues, "new_clues": new}
    if engine and engine.get("engine") != "duckdb":
        details["engine"] = {k: engine.get(k) for k in ("engine", "master", "parquet", "export",
                                                        "export_fingerprint")}
    return record_for_warehouse_con(
        con,
        "screen",
        subject=run_id,
        data_fingerprint=fingerprint,
        fingerprint_known=fingerprint is not None,
        data_inputs=fingerprint is not None,
        summary=f"筛查运行 {run_id}（{period}）：{len(rules)} 条规则，线索 {clues} 条，其中新线索 {new} 条",
        outputs=[{"path": "warehouse.duckdb#clues", "run_id": run_id}],
        details=details,
    )


def record_runs(results, campaign, warehouse: Path, output_dir: Path, started: float) -> None:
    """The notebook-run hook: one entry per executed notebook, with the run record (the executed
    notebook and its parameters) and the files it wrote, and the warehouse's hashes after the run."""
    try:
        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
    except Exception as exc:  # noqa: BLE001 - held by a writer: the log names the data as of then
        log.debug("warehouse not readable for the audit entry: %s", exc)
        con = None
    try:
        for r in results:
            written = [r.output, r.output.with_suffix(".parameters.json")]
            written += [
                p
                for p in files_written_since(
                    output_dir, started, f"/{r.company}/" if r.company else None
                )
                if p not in written
            ]
            record(
                warehouse,
                "run",
                campaign=campaign,
                con=con,
                company=r.company,
                subject=r.campaign,
                status="ok" if r.ok else "failed",
                outputs=[p for p in written if p.exists()],
                summary=f"执行笔记本 {r.campaign}"
                + (f"（{r.company}）" if r.company else "")
                + (
                    f"，用时 {r.seconds:.0f} 秒"
                    if r.ok
                    else f"，失败：{r.error.splitlines()[-1][:200] if r.error else ''}"
                ),
                details={"notebook": r.campaign, "seconds": round(r.seconds, 1)},
            )
    finally:
        if con is not None:
            con.close()
