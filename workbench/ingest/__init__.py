"""Ingest (入库): from submitted files to the desensitized warehouse, nothing lost.

``ingest_paths`` is what the CLI, the notebooks and the tests call.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ..config import Campaign
from ..protect import Tokenizer, load_key
from ..warehouse import PROJECT_ROOT, connect
from .load import FileResult, ingest_file, list_files, load_profiles
from .mapping import load_profile
from .receipt import write_receipts

__all__ = ["IngestReport", "FileResult", "ingest_paths"]


@dataclass
class IngestReport:
    results: list[FileResult]
    receipts: dict[str, Path]
    seconds: float

    def totals(self) -> dict[str, int]:
        keys = ("rows_read", "rows_loaded", "rows_rejected", "rows_normalised", "rows_warned")
        out = {k: sum(getattr(r, k) for r in self.results if r.status == "loaded") for k in keys}
        for s in ("loaded", "unchanged", "failed"):
            out[f"files_{s}"] = sum(r.status == s for r in self.results)
        return out

    def to_text(self) -> str:
        t = self.totals()
        lines = [f"入库汇总 / ingest summary: 文件 {len(self.results)} 个 (入库 {t['files_loaded']}, "
                 f"未变化 {t['files_unchanged']}, 失败 {t['files_failed']}), 用时 {self.seconds:.1f}s",
                 f"  读取 read {t['rows_read']:,} 行 · 入库 loaded {t['rows_loaded']:,} · 退回 rejected "
                 f"{t['rows_rejected']:,} · 规范化 normalised {t['rows_normalised']:,} · 警告 warned {t['rows_warned']:,}"]
        by_kind: dict[str, list[int]] = {}
        for r in self.results:
            if r.status == "loaded":
                acc = by_kind.setdefault(r.kind, [0, 0, 0])
                acc[0] += r.rows_read
                acc[1] += r.rows_loaded
                acc[2] += r.rows_rejected
        lines.append(f"  {'kind':<22}{'read':>10}{'loaded':>10}{'rejected':>10}")
        for k, (a, b, c) in sorted(by_kind.items()):
            lines.append(f"  {k:<22}{a:>10,}{b:>10,}{c:>10,}")
        for r in self.results:
            if r.status == "failed":
                lines.append(f"  未入库 FAILED {r.path.name}: {r.message_zh}")
        if self.receipts:
            lines.append(f"  回执 receipts: {len(self.receipts)} 个, 如 {next(iter(self.receipts.values()))}")
        return "\n".join(lines)


def ingest_paths(paths, campaign: Campaign, *, con: duckdb.DuckDBPyConnection | None = None,
                 warehouse: Path | None = None, kind: str | None = None, company: str | None = None,
                 profile: str | Path | None = None, profiles_dir: Path | None = None,
                 receipts_dir: Path | None = None, tokenizer: Tokenizer | None = None,
                 operator: str | None = None) -> IngestReport:
    """Load files/folders into the warehouse and write a receipt per company."""
    started = dt.datetime.now()
    tokenizer = tokenizer or Tokenizer(load_key(campaign.key_file, campaign.key_env))
    own = con is None
    con = con or connect(warehouse or campaign.warehouse)
    explicit = load_profile(profile) if profile else None
    profiles = load_profiles(profiles_dir if profiles_dir is not None else PROJECT_ROOT / "profiles")
    try:
        results = []
        for path in list_files(list(paths)):
            prof = explicit or next((p for folder in path.parents for c, p in profiles.items() if folder.name == c), None)
            results.append(ingest_file(con, path, campaign, tokenizer, kind, company, prof,
                                       operator or campaign.operator or None))
        receipts = {}
        if receipts_dir is not False:
            receipts = write_receipts(con, results, campaign, receipts_dir or campaign.output_dir / "receipts",
                                      started)
    finally:
        if own:
            con.close()
    return IngestReport(results, receipts, (dt.datetime.now() - started).total_seconds())
