"""The peer baseline (同行基线): five cross-company rules in pandas against the workbench.

    .venv/bin/python bench/bench_baseline.py [--scale x10] [--memory-limit-gb 20]

On the warehouse ``bench/bench_ingest.py`` built for the scale: the tables the five rules read are
exported to parquet (what an analyst receives; timed apart), then for each rule two child
processes run alone, one after the other, so each one's time and peak memory are its own:

- **pandas**: reads the columns the rule needs from parquet and runs the analyst's version of the
  rule (:mod:`pandas_baseline`);
- **workbench**: opens the warehouse read-only and runs the rule file through the rule engine.

Before each pair, the warehouse and the rule's parquet files are read once (page cache), so
neither side pays for disk reads. Both write their clue records (clue key, company, record kind,
record number); the parent checks that they are the same set. A child whose resident memory
passes ``--memory-limit-gb`` is stopped and recorded as out of memory (the machine has 24 GiB;
the limit keeps the rest of it usable): that rule then has no speed-up and no clue comparison, and
the totals no speed-up.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA_DIR, record, scale_names  # noqa: E402

BENCH = Path(__file__).resolve().parent

CHILD_PANDAS = r"""
import json, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[4])
import pandas_baseline as pb
t = time.perf_counter()
tables = pb.load(Path(sys.argv[1]), sys.argv[2])
read_s = time.perf_counter() - t
recs = pb.RULES[sys.argv[2]](tables)
secs = time.perf_counter() - t
recs.to_parquet(sys.argv[3])
print(json.dumps({"seconds": secs, "read_s": read_s, "records": len(recs),
                  "peak_mb": pb.peak_mb()}))
"""

CHILD_WORKBENCH = r"""
import json, sys, time
sys.path.insert(0, sys.argv[4])
import duckdb
import pandas_baseline as pb
import workbench.engine, workbench.rules  # imported before the clock starts, like pandas above
t = time.perf_counter()
con = duckdb.connect(sys.argv[1], read_only=True)
recs = pb.engine_records(con, sys.argv[2])
secs = time.perf_counter() - t
recs.to_parquet(sys.argv[3])
print(json.dumps({"seconds": secs, "records": len(recs),
                  "peak_mb": pb.peak_mb()}))
"""


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_child(code: str, args: list[str], limit_mb: float) -> dict:
    """Run one child; stop it when its memory passes the limit (recorded as out of memory)."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    peak = 0.0
    started = time.perf_counter()
    while proc.poll() is None:
        peak = max(peak, _rss_mb(proc.pid))
        if peak > limit_mb:
            proc.kill()
            proc.wait()
            return {"oom": True, "seconds": time.perf_counter() - started, "peak_mb": peak}
        time.sleep(0.2)
    out, err = proc.communicate()
    if proc.returncode:
        if proc.returncode < 0 or "MemoryError" in err:
            return {"oom": True, "seconds": time.perf_counter() - started, "peak_mb": peak, "error": err[-500:]}
        sys.exit(f"child failed:\n{err}")
    return json.loads(out.strip().splitlines()[-1])


def prewarm(paths: list[Path]) -> None:
    """Read the files once, so both sides find their input in the page cache and neither pays for
    disk reads the other was spared (the ingest before a run pushes gigabytes through the cache)."""
    for path in paths:
        with open(path, "rb") as f:
            while f.read(8 << 20):
                pass


def _why_not_reusable(pq: Path, wh: Path, tables: set[str]) -> str | None:
    """Why an earlier export cannot be reused (missing tables, older than the warehouse), or None."""
    missing = sorted(t for t in tables if not (pq / f"{t}.parquet").exists())
    if missing:
        return f"the export lacks {', '.join(missing)}"
    if min((pq / f"{t}.parquet").stat().st_mtime for t in tables) < wh.stat().st_mtime:
        return "the warehouse is newer than the export"
    return None


