"""Screening time (筛查性能) and the scan limit (扫描极限) on a large warehouse.

    .venv/bin/python bench/bench_screen.py [--scale x10] [--no-workbooks]

Reuses the warehouse ``bench/bench_ingest.py`` built for the same scale (run that first), copies it,
and in a child process (so its peak memory is measured alone):

1. screens the copy: all campaign rules, rings and scores, then the pre-2017 rules — seconds per
   rule, the ring search apart, total;
2. writes every company's clue workbook (the library call the ``company_workbook`` notebook makes,
   without the notebook's kernel start) — seconds for all companies;
3. measures the **scan limit**: one pass over every column the rules read (a plain ``max`` per
   column, one query per table, twice, the faster counted) — and reports screening ÷ that time.

Which columns the rules read is taken from the rule files themselves: every column of a table a
rule lists in ``tables:`` whose name appears as a word in that rule's SQL.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import DATA_DIR, record, scale_names  # noqa: E402

CHILD = r"""
import json, re, resource, sys, tempfile, time
from pathlib import Path
import duckdb
from workbench.config import load_campaign
from workbench.rules import discover
from workbench.screen import screen
from workbench import campaigns

con = duckdb.connect(sys.argv[1])
do_workbooks = sys.argv[2] == "1"
policies = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ah_policy", "auto_policy", "agri_policy"))
claims = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("ah_claim", "auto_claim", "agri_claim"))
t = time.perf_counter()
res = screen(con, period="campaign")
campaign_s = time.perf_counter() - t
t = time.perf_counter()
pre = screen(con, period="pre2017", rings=False)
pre_s = time.perf_counter() - t
per_rule = {x.rule_id: x.seconds for x in res.timings}

workbook_s, workbooks = 0.0, 0
if do_workbooks:
    campaign = load_campaign()
    cos = campaigns.companies(con)
    with tempfile.TemporaryDirectory() as out:
        t = time.perf_counter()
        for code in cos["company_code"]:
            if campaigns.dispatch_company(con, campaign, code, Path(out)) is not None:
                workbooks += 1
        workbook_s = time.perf_counter() - t

# the scan limit: every column the rules read, one plain aggregate each
read = {}
for rule in discover().values():
    words = set(re.findall(r"[a-z_][a-z0-9_]*", rule.sql.lower()))
    for table in rule.tables:
        cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
        read.setdefault(table, set()).update(c for c in cols if c.lower() in words)
scan_best, ncols = None, sum(len(c) for c in read.values())
for _ in range(2):
    t = time.perf_counter()
    for table, cols in sorted(read.items()):
        if cols:
            con.execute("SELECT " + ", ".join(f'max("{c}")' for c in sorted(cols)) + f" FROM {table}").fetchall()
    s = time.perf_counter() - t
    scan_best = s if scan_best is None else min(scan_best, s)
print(json.dumps({"policies": policies, "claims": claims, "campaign_s": campaign_s, "pre2017_s": pre_s,
                  "clues": res.clue_count, "per_rule": per_rule, "workbook_s": workbook_s, "workbooks": workbooks,
                  "scan_s": scan_best, "scan_columns": ncols, "scan_tables": len(read),
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="x10", choices=scale_names(), help="the scale bench_ingest.py built")
    ap.add_argument("--no-workbooks", action="store_true", help="skip writing the company workbooks")
    args = ap.parse_args()
    src = DATA_DIR / f"ingest-{args.scale}" / "warehouse.duckdb"
    if not src.exists():
        sys.exit(f"no warehouse at {src}: run bench/bench_ingest.py --scale {args.scale} first")
    work = src.with_name("screen.duckdb")
    shutil.copy(src, work)
    # the copy's pages are written back to disk before the clock starts, so a writeback of 5 GB
    # cannot overlap the first rules (one pair of province runs: 35.9 s without, 29.5 s with —
    # within the machine's spread, so the size of the effect is not certain)
    os.sync()
    proc = subprocess.run([sys.executable, "-c", CHILD, str(work), "0" if args.no_workbooks else "1"],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    rings_s = res["per_rule"].get("ring", 0.0)
    metrics = {"policies": (res["policies"], "rows"), "claims": (res["claims"], "rows"),
               "warehouse_mb": (src.stat().st_size / 2**20, "MiB"),
               "screen_campaign_s": (res["campaign_s"], "s"), "rings_s": (rings_s, "s"),
               "rules_s": (sum(v for k, v in res["per_rule"].items() if k != "ring"), "s"),
               "screen_pre2017_s": (res["pre2017_s"], "s"),
               "clues": (res["clues"], "clues"),
               "scan_limit_s": (res["scan_s"], "s"), "scan_columns": (res["scan_columns"], "columns"),
               "screen_over_scan": (res["campaign_s"] / res["scan_s"], "x")}
    if not args.no_workbooks:
        metrics.update({"workbooks_s": (res["workbook_s"], "s"), "workbooks": (res["workbooks"], "files")})
    metrics["peak_rss_mb"] = (res["peak_mb"], "MiB")
    slow = sorted(res["per_rule"].items(), key=lambda kv: -kv[1])
    metrics.update({f"rule:{k}": (v, "s") for k, v in slow})
    record("screen", args.scale, metrics)
    work.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
