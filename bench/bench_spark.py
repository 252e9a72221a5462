"""DuckDB and Spark side by side (Spark 引擎性能): the same data, the same rules, ``local[2]``.

    .venv/bin/python bench/bench_spark.py [--scale demo] [--master local[2]] [--rebuild]

Builds the synthetic province at the scale once (``bench/data/spark-<scale>/``, generation and
ingest with a fixed bench key; reused on the next run unless ``--rebuild``; the warehouse of
``bench_ingest.py`` at the same scale is used when it is there), then screens two copies of the
warehouse, each in its own child process so peak memory is measured alone:

* **duckdb** — ``screen(period="campaign")`` (rules + rings) and ``screen(period="pre2017")``;
* **spark** — the parquet export (``workbench export --parquet``), the Spark session start and the
  same two screens with ``engine="spark"``, each timed apart: the session start is a fixed cost
  that a cluster pays once, the export is paid only when the warehouse changed.

The ring search runs on DuckDB in both runs (it reads the clues the rules wrote to the warehouse):
``spark:rings_s`` is that DuckDB step inside the Spark run, not Spark's. Peak memory per engine is
the Python process's (``peak_rss_mb``); for Spark its JVM's peak is added beside it
(``spark:jvm_peak_rss_mb``, ``spark:peak_rss_mb_with_jvm``).

Per-rule seconds on Spark overlap (rules are submitted three at a time), so their sum
(``rule_seconds_sum``) is larger than the time the rules took; the campaign screen is wall time.
Then the two clue tables are compared (clue ids, scores, tiers, evidence, metrics, records): the
figures are only worth recording if the two engines found the same thing. The machine is shared,
so the load average before and after is recorded beside the figures.
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

BENCH_KEY = bytes(range(32))

BUILD = r"""
import sys, time
from pathlib import Path
from workbench.config import load_campaign
from workbench.ingest import ingest_paths
from workbench.protect import Tokenizer
from workbench.synth import generate
base, scale = Path(sys.argv[1]), sys.argv[2]
t = time.perf_counter()
generate(base / "province", seed=1, scale=scale)
print(f"generated in {time.perf_counter() - t:.0f}s", flush=True)
t = time.perf_counter()
ingest_paths([base / "province" / "submissions"], load_campaign(), warehouse=base / "building.duckdb",
             tokenizer=Tokenizer(bytes(range(32))), receipts_dir=base / "receipts")
(base / "building.duckdb").rename(base / "warehouse.duckdb")
print(f"ingested in {time.perf_counter() - t:.0f}s", flush=True)
"""

CHILD = r"""
import json, resource, sys, time
from workbench.warehouse import connect
from workbench.screen import screen
path, engine, master = sys.argv[1], sys.argv[2], sys.argv[3]
con = connect(path)
out = {}
kw = {}
if engine == "spark":
    from workbench.export import export_parquet
    from workbench.spark_engine import spark_session
    t = time.perf_counter()
    export_parquet(con, sys.argv[4])
    out["export_s"] = time.perf_counter() - t
    t = time.perf_counter()
    session = spark_session(master)
    out["session_s"] = time.perf_counter() - t
    kw = dict(engine="spark", spark=session, parquet=sys.argv[4])
