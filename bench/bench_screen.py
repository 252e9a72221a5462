"""Screening time (筛查性能): seconds per rule, total, rings, peak memory, on a large warehouse.

    .venv/bin/python bench/bench_screen.py [--scale x10]

Reuses the warehouse ``bench/bench_ingest.py`` built for the same scale (run that first), copies it,
and screens the copy in a child process so its peak memory is measured alone.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA_DIR, record  # noqa: E402

CHILD = r"""
import json, resource, sys, time
import duckdb
from workbench.screen import screen
con = duckdb.connect(sys.argv[1])
policies = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ah_policy", "auto_policy", "agri_policy"))
claims = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ah_claim", "auto_claim", "agri_claim"))
t = time.perf_counter()
res = screen(con, period="campaign")
campaign_s = time.perf_counter() - t
t = time.perf_counter()
pre = screen(con, period="pre2017", rings=False)
pre_s = time.perf_counter() - t
per_rule = {x.rule_id: x.seconds for x in res.timings}
print(json.dumps({"policies": policies, "claims": claims, "campaign_s": campaign_s, "pre2017_s": pre_s,
                  "clues": res.clue_count, "per_rule": per_rule,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="x10")
    args = ap.parse_args()
    src = DATA_DIR / f"ingest-{args.scale}" / "warehouse.duckdb"
    if not src.exists():
        sys.exit(f"no warehouse at {src}: run bench/bench_ingest.py --scale {args.scale} first")
    work = src.with_name("screen.duckdb")
    shutil.copy(src, work)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(work)], capture_output=True, text=True, check=True)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    metrics = {"policies": (res["policies"], "rows"), "claims": (res["claims"], "rows"),
               "screen_campaign_s": (res["campaign_s"], "s"), "screen_pre2017_s": (res["pre2017_s"], "s"),
               "clues": (res["clues"], "clues"), "peak_rss_mb": (res["peak_mb"], "MiB")}
    slow = sorted(res["per_rule"].items(), key=lambda kv: -kv[1])
    metrics.update({f"rule:{k}": (v, "s") for k, v in slow})
    record("screen", args.scale, metrics)


if __name__ == "__main__":
    main()