def main() -> None:
    import pandas_baseline as pb

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="x10", choices=scale_names(), help="the scale bench_ingest.py built")
    ap.add_argument("--memory-limit-gb", type=float, default=20.0,
                    help="stop a side whose resident memory passes this; recorded as out of memory")
    ap.add_argument("--rules", nargs="*", choices=list(pb.RULES), metavar="RULE",
                    help=f"only these of the five rules ({', '.join(pb.RULES)})")
    ap.add_argument("--reuse-export", action="store_true",
                    help="keep the parquet export of an earlier run when it is complete and newer than the "
                         "warehouse (otherwise export again)")
    args = ap.parse_args()
    import duckdb
    import pandas as pd

    base = DATA_DIR / f"ingest-{args.scale}"
    wh = base / "warehouse.duckdb"
    if not wh.exists():
        sys.exit(f"no warehouse at {wh}: run bench/bench_ingest.py --scale {args.scale} first")
    pq = base / "baseline-parquet"
    rule_ids = args.rules or list(pb.RULES)
    metrics: dict[str, tuple[float, str]] = {}
    reuse = False
    if args.reuse_export:
        why_not = _why_not_reusable(pq, wh, {t for r in rule_ids for t in pb.COLUMNS[r]})
        reuse = why_not is None
        if not reuse:
            print(f"exporting again: {why_not}")
    if not reuse:
        t = time.perf_counter()
        with duckdb.connect(str(wh), read_only=True) as con:
            pb.export_parquet(con, pq)
        metrics["export_parquet_s"] = (time.perf_counter() - t, "s")
    limit_mb = args.memory_limit_gb * 1024
    total_pd = total_wb = 0.0
    peak_pd = peak_wb = 0.0
    all_same, oom_pd, oom_wb = True, False, False
    for rule_id in rule_ids:
        out_pd, out_wb = base / f"baseline-{rule_id}-pandas.parquet", base / f"baseline-{rule_id}-wb.parquet"
        prewarm([wh, *(pq / f"{table}.parquet" for table in pb.COLUMNS[rule_id])])
        r_pd = run_child(CHILD_PANDAS, [str(pq), rule_id, str(out_pd), str(BENCH)], limit_mb)
        r_wb = run_child(CHILD_WORKBENCH, [str(wh), rule_id, str(out_wb), str(BENCH)], limit_mb)
        oom_pd, oom_wb = oom_pd or bool(r_pd.get("oom")), oom_wb or bool(r_wb.get("oom"))
        total_pd += r_pd["seconds"]
        total_wb += r_wb["seconds"]
        peak_pd, peak_wb = max(peak_pd, r_pd["peak_mb"]), max(peak_wb, r_wb["peak_mb"])
        # a side stopped for memory has no time to compare and no clues: its seconds are when it
        # was stopped, recorded beside the out-of-memory mark
        metrics.update({
            f"{rule_id}:pandas_s": (r_pd["seconds"], "s"),
            f"{rule_id}:pandas_peak_mb": (r_pd["peak_mb"], "MiB"),
            f"{rule_id}:pandas_out_of_memory": (1.0 if r_pd.get("oom") else 0.0, "bool"),
            f"{rule_id}:workbench_s": (r_wb["seconds"], "s"),
            f"{rule_id}:workbench_peak_mb": (r_wb["peak_mb"], "MiB"),
            f"{rule_id}:workbench_out_of_memory": (1.0 if r_wb.get("oom") else 0.0, "bool"),
        })
        stopped = [side for side, r in (("pandas", r_pd), ("workbench", r_wb)) if r.get("oom")]
        if stopped:
            all_same = False
            print(f"  {rule_id}: {' and '.join(stopped)} stopped at {args.memory_limit_gb:g} GiB (out of memory)")
            continue
        same, only_pd, only_wb = pb.same_records(pd.read_parquet(out_pd), pd.read_parquet(out_wb))
        all_same &= same
        metrics.update({
            f"{rule_id}:speedup": (r_pd["seconds"] / r_wb["seconds"], "x"),
            f"{rule_id}:records": (r_wb["records"], "rows"),
            f"{rule_id}:same_clues": (1.0 if same else 0.0, "bool"),
        })
        if not same:
            print(f"  {rule_id}: {only_pd} records only in pandas, {only_wb} only in the workbench")
    metrics.update({"total:pandas_s": (total_pd, "s"), "total:workbench_s": (total_wb, "s")})
    if not (oom_pd or oom_wb):  # a ratio with a side stopped early would mean nothing
        metrics["total:speedup"] = (total_pd / total_wb, "x")
    metrics.update({
        "peak:pandas_mb": (peak_pd, "MiB"), "peak:workbench_mb": (peak_wb, "MiB"),
        "peak:memory_ratio_workbench_over_pandas": (peak_wb / peak_pd, "x"),
        "all_same_clues": (1.0 if all_same else 0.0, "bool"),
        "pandas_out_of_memory": (1.0 if oom_pd else 0.0, "bool"),
        "workbench_out_of_memory": (1.0 if oom_wb else 0.0, "bool"),
    })
    record("baseline", args.scale, metrics)
    for p in base.glob("baseline-*-*.parquet"):
        p.unlink()


if __name__ == "__main__":
    main()
