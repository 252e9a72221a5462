"""Run the campaign notebooks with papermill (执行专项行动笔记本), leaving the run record.

Every run writes its executed notebook(s) and their parameters under
``outputs/runs/<timestamp>-<campaign>/``: the record of what ran, on which
warehouse, with which rule parameters.  Screening notebooks write to the
warehouse and run one at a time; ``company_workbook`` opens it read-only, so
companies can run in parallel (``jobs``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .config import Campaign
from .errors import WorkbenchError
from .warehouse import PROJECT_ROOT

log = logging.getLogger(__name__)

NOTEBOOK_DIR = PROJECT_ROOT / "parametrized"
NOTEBOOKS = {
    "top_down": "top_down_clues.ipynb",
    "cross_comparison": "cross_comparison.ipynb",
    "pre2017": "pre2017_review.ipynb",
    "known_cases": "known_cases.ipynb",
    "company_workbook": "company_workbook.ipynb",
    "summary_report": "summary_report.ipynb",
}
#: ``workbench run all``: the association's screening steps, then every company's workbook.
ALL_STEPS = ("top_down", "cross_comparison", "known_cases", "pre2017", "company_workbook")
READ_ONLY = {"company_workbook", "summary_report"}
#: Notebooks that screen, and so take the ``engine``, ``spark_master``, ``spark_parquet`` and
#: ``spark_conf`` parameters (see docs/spark.md).
SCREENING = {"top_down", "cross_comparison", "pre2017", "known_cases"}
HTML_OUTPUT = {"summary_report"}


def _to_html(notebook: Path, out_dir: Path) -> Path:
    """The executed notebook as a self-contained HTML page without code cells."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4))
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / (notebook.stem.split("-")[0] + ".html")
    path.write_text(body, encoding="utf-8")
    return path


@dataclass
class NotebookRun:
    campaign: str
    company: str | None
    output: Path
    ok: bool
    error: str = ""
    seconds: float = 0.0


def _execute(args: tuple[str, Path, Path, dict]) -> NotebookRun:
    import time

    import papermill as pm

    name, src, out, params = args
    t = time.perf_counter()
    try:
        pm.execute_notebook(str(src), str(out), parameters=params, kernel_name="python3", cwd=str(PROJECT_ROOT),
                            progress_bar=False, log_output=False)
        if name in HTML_OUTPUT:  # the report is read in a browser, not in Jupyter
            _to_html(out, Path(params["output_dir"]))
        return NotebookRun(name, params.get("company") or None, out, True, seconds=time.perf_counter() - t)
    except Exception as exc:  # papermill raises PapermillExecutionError with the cell's traceback
        msg = str(exc).strip().splitlines()
        return NotebookRun(name, params.get("company") or None, out, False, "\n".join(msg[-6:]),
                           time.perf_counter() - t)


def run_campaign(name: str, campaign: Campaign, *, warehouse: Path | None = None, company: str | None = None,
                 all_companies: bool = False, jobs: int = 1, rule_params: dict | None = None,
                 output_dir: Path | None = None, extra: dict | None = None,
                 runs_dir: Path | None = None, engine: str = "duckdb",
                 spark_master: str | None = None, spark_parquet: str | None = None,
                 spark_conf: dict | None = None) -> list[NotebookRun]:
    """Execute one campaign notebook (or ``all``); return one record per executed notebook.

    ``engine``, ``spark_master``, ``spark_parquet`` (the parquet location, ``--parquet``) and
    ``spark_conf`` (``{key: value}``) go to the notebooks that screen (:data:`SCREENING`); Spark
    options without ``engine="spark"`` are refused."""
    from .screen import engine_options

    engine_options(engine, spark_master, spark_parquet, spark_conf)  # refuses what would be ignored
    if name == "all":
        out = []
        for step in ALL_STEPS:
            out += run_campaign(step, campaign, warehouse=warehouse, all_companies=(step in READ_ONLY),
                                jobs=jobs, rule_params=rule_params, output_dir=output_dir, runs_dir=runs_dir,
                                engine=engine, spark_master=spark_master, spark_parquet=spark_parquet,
                                spark_conf=spark_conf)
            if not all(r.ok for r in out):
                break
        return out
    if name not in NOTEBOOKS:
        raise WorkbenchError(f"未知的专项行动 / unknown campaign '{name}'; one of: {', '.join(NOTEBOOKS)} or all")
    src = NOTEBOOK_DIR / NOTEBOOKS[name]
    warehouse = Path(warehouse or campaign.warehouse)
    if not warehouse.exists():
        raise WorkbenchError(f"数据仓库不存在：{warehouse}，请先运行 workbench ingest / warehouse not found: {warehouse}")
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    started = time.time()
    run_dir = (runs_dir or campaign.output_dir / "runs") / f"{stamp}-{name}"
    run_dir.mkdir(parents=True, exist_ok=True)
    default_out = campaign.output_dir / ("reports" if name == "summary_report" else "workbooks")
    base = {"config": str(campaign.source), "warehouse": str(warehouse), "rule_params": rule_params or {},
            "output_dir": str(output_dir or default_out), **(extra or {})}
    if name in SCREENING:
        base.update(engine=engine, spark_master=spark_master or "", spark_parquet=str(spark_parquet or ""),
                    spark_conf=dict(spark_conf or {}))
    elif engine != "duckdb":
        log.info("%s does not screen: engine %s not used", name, engine)
    if all_companies:
        if name not in READ_ONLY:
            raise WorkbenchError(f"{name} 会写入仓库，不能按公司并行；请去掉 --all-companies / "
                                 f"{name} writes to the warehouse and runs once, not per company")
        import duckdb

        con = duckdb.connect(str(warehouse), read_only=True)
        from .campaigns import companies

        codes = list(companies(con)["company_code"])
        con.close()
    else:
        codes = [company or ""]
    tasks = []
    for code in codes:
        params = dict(base, company=code)
        out = run_dir / (src.stem + (f"-{code}" if code else "") + ".ipynb")
        (out.with_suffix(".parameters.json")).write_text(json.dumps(params, ensure_ascii=False, indent=2),
                                                        encoding="utf-8")
        tasks.append((name, src, out, params))
    from . import audit  # audit trail (审计日志): the kernels log as the same operator

    exported = bool(campaign.operator and not audit.environ_operator())
    if exported:
        os.environ[audit.OPERATOR_ENV] = campaign.operator
    try:
        if jobs > 1 and len(tasks) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                results = list(pool.map(_execute, tasks))
        else:
            results = [_execute(t) for t in tasks]
    finally:
        if exported:
            os.environ.pop(audit.OPERATOR_ENV, None)
    audit.record_runs(results, campaign, warehouse, Path(base["output_dir"]), started)
    return results
