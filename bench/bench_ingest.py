"""Ingest throughput (入库性能): rows per second and peak memory for CSV input, tokenization included.

    .venv/bin/python bench/bench_ingest.py [--scale x10] [--seed 1]

Generates the synthetic province at the scale in parquet (fast), converts every file to UTF-8 CSV
(the format the target is set for), then ingests the CSV folder into a fresh warehouse in a child
process so its peak memory is measured alone. Generation and conversion are timed apart.
"""

from __future__ import annotations

import argparse
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
t = time.perf_counter()
rep = ingest_paths([sys.argv[1]], campaign, warehouse=Path(sys.argv[2]), tokenizer=Tokenizer(bytes(range(32))),
                   receipts_dir=Path(sys.argv[3]))
secs = time.perf_counter() - t
tot = rep.totals()
print(json.dumps({"seconds": secs, **tot, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="x10")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    from workbench.synth import generate

    base = DATA_DIR / f"ingest-{args.scale}"
    if base.exists():
        shutil.rmtree(base)
    t = time.perf_counter()
    generate(base / "parquet", seed=args.seed, scale=args.scale, fmt="parquet")
    gen = time.perf_counter() - t
    import pandas as pd

    t = time.perf_counter()
    sub = base / "parquet" / "submissions"
    for p in sub.rglob("*.parquet"):
        out = base / "csv" / p.relative_to(sub).with_suffix(".csv")
        out.parent.mkdir(parents=True, exist_ok=True)
        pd.read_parquet(p).to_csv(out, index=False, encoding="utf-8")
    conv = time.perf_counter() - t
    import json

    proc = subprocess.run([sys.executable, "-c", CHILD, str(base / "csv"), str(base / "warehouse.duckdb"),
                           str(base / "receipts")], capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    record("ingest_csv", args.scale, {
        "generation_s": (gen, "s"), "parquet_to_csv_s": (conv, "s"),
        "rows_read": (res["rows_read"], "rows"), "rows_loaded": (res["rows_loaded"], "rows"),
        "ingest_s": (res["seconds"], "s"), "rows_per_s": (res["rows_read"] / res["seconds"], "rows/s"),
        "peak_rss_mb": (res["peak_mb"], "MiB"),
        "warehouse_mb": ((base / "warehouse.duckdb").stat().st_size / 2**20, "MiB"),
    })


if __name__ == "__main__":
    main()
