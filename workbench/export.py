"""Export the warehouse tables to parquet (导出 parquet), for screening on Apache Spark.

``workbench export --parquet DIR`` writes one folder per contract table (``DIR/<table>/``, a
parquet file inside, as Spark lays tables out) and a manifest ``DIR/_workbench_export.json``
naming the warehouse, its data fingerprint (:func:`workbench.screen.data_fingerprint`), the
rows of every table and the files written. ``workbench screen --engine spark`` reads these
folders; before it does, it compares the manifest with the warehouse (:func:`ensure_export`):

* a local export that does not match (another warehouse, data changed since, a damaged manifest)
  is exported again, and the screen says so;
* a remote one (``hdfs://…``, ``s3a://…``, ``file://…``) cannot be refreshed from here: when its
  manifest is readable and does not match, the screen is refused;
* a folder without a manifest that holds tables is the national platform's own tables: read as
  it is, with a warning that it cannot be checked against the warehouse (the run records no data
  fingerprint for it).

The export never deletes what it did not write: it refuses a non-empty folder without a manifest,
and a table folder holding files other than the ones its manifest lists.

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
from urllib.parse import unquote, urlparse

import duckdb

from .contract import KINDS
from .errors import WorkbenchError

log = logging.getLogger(__name__)

MANIFEST = "_workbench_export.json"
#: The one file the export writes in each table folder.
PART = "part-0.parquet"


def is_remote(location: str | Path) -> bool:
    """True for a URL (``hdfs://``, ``s3a://``, ``file://``…) rather than a local folder."""
    return "://" in str(location)


def file_url_path(location: str | Path) -> Path | None:
    """The local path of a ``file://`` URL (None for any other location)."""
    text = str(location)
    if not text.startswith("file:"):
        return None
    return Path(unquote(urlparse(text).path))


def export_hint(location: str | Path) -> str:
    """The command that writes an export for ``location`` (export writes local folders only)."""
    local = file_url_path(location)
    if local is not None:
        return f"`workbench export --parquet {local}`"
    if is_remote(location):
        return (f"`workbench export --parquet /a/local/folder`, then copy the table folders to "
                f"{location} (see docs/spark.md)")
    return f"`workbench export --parquet {location}`"


@dataclass
class ExportResult:
    """What an export wrote, or what :func:`ensure_export` found (导出结果).

    ``checked``: compared with the warehouse (False: a folder without a manifest, read as it is);
    ``refreshed``: why it was exported again ("" when it was current or written the first time);
    ``data_fingerprint``: the fingerprint of the data in the export ("" when unknown).
    """

    directory: Path | str
    tables: dict[str, int] = field(default_factory=dict)
    data_fingerprint: str = ""
    seconds: float = 0.0
    reused: bool = False
    checked: bool = True
    refreshed: str = ""

    @property
    def status(self) -> str:
        """current / exported / refreshed / unchecked (``screen_runs.engine_detail``)."""
        if not self.checked:
            return "unchecked"
        if self.reused:
            return "current"
        return "refreshed" if self.refreshed else "exported"

    def to_text(self) -> str:
        head = {
            "current": "沿用已有导出 / export is current",
            "exported": "已导出 / exported",
            "refreshed": f"已重新导出 / exported again ({self.refreshed})",
            "unchecked": "未核对 / not checked",
        }[self.status]
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


class CorruptManifest(WorkbenchError):
    """The manifest file is there but cannot be read as a workbench export manifest."""


def parse_manifest(text: str, where: str) -> dict:
    """A manifest's JSON, checked for the fields an export writes."""
    try:
        manifest = json.loads(text)
    except ValueError as exc:
        raise CorruptManifest(f"{where}: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict) or not \
            isinstance(manifest.get("data_fingerprint"), str):
        raise CorruptManifest(f"{where}: not a workbench export manifest (no tables / data_fingerprint)")
    return manifest


def read_manifest(directory: str | Path) -> dict | None:
    """The export manifest in ``directory`` (a folder or a ``file://`` URL); None when there is
    none. A damaged one raises :class:`CorruptManifest`."""
    base = file_url_path(directory) or Path(directory)
    path = base / MANIFEST
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CorruptManifest(f"{path}: {exc}") from exc
    return parse_manifest(text, str(path))


def _not_a_folder(path: Path) -> WorkbenchError:
    return WorkbenchError(
        f"parquet 位置是一个文件而不是目录 / the parquet location {path} is a file, not a folder: "
        "give a folder (one sub-folder per table)"
    )


def holds_tables(directory: Path) -> list[str]:
    """The contract tables ``directory`` has a folder for."""
    return [k for k in KINDS if (directory / k).is_dir()]


def _owned_files(manifest: dict | None, table: str) -> set[str]:
    files = ((manifest or {}).get("files") or {}).get(table)
    return set(files) if isinstance(files, list) else {PART}


def _check_writable(out: Path, names: list[str]) -> dict | None:
    """Refuse to write where files the workbench did not write would be replaced; return the
    manifest there (None when there is none or it is damaged)."""
    if out.exists() and not out.is_dir():
        raise _not_a_folder(out)
    try:
        manifest = read_manifest(out)
        damaged = False
    except CorruptManifest:
        manifest, damaged = None, True
    if manifest is None and not damaged and out.is_dir() and any(out.iterdir()):
        shown = sorted(p.name for p in out.iterdir())[:5]
        raise WorkbenchError(
            f"目录 {out} 不为空且不是工作台导出（没有 {MANIFEST}），为免覆盖他人的文件，拒绝导出 / "
            f"{out} is not empty and holds no workbench export manifest ({MANIFEST}; it holds "
            f"{', '.join(shown)}{' …' if len(shown) == 5 else ''}): the export never replaces files it "
            "did not write. Export to a new or empty folder; to screen tables laid out there as they "
            "are, pass the folder to `workbench screen --engine spark --parquet` (see docs/spark.md)"
        )
    for name in names:
        folder = out / name
        if not folder.exists():
            continue
        foreign = sorted(
            p.name for p in folder.iterdir() if p.is_dir() or p.name not in _owned_files(manifest, name)
        ) if folder.is_dir() else [name]
        if foreign:
            raise WorkbenchError(
                f"{folder} 中有工作台未写入的文件，拒绝覆盖 / {folder} holds files the workbench did not "
                f"write ({', '.join(foreign[:5])}{' …' if len(foreign) > 5 else ''}): the export never "
                "deletes them. Move them away or export to another folder"
            )
    return manifest


def export_parquet(
    con: duckdb.DuckDBPyConnection, directory: str | Path, tables=None, *, refreshed: str = ""
) -> ExportResult:
    """Write ``tables`` (default: every contract table) to ``directory/<table>/`` as parquet.

    ``refreshed``: why an existing export is written again (said in the result)."""
    from .screen import data_fingerprint, git_commit

    if is_remote(directory):
        local = file_url_path(directory)
        raise WorkbenchError(
            f"只能导出到本地目录 / export writes a local folder, not {directory}: "
            + (f"give the path instead, `workbench export --parquet {local}`" if local is not None
               else "export here, then copy the folders to the cluster (see docs/spark.md)")
        )
    started = time.perf_counter()
    out = Path(directory)
    names = _tables(con, tables)
    previous = _check_writable(out, names)  # before anything is written
    out.mkdir(parents=True, exist_ok=True)
    fingerprint, _ = data_fingerprint(con)
    counts = _counts(con, names)
    for name in names:
        tmp = out / f".{name}.tmp"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        target = str(tmp / PART).replace("'", "''")
        con.execute(
            f"COPY (SELECT * FROM main.\"{name}\") TO '{target}' (FORMAT parquet, COMPRESSION zstd)"
        )
        final = out / name
        shutil.rmtree(final, ignore_errors=True)  # holds only what the workbench wrote (checked)
        tmp.rename(final)
        log.info("exported %s (%d rows)", name, counts[name])
    files = {t: f for t, f in ((previous or {}).get("files") or {}).items() if t not in names}
    files.update({name: [PART] for name in names})
    manifest = {
        "warehouse": _database_file(con),
        "data_fingerprint": fingerprint,
        "exported_at": dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(timespec="seconds"),
        "git_commit": git_commit(),
        "tables": counts,
        "files": dict(sorted(files.items())),
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
    return ExportResult(out, counts, fingerprint, time.perf_counter() - started, refreshed=refreshed)


def compare_manifest(con: duckdb.DuckDBPyConnection, manifest: dict, folder: Path | None = None
                     ) -> tuple[str, dict[str, int]]:
    """Why the export described by ``manifest`` is not this warehouse as it is now ("" when it
    is), and the warehouse's row counts. ``folder``: a local export, whose table folders must exist."""
    from .screen import data_fingerprint

    names = _tables(con, None)
    fingerprint, _ = data_fingerprint(con)
    counts = _counts(con, names)
    have = manifest.get("tables") or {}
    theirs = manifest.get("warehouse") or "?"
    if manifest.get("data_fingerprint") != fingerprint:
        mine = _database_file(con)
        if theirs != mine:
            return (f"导出自另一个仓库 / exported from another warehouse ({theirs}, data "
                    f"{str(manifest.get('data_fingerprint'))[:12]}; this one is {mine or 'in memory'}, "
                    f"data {fingerprint[:12]})"), counts
        return (f"导出后仓库数据已变化 / the warehouse changed since the export (data "
                f"{str(manifest.get('data_fingerprint'))[:12]} → {fingerprint[:12]})"), counts
    differ = [t for t in names if have.get(t) != counts[t]]
    if differ:
        return f"行数不同 / row counts differ: {', '.join(differ)}", counts
    if folder is not None:
        absent = [t for t in names if not (folder / t).is_dir()]
        if absent:
            return f"缺少表目录 / table folders missing: {', '.join(absent)}", counts
    return "", counts


def ensure_export(con: duckdb.DuckDBPyConnection, directory: str | Path, *, read_text=None
                  ) -> ExportResult:
    """Make sure ``directory`` holds the contract tables of this warehouse as it is now (same
    data fingerprint, same row counts); export them again if not (a local folder), or refuse (a
    remote one, which cannot be refreshed from here). A folder without a manifest that holds
    tables is read as it is (``checked=False``), with a warning.

    ``read_text(url)``: the text of a remote file, or None when there is none (a Spark session
    reads ``hdfs://``, ``s3a://`` …); without it a remote manifest other than ``file://`` cannot
    be read and the location is read as it is.
    """
    local = Path(directory) if not is_remote(directory) else file_url_path(directory)
    manifest, damaged = None, ""
    if local is not None:
        if local.exists() and not local.is_dir():
            raise _not_a_folder(local)
        try:
            manifest = read_manifest(local)
        except CorruptManifest as exc:
            damaged = str(exc)
    elif read_text is not None:
        url = f"{str(directory).rstrip('/')}/{MANIFEST}"
        text = read_text(url)
        if text is not None:
            try:
                manifest = parse_manifest(text, url)
            except CorruptManifest as exc:
                damaged = str(exc)
    remote = is_remote(directory)
    if damaged:
        if remote:
            raise WorkbenchError(
                f"导出清单已损坏，无法与仓库核对 / the export manifest is damaged, so {directory} cannot "
                f"be checked against the warehouse ({damaged}): replace the export there "
                f"({export_hint(directory)})"
            )
        log.warning("parquet export manifest in %s is damaged (%s): exporting again", directory, damaged)
        return export_parquet(con, local, refreshed=f"导出清单损坏 / manifest damaged: {damaged}")
    if manifest is None:
        folder_tables = holds_tables(local) if local is not None else None
        if local is not None and not remote and not folder_tables:
            return export_parquet(con, local)  # nothing there yet (a non-empty folder is refused)
        warn_unchecked(directory)
        return ExportResult(str(directory) if remote else local, checked=False, reused=True)
    why, counts = compare_manifest(con, manifest, local)
    if not why:
        return ExportResult(str(directory) if remote else local, counts, manifest["data_fingerprint"],
                            reused=True)
    if remote:
        raise WorkbenchError(
            f"{directory} 中的 parquet 导出与本仓库不符，且远程位置无法从这里刷新 / the parquet export at "
            f"{directory} is not this warehouse as it is now — {why} — and a remote location cannot be "
            f"refreshed from here: export again ({export_hint(directory)}), or screen a local "
            "--parquet folder"
        )
    log.info("parquet export in %s is stale (%s): exporting again", directory, why)
    return export_parquet(con, local, refreshed=why)


def warn_unchecked(directory) -> None:
    log.warning(
        "%s 不是工作台导出（没有 %s），按原样读取，无法与仓库核对 / %s is not a workbench export (no %s): "
        "read as it is, it cannot be checked against the warehouse", directory, MANIFEST, directory,
        MANIFEST)
