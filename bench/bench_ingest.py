"""Ingest throughput (入库性能): rows per second and peak memory for CSV input, tokenization included.

    .venv/bin/python bench/bench_ingest.py [--scale x10] [--seed 1] [--reuse] [--jobs N] [--input csv|parquet]

Generates the synthetic province at the scale in parquet (fast), converts every file to UTF-8 CSV
(the format the ingest target is set for), then ingests the CSV folder into a fresh warehouse in a
child process so its peak memory is measured alone. Generation and conversion are timed apart.
``--input parquet`` ingests the generated parquet files instead (no conversion; the faster input at
province scale, which issue 9 allows). ``--reuse`` keeps the files of an earlier run (generation
takes minutes at x10, half an hour at province) and only ingests again. The machine is shared, so the load average before and after the ingest is printed
and recorded beside the figures: a measurement taken under contention is pessimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA_DIR, record, scale_names  # noqa: E402

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
# own peak from VmHWM (ru_maxrss survives fork+exec and would report the parent's size), workers' from rusage
hwm = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
peak = max(hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
print(json.dumps({"seconds": secs, **tot, "peak_mb": peak / 1024}))
"""


GENERATE = r"""
import json, sys
from pathlib import Path
from workbench.synth import generate
generate(Path(sys.argv[1]), seed=int(sys.argv[2]), scale=sys.argv[3], fmt="parquet")
hwm = next(int(l.split()[1]) for l in Path("/proc/self/status").read_text().splitlines() if l.startswith("VmHWM:"))
print(json.dumps({"peak_mb": hwm / 1024}))
"""


def _to_csv(sub: Path, csv_dir: Path) -> float:
    """Convert the generated parquet submissions to UTF-8 CSV (the attachment forms, 附表5–7, stay
    the xlsx files insurers fill in); return the seconds it took."""
    import pandas as pd

    t = time.perf_counter()
    for p in sub.rglob("*"):
        if not p.is_file():
            continue
        out = csv_dir / p.relative_to(sub)
        out.parent.mkdir(parents=True, exist_ok=True)
        if p.suffix == ".parquet":
            pd.read_parquet(p).to_csv(out.with_suffix(".csv"), index=False, encoding="utf-8")
        else:
            shutil.copy2(p, out)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--scale", default="x10", choices=scale_names(),
                    help="the synthetic province's size (default x10)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--reuse", action="store_true",
        help="ingest the files of an earlier run at this scale again (the CSV, or the parquet with "
             "--input parquet; CSV is converted from a kept parquet): no generation",
    )
    ap.add_argument(
        "--jobs", type=int, default=None, help="worker processes (default: the CPU count)"
    )
    ap.add_argument("--input", choices=("csv", "parquet"), default="csv",
                    help="ingest CSV (converted from the generated parquet) or the parquet itself")
    args = ap.parse_args()

    base = DATA_DIR / f"ingest-{args.scale}"
    csv_dir = base / "csv"
    in_dir = csv_dir if args.input == "csv" else base / "parquet" / "submissions"
    metrics: dict[str, tuple[float, str]] = {}
    sub = base / "parquet" / "submissions"
    if args.reuse and in_dir.is_dir():
        print(f"reusing {in_dir}")
    elif args.reuse and args.input == "csv" and sub.is_dir():
        print(f"reusing {sub}, converting it to CSV")
        shutil.rmtree(csv_dir, ignore_errors=True)
        metrics["parquet_to_csv_s"] = (_to_csv(sub, csv_dir), "s")
    else:
        if args.reuse:
            print(f"nothing to reuse under {base}: generating the {args.scale} province")
        if base.exists():
            shutil.rmtree(base)
        # in a child too, so the generator's memory is not held while the ingest runs
        t = time.perf_counter()
        gen = subprocess.run([sys.executable, "-c", GENERATE, str(base / "parquet"), str(args.seed), args.scale],
                             capture_output=True, text=True)
        if gen.returncode:
            sys.exit(f"generation failed:\n{gen.stderr[-3000:]}")
        metrics["generation_s"] = (time.perf_counter() - t, "s")
        metrics["generation_peak_mb"] = (json.loads(gen.stdout.strip().splitlines()[-1])["peak_mb"], "MiB")
        if args.input == "csv":
            metrics["parquet_to_csv_s"] = (_to_csv(sub, csv_dir), "s")
    for stale in (base / "warehouse.duckdb", base / "warehouse.duckdb.wal"):
        stale.unlink(missing_ok=True)
    shutil.rmtree(base / "receipts", ignore_errors=True)
    load_before = os.getloadavg()[0]
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            CHILD,
            str(in_dir),
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
    record(f"ingest_{args.input}", args.scale, metrics)


if __name__ == "__main__":
    main()
