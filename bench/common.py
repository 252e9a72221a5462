"""Shared helpers for the benchmarks: results file, machine description, peak memory."""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import resource
import subprocess
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS = BENCH_DIR / "results.csv"
DATA_DIR = BENCH_DIR / "data"
FIELDS = ["date", "commit", "machine", "bench", "scale", "metric", "value", "unit"]


def commit() -> str:
    """The commit measured; ``+dirty`` when tracked files other than the results differ from it."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=BENCH_DIR).stdout.strip() or "unknown"
        changed = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"],
                                 capture_output=True, text=True, cwd=BENCH_DIR).stdout.splitlines()
    except OSError:
        return "unknown"
    dirty = [line for line in changed if not line.endswith("bench/results.csv")]
    return head + ("+dirty" if dirty and head != "unknown" else "")


def scale_names() -> list[str]:
    """The synthetic province's sizes (``workbench.synth.scales``), for ``--scale`` choices."""
    from workbench.synth.scales import SCALES

    return list(SCALES)


def machine() -> str:
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{platform.machine()} {os.cpu_count()} cores {mem_gb:.0f}GiB py{platform.python_version()}"


def peak_rss_mb() -> float:
    """Peak resident memory of this process (and finished children) in MiB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def record(bench: str, scale: str, metrics: dict[str, tuple[float, str]]) -> None:
    """Append one row per metric to bench/results.csv and print a table."""
    new = not RESULTS.exists()
    now, c, m = dt.datetime.now().isoformat(timespec="seconds"), commit(), machine()
    with RESULTS.open("a", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=FIELDS)
        if new:
            w.writeheader()
        for name, (value, unit) in metrics.items():
            w.writerow({"date": now, "commit": c, "machine": m, "bench": bench, "scale": scale, "metric": name,
                        "value": round(value, 3), "unit": unit})
    width = max(len(k) for k in metrics)
    print(f"\n{bench} @ {scale} ({m}, commit {c})")
    for name, (value, unit) in metrics.items():
        print(f"  {name:<{width}}  {value:>14,.2f} {unit}")