t = time.perf_counter()
res = screen(con, period="campaign", **kw)
out["campaign_s"] = time.perf_counter() - t
out["rings_s"] = sum(x.seconds for x in res.timings if x.rule_id == "ring")
out["rule_seconds_sum"] = sum(x.seconds for x in res.timings if x.rule_id != "ring")
t = time.perf_counter()
pre = screen(con, period="pre2017", rings=False, **kw)
out["pre2017_s"] = time.perf_counter() - t
out["clues"] = res.clue_count + pre.clue_count
out["per_rule"] = {x.rule_id: x.seconds for x in res.timings}
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def jvm_peak_mb():
    # the peak resident memory (VmHWM) of the Java processes this process started: the JVM of
    # Spark, which ru_maxrss above does not count; read while it still runs
    import os
    from pathlib import Path
    parents, peak = {}, 0
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
                parents[int(d.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), stat.split("(", 1)[1].rsplit(")", 1)[0])
            except (OSError, ValueError, IndexError):
                pass
    for pid, (ppid, comm) in parents.items():
        up = ppid
        while up > 1 and up != os.getpid():
            up = parents.get(up, (0, ""))[0]
        if up == os.getpid() and comm == "java":
            for line in (Path("/proc") / str(pid) / "status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak += int(line.split()[1]) / 1024
    return peak


out["jvm_peak_mb"] = jvm_peak_mb() if engine == "spark" else 0.0
print(json.dumps(out))
"""

#: what "the same clues" means: every column a workbook, dashboard or evaluation reads
COMPARE = {
    "clues": "clue_id, rule_id, period, fraud_kind, severity, clue_key, companies, record_count, "
    "entity_count, amount, metric1, metric2, evidence_zh, whitelisted, signals, score, tier",
    "clue_records": "clue_id, company_code, record_kind, record_no, role, amount",
    "clue_entities": "*",
    "ring_links": "*",
    "high_risk_persons": "period, category, person_token, rule_ids, clue_ids, claim_count, amount, "
    "evidence_zh",
}


def build(base: Path, scale: str) -> Path:
    src = DATA_DIR / f"ingest-{scale}" / "warehouse.duckdb"
    if src.exists():
        return src
    if not (base / "warehouse.duckdb").exists():
        shutil.rmtree(base, ignore_errors=True)
        base.mkdir(parents=True)
        subprocess.run([sys.executable, "-c", BUILD, str(base), scale], check=True)
    return base / "warehouse.duckdb"


def differences(a: Path, b: Path) -> dict[str, int]:
    """Rows present in one engine's result and not the other's, per table."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{a}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b}' AS b (READ_ONLY)")
    out = {}
    for table, cols in COMPARE.items():
        have = {r[0] for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_catalog = 'a' "
            f"AND table_name = '{table}'").fetchall()}
        if cols != "*":
            cols = ", ".join(c for c in (x.strip() for x in cols.split(",")) if c in have)
        q = (f"(SELECT {cols} FROM a.{table} EXCEPT ALL SELECT {cols} FROM b.{table}) UNION ALL "
             f"(SELECT {cols} FROM b.{table} EXCEPT ALL SELECT {cols} FROM a.{table})")
        out[table] = con.execute(f"SELECT count(*) FROM ({q})").fetchone()[0]
    return out


def child(path: Path, engine: str, master: str, parquet: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(path), engine, master, str(parquet)],
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stderr[-5000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="demo", choices=scale_names())
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--rebuild", action="store_true", help="generate and ingest the province again")
    args = ap.parse_args()
    try:
        import pyspark  # noqa: F401
    except ImportError:
        print("bench_spark skipped: PySpark is not installed (pip install '.[spark]')")
        return
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        print("bench_spark skipped: no Java (apt-get install default-jre-headless)")
        return
    base = DATA_DIR / f"spark-{args.scale}"
    if args.rebuild:
        shutil.rmtree(base, ignore_errors=True)
    t = time.perf_counter()
    src = build(base, args.scale)
    build_s = time.perf_counter() - t
    runs = {}
    load_before = os.getloadavg()[0]
    for engine in ("duckdb", "spark"):
        work = base / f"screen-{engine}.duckdb"
        shutil.copy(src, work)
        shutil.rmtree(base / "parquet", ignore_errors=True)
        runs[engine] = child(work, engine, args.master, base / "parquet")
    load_after = os.getloadavg()[0]
    diff = differences(base / "screen-duckdb.duckdb", base / "screen-spark.duckdb")
    d, s = runs["duckdb"], runs["spark"]
    metrics: dict[str, tuple[float, str]] = {}
    if build_s > 1:
        metrics["build_s"] = (build_s, "s")
    for engine, r in runs.items():
        metrics[f"{engine}:campaign_s"] = (r["campaign_s"], "s")
        metrics[f"{engine}:rule_seconds_sum"] = (r["rule_seconds_sum"], "s")
        metrics[f"{engine}:rings_s"] = (r["rings_s"], "s")
        metrics[f"{engine}:pre2017_s"] = (r["pre2017_s"], "s")
        metrics[f"{engine}:clues"] = (r["clues"], "clues")
        metrics[f"{engine}:peak_rss_mb"] = (r["peak_mb"], "MiB")  # the Python process
    metrics["spark:jvm_peak_rss_mb"] = (s["jvm_peak_mb"], "MiB")  # Spark's JVM beside it
    metrics["spark:peak_rss_mb_with_jvm"] = (s["peak_mb"] + s["jvm_peak_mb"], "MiB")
    metrics["spark:export_s"] = (s["export_s"], "s")
    metrics["spark:session_start_s"] = (s["session_s"], "s")
    metrics.update({f"differing_rows:{t}": (n, "rows") for t, n in diff.items()})
    metrics["load_avg_1min_before"] = (load_before, "load")
    metrics["load_avg_1min_after"] = (load_after, "load")
    slow = sorted(s["per_rule"].items(), key=lambda kv: -kv[1])[:5]
    metrics.update({f"spark:rule:{k}": (v, "s") for k, v in slow})
    metrics.update({f"duckdb:rule:{k}": (d["per_rule"][k], "s") for k, _ in slow})
    record(f"screen_spark_{args.master}", args.scale, metrics)
    if any(diff.values()):
        sys.exit(f"DuckDB and Spark disagree: {diff}")


if __name__ == "__main__":
    main()
