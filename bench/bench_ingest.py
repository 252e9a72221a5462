"""Ingest throughput (入库性能): rows per second and peak memory for CSV input, tokenization included.

    .venv/bin/python bench/bench_ingest.py [--scale x10] [--seed 1] [--reuse] [--jobs N]

Generates the synthetic province at the scale in parquet (fast), converts every file to UTF-8 CSV
(the format the target is set for), then ingests the CSV folder into a fresh warehouse in a child
process so its peak memory is measured alone. Generation and conversion are timed apart.
``--reuse`` keeps the CSV files of an earlier run (generation takes minutes at x10) and only
ingests again. The machine is shared, so the load average before and after the ingest is printed
and recorded beside the figures: a measurement taken under contention is pessimistic.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA_DIR, record  # noqa: E402

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from workbench.config import load_campaign
from workbench.ingest import ingest_paths
from workbench.protect import Tokenizer
campaign = load_campaign()
jobs = int(sys.argv[4]) if sys.argv[4] else None
t = time.perf_counter()
rep = ingest_paths([sys.argv[1]], campaign, warehouse=Path(sys.argv[2]), tokenizer=Tokenizer(bytes(range(32))),
                   receipts_dir=Path(sys.argv[3]), jobs=jobs)
secs = time.perf_counter() - t
tot = rep.totals()
peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": secs, **tot, "peak_mb": peak / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", default="x10")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--reuse", action="store_true", help="ingest the CSV files of an earlier run again"
    )
    ap.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: the CPU count)"
    )
    args = ap.parse_args()

    base = DATA_DIR / f"ingest-{args.scale}"
    csv_dir = base / "csv"
    metrics: dict[str, tuple[float, str]] = {}
    if args.reuse and csv_dir.is_dir():
        print(f"reusing {csv_dir}")
    else:
        from workbench.synth import generate

        if base.exists():
            shutil.rmtree(base)
        t = time.perf_counter()
        generate(base / "parquet", seed=args.seed, scale=args.scale, fmt="parquet")
        metrics["generation_s"] = (time.perf_counter() - t, "s")
        import pandas as pd

        t = time.perf_counter()
        sub = base / "parquet" / "submissions"
        for p in sub.rglob("*.parquet"):
            out = csv_dir / p.relative_to(sub).with_suffix(".csv")
            out.parent.mkdir(parents=True, exist_ok=True)
            pd.read_parquet(p).to_csv(out, index=False, encoding="utf-8")
        metrics["parquet_to_csv_s"] = (time.perf_counter() - t, "s")
    import json

    for stale in (base / "warehouse.duckdb", base / "warehouse.duckdb.wal"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(base / "receipts", ignore_errors=True)
    load_before = os.getloadavg()[0]
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(csv_dir),
            str(base / "warehouse.duckdb"),
            str(base / "receipts"),
            str(args.jobs or ""),
        ],
        capture_output=True,
        text=True,
    )
    load_after = os.getloadavg()[0]
    if proc.returncode:
        sys.exit(proc.stderr)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    metrics.update(
        {
            "rows_read": (res["rows_read"], "rows"),
            "rows_loaded": (res["rows_loaded"], "rows"),
            "rows_rejected": (res["rows_rejected"], "rows"),
            "ingest_s": (res["seconds"], "s"),
            "rows_per_s": (res["rows_read"] / res["seconds"], "rows/s"),
            "peak_rss_mb": (res["peak_mb"], "MiB"),
            "warehouse_mb": ((base / "warehouse.duckdb").stat().st_size / 2**20, "MiB"),
            "load_avg_1min_before": (load_before, "load"),
            "load_avg_1min_after": (load_after, "load"),
        }
    )
    record("ingest_csv", args.scale, metrics)


if __name__ == "__main__":
    main()
