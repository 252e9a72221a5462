"""Export the warehouse tables to parquet (导出 parquet), for screening on Apache Spark.

``workbench export --parquet DIR`` writes one folder per contract table (``DIR/<table>/``, a
parquet file inside, as Spark lays tables out) and a manifest ``DIR/_workbench_export.json``
naming the warehouse, its data fingerprint (:func:`workbench.screen.data_fingerprint`) and the
rows of every table. ``workbench screen --engine spark`` reads these folders; before it does, it
compares the manifest with the warehouse and exports again when the data changed, so Spark never
screens stale data. A folder elsewhere (``hdfs://…``, ``s3a://…``) is used as it is: the
national platform's own tables, or an export copied there (see ``docs/spark.md``).

Only tokens and masks are in the warehouse, so only tokens and masks are in the export.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from .contract import KINDS
from .errors import WorkbenchError

log = logging.getLogger(__name__)

MANIFEST = "_workbench_export.json"


def is_remote(location: str | Path) -> bool:
    """True for a URL (``hdfs://``, ``s3a://``, ``file://``…) rather than a local folder."""
    return "://" in str(location)


@dataclass
class ExportResult:
    """What an export wrote (导出结果)."""

    directory: Path
    tables: dict[str, int] = field(default_factory=dict)
    data_fingerprint: str = ""
    seconds: float = 0.0
    reused: bool = False

    def to_text(self) -> str:
        head = "沿用已有导出 / export is current" if self.reused else "已导出 / exported"
        lines = [f"{head}: {self.directory} ({len(self.tables)} 张表 tables, {self.seconds:.1f}s)"]
        lines += [f"  {t:24} {n:>10,}" for t, n in self.tables.items()]
        return "\n".join(lines)


def _tables(con: duckdb.DuckDBPyConnection, tables) -> list[str]:
    present = {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database()"
        ).fetchall()
    }
    wanted = list(tables) if tables else [k for k in KINDS if k in present]
    missing = [t for t in wanted if t not in present]
    if missing:
        raise WorkbenchError(f"数据仓库中没有这些表 / no such table(s) in the warehouse: {missing}")
    return wanted


def _counts(con, tables) -> dict[str, int]:
    return {t: con.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0] for t in tables}


def _database_file(con) -> str:
    row = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchone()
    return row[0] if row and row[0] else ""


def read_manifest(directory: str | Path) -> dict | None:
    """The export manifest in ``directory`` (None when there is none)."""
    path = Path(directory) / MANIFEST
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def export_parquet(
    con: duckdb.DuckDBPyConnection, directory: str | Path, tables=None
) -> ExportResult:
    """Write ``tables`` (default: every contract table) to ``directory/<table>/`` as parquet."""
    from .screen import data_fingerprint, git_commit

    if is_remote(directory):
        raise WorkbenchError(
            f"只能导出到本地目录 / export writes a local folder, not {directory}: export here, "
            "then copy the folders to the cluster (see docs/spark.md)"
        )
    started = time.perf_counter()
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    names = _tables(con, tables)
    fingerprint, _ = data_fingerprint(con)
    counts = _counts(con, names)
    for name in names:
        tmp = out / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        target = str(tmp / "part-0.parquet").replace("'", "''")
        con.execute(
            f"COPY (SELECT * FROM main.\"{name}\") TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        final = out / name
        shutil.rmtree(final, ignore_errors=True)
        tmp.rename(final)
        log.info("exported %s (%d rows)", name, counts[name])
    manifest = {
        "warehouse": _database_file(con),
        "data_fingerprint": fingerprint,
        "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "tables": counts,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    from .audit import record_for_warehouse_con  # audit trail (审计日志): what left the warehouse

    record_for_warehouse_con(
        con,
        "export_parquet",
        data_fingerprint=fingerprint,
        summary=f"导出 parquet 到 {out}：{len(counts)} 张表，{sum(counts.values())} 行",
        outputs=[out / MANIFEST] + [out / name for name in names],
        details={"directory": str(out.resolve()), "tables": counts},
    )
    return ExportResult(out, counts, fingerprint, time.perf_counter() - started)


def ensure_export(con: duckdb.DuckDBPyConnection, directory: str | Path) -> ExportResult:
    """Make sure ``directory`` holds the contract tables of this warehouse as it is now (same
    data fingerprint, same row counts); export them if not.

    A remote location is trusted as it is (nothing to compare it with from here).
    """
    if is_remote(directory):
        log.info("spark reads %s as it is (remote: not compared with the warehouse)", directory)
        return ExportResult(Path(str(directory)), reused=True)
    from .screen import data_fingerprint

    names = _tables(con, None)
    manifest = read_manifest(directory) or {}
    fingerprint, _ = data_fingerprint(con)
    have = manifest.get("tables") or {}
    counts = _counts(con, names)
    current = (
        manifest.get("data_fingerprint") == fingerprint
        and all(have.get(t) == counts[t] for t in names)
        and all((Path(directory) / t).is_dir() for t in names)
    )
    if current:
        return ExportResult(Path(directory), counts, fingerprint, reused=True)
    log.info("parquet export in %s is missing or stale: exporting", directory)
    return export_parquet(con, directory)
