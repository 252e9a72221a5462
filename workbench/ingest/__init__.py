"""Ingest (入库): from submitted files to the desensitized warehouse, nothing lost.

``ingest_paths`` is what the CLI, the notebooks and the tests call.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from ..config import Campaign
from ..protect import Tokenizer, load_key
from ..warehouse import PROJECT_ROOT, connect
from .company import checked_company, warehouse_companies
from .handoff import make_folder, remove_folder, spill
from .load import (
    STATUSES,
    FileResult,
    already_loaded,
    list_files,
    load_prepared,
    load_profiles,
    prepare_file,
    sha256_file,
)
from .mapping import load_profile
from .receipt import write_receipts

log = logging.getLogger(__name__)

__all__ = ["IngestReport", "FileResult", "ingest_paths"]


@dataclass
class IngestReport:
    results: list[FileResult]
    receipts: dict[str, Path]
    seconds: float
    warnings: list[str] = field(default_factory=list)  # said of the run, not of a file (an empty folder)

    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "rows_loaded", "rows_rejected", "rows_normalised", "rows_warned")
        read = [r for r in self.results if r.status in READ_NOW]
        out = {k: sum(getattr(r, k) for r in read) for k in keys}
        for s in STATUSES:
            out[f"files_{s}"] = sum(r.status == s for r in self.results)
        return out

    def strict_failure(self) -> bool:
        """Whether ``--strict`` exits 1: a file failed or had every row rejected, or a folder held no file."""
        t = self.totals()
        return bool(t["files_failed"] or t["files_rejected"] or self.warnings)

    def to_text(self) -> str:
        t = self.totals()
        lines = [*self.warnings,
                 f"入库汇总 / ingest summary: 文件 {len(self.results)} 个 (入库 {t['files_loaded']}, "
                 f"全部退回 {t['files_rejected']}, 无数据行 {t['files_empty']}, "
                 f"未变化 {t['files_unchanged']}, 失败 {t['files_failed']}), 用时 {self.seconds:.1f}s",
                 f"  读取 read {t['rows_read']:,} 行 · 入库 loaded {t['rows_loaded']:,} · 退回 rejected "
                 f"{t['rows_rejected']:,} · 规范化 normalised {t['rows_normalised']:,} · 警告 warned {t['rows_warned']:,}"]
        by_kind: dict[str, list[int]] = {}
        for r in self.results:
            if r.status in READ_NOW:
                acc = by_kind.setdefault(r.kind, [0, 0, 0])
                acc[0] += r.rows_read
                acc[1] += r.rows_loaded
                acc[2] += r.rows_rejected
        lines.append(f"  {'kind':<22}{'read':>10}{'loaded':>10}{'rejected':>10}")
        for k, (a, b, c) in sorted(by_kind.items()):
            lines.append(f"  {k:<22}{a:>10,}{b:>10,}{c:>10,}")
        for status, label in (("rejected", "全部退回 ALL ROWS REJECTED"), ("empty", "无数据行 NO DATA ROWS"),
                              ("failed", "未入库 FAILED")):
            for r in self.results:
                if r.status == status:
                    lines.append(f"  {label} {r.path.name}: {r.message_zh} / {r.message_en}")
        if self.receipts:
            lines.append(f"  回执 receipts: {len(self.receipts)} 个, 如 {next(iter(self.receipts.values()))}")
        return "\n".join(lines)


#: Statuses of the files read and validated by this run (their rows count in the totals).
READ_NOW = ("loaded", "rejected", "empty")


#: WAL size at which DuckDB checkpoints during an ingest run (see :func:`ingest_paths`).
INGEST_CHECKPOINT_THRESHOLD = "256MB"

#: Niceness of the worker processes (see :func:`ingest_paths`).
WORKER_NICENESS = 10

#: Below this much input, worker processes cost more than they save.
PARALLEL_MIN_BYTES = 8_000_000


def _prepare(args):
    """Read and validate one file in a worker; big accepted-row tables go back through shared memory."""
    *file_args, folder = args
    prepared = prepare_file(*file_args)
    if prepared.validated is not None:
        prepared.validated.table = spill(prepared.validated.table, folder)
    return prepared


def ingest_paths(paths, campaign: Campaign, *, con: duckdb.DuckDBPyConnection | None = None,
                 warehouse: Path | None = None, kind: str | None = None, company: str | None = None,
                 profile: str | Path | None = None, profiles_dir: Path | None = None,
                 receipts_dir: Path | None = None, tokenizer: Tokenizer | None = None,
                 operator: str | None = None, jobs: int | None = None, append: bool = False) -> IngestReport:
    """Load files/folders into the warehouse and write a receipt per company.

    ``jobs`` worker processes read and validate files in parallel (default: the CPU count);
    the loading itself is serial and one transaction per file.  ``append``: the files add to
    the companies' earlier batches of their kinds instead of replacing them (追加报送).
    ``company`` (all files are that company's) must be in the company register when one is loaded.
    """
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    started = dt.datetime.now()
    tokenizer = tokenizer or Tokenizer(load_key(campaign.key_file, campaign.key_env))
    own = con is None
    con = con or connect(warehouse or campaign.warehouse)
    explicit = load_profile(profile) if profile else None
    profiles = load_profiles(profiles_dir if profiles_dir is not None else PROJECT_ROOT / "profiles")
    # one checkpoint at the end instead of one per file: DuckDB checkpoints when the WAL passes
    # its threshold (16 MB), nearly every file here, and each time compresses the table's last,
    # partly filled row group again; a larger threshold for the run writes each row group once
    # (≈ 6 % faster on an x10 subset, a smaller file). Bounded, so uncheckpointed rows cannot fill memory.
    threshold = con.execute("SELECT current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute(f"SET checkpoint_threshold = '{INGEST_CHECKPOINT_THRESHOLD}'")
    try:
        companies = warehouse_companies(con)
        company = checked_company(company, companies)
        files, warnings = _files(paths)
        results: list[FileResult] = []
        todo = []  # (position, path, sha, failure already recorded, profile)
        # batches of this run: files of one submission add up. A file sent again unchanged belongs
        # to the submission too: a changed file beside it must not replace it
        this_run: set[str] = set()
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as hashing:  # hashlib lets go of the GIL
            shas = list(hashing.map(sha256_file, files))
        for path, sha in zip(files, shas, strict=True):
            unchanged, failed_before = already_loaded(con, path, sha)
            if unchanged:
                results.append(unchanged)
                this_run.add(unchanged.batch_id)
                continue
            prof = explicit or next((p for folder in path.parents for c, p in profiles.items() if folder.name == c), None)
            results.append(None)
            todo.append((len(results) - 1, path, sha, failed_before, prof))
        op = operator or campaign.operator or None
        args = [(path, campaign, tokenizer, kind, company, prof, companies) for _, path, _, _, prof in todo]
        total_bytes = sum(path.stat().st_size for _, path, _, _, _ in todo)
        if jobs > 1 and len(todo) > 1 and total_bytes > PARALLEL_MIN_BYTES:
            # read + validate in parallel; the warehouse has one writer, so loading stays here, in order
            # The loading process is the bottleneck (DuckDB's insert and compression cost about as
            # much as validating): workers run at a lower priority, so it never waits for the CPU
            # while a worker gets ahead, and files are loaded as they are ready, the largest first
            # validated, so that what is left at the end is small. The order of loading changes
            # nothing: batches of one run are kept side by side.
            shm = make_folder()
            try:
                with ProcessPoolExecutor(max_workers=jobs, initializer=os.nice, initargs=(WORKER_NICENESS,)) as pool:
                    largest = sorted(range(len(todo)), key=lambda i: -todo[i][1].stat().st_size)
                    futures = {pool.submit(_prepare, (*args[i], shm)): i for i in largest}
                    try:
                        for done in as_completed(futures):
                            pos, _, sha, failed_before, _ = todo[futures[done]]
                            results[pos] = load_prepared(con, done.result(), sha, tokenizer, op, failed_before,
                                                         this_run, append)
                    except BaseException:  # an unexpected error or Ctrl-C: do not validate the rest first
                        for f in futures:
                            f.cancel()
                        raise
            finally:
                remove_folder(shm)
        else:
            for (pos, _, sha, failed_before, _), a in zip(todo, args, strict=True):
                results[pos] = load_prepared(con, _prepare((*a, None)), sha, tokenizer, op, failed_before, this_run,
                                             append)
        receipts = {}
        if receipts_dir is not False:
            receipts = write_receipts(con, results, campaign, receipts_dir or campaign.output_dir / "receipts",
                                      started)
        from ..audit import record_ingest  # audit trail (审计日志): files, hashes, receipts

        record_ingest(con, results, receipts, campaign, operator)
    finally:
        con.execute(f"SET checkpoint_threshold = '{threshold}'")
        try:
            con.execute("CHECKPOINT")
        except duckdb.Error as exc:  # another transaction open on this database: DuckDB checkpoints later
            log.info("checkpoint after ingest deferred: %s", exc)
        if own:
            con.close()
    return IngestReport(results, receipts, (dt.datetime.now() - started).total_seconds(), warnings)


def _files(paths) -> tuple[list[Path], list[str]]:
    """Every file under ``paths`` (unsupported ones too: they are reported), and a warning per
    folder holding none — a wrong folder must not pass for a run with nothing to load."""
    files, warnings = [], []
    for p in paths:
        found = list_files([p], supported_only=False)
        if not found:
            warnings.append(f"警告：文件夹 {p} 中没有可入库的文件(隐藏文件和系统文件不计)，请核对路径 / "
                            f"warning: no file to load in {p} (hidden and system files aside): check the path")
        files += found
    return files, warnings
