"""What ``make demo`` prints at the end (演示汇总): where each company's workbook is, the clue
counts per campaign step and company, feedback and verdicts, and the evaluation against the
synthetic ground truth."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pandas as pd

from .config import Campaign
from .lifecycle import LifecycleStore, default_store_path

STEP_SQL = """CASE WHEN c.period = 'pre2017' THEN '2017年及以前自查'
                   WHEN c.rule_id LIKE 'top_down%' THEN '自上而下'
                   WHEN c.rule_id LIKE 'known_case%' THEN '已掌握案件同类筛查'
                   ELSE '平台交叉比对' END"""


def natural_key(code) -> tuple:
    """Sort key of a company code by its number: C1, C2, C09, C10 (not C10 before C9)."""
    return tuple((0, int(t), "") if t.isdigit() else (1, 0, t) for t in re.findall(r"\d+|\D+", str(code)))


def clue_counts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Current clues per campaign step and company (a cross-company clue counts for each company)."""
    df = con.execute(f"""
        SELECT {STEP_SQL} AS step, r.company_code, count(DISTINCT c.clue_id) AS clues
        FROM clues c JOIN clue_records r USING (clue_id) WHERE c.current
        GROUP BY ALL""").df()
    counts = df.pivot_table(index="company_code", columns="step", values="clues", fill_value=0).astype(int)
    return counts.reindex(sorted(counts.index, key=natural_key))


def demo_summary(campaign: Campaign, warehouse: Path | None = None, truth: Path | None = None) -> str:
    warehouse = Path(warehouse or campaign.warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    lines = [f"== {campaign.name}：演示完成 / demo finished ==", ""]
    store_path = default_store_path(warehouse)
    store = LifecycleStore(store_path) if store_path.exists() else None
    if store is not None:
        d = store.dispatches()
        if len(d):
            latest = d.sort_values("at").groupby("company_code").tail(1)
            latest = latest.sort_values("company_code", key=lambda c: c.map(natural_key))
            lines.append("各公司线索工作簿 / each company's clue workbook:")
            for r in latest.itertuples():
                lines.append(f"  {r.company_code}  {r.clue_count:>5} 条线索  {r.workbook}")
            lines.append("")
    counts = clue_counts(con)
    lines += ["各专项行动、各公司线索数 / clues per campaign step and company:", counts.to_string(), ""]
    totals = con.execute(f"SELECT {STEP_SQL} AS step, count(*) AS n, count(*) FILTER (WHERE tier = 'A') AS a "
                         "FROM clues c WHERE current GROUP BY ALL ORDER BY 1").fetchall()
    lines.append("线索合计 / totals: " + "；".join(f"{s} {n} 条(一级 {a})" for s, n, a in totals))
    if store is not None:
        fb = pd.read_sql_query("SELECT conclusion, count(*) AS n FROM feedback WHERE superseded_by IS NULL GROUP BY 1",
                               store.connection)
        v = store.verdicts()
        if len(fb) or len(v):
            lines.append("反馈 feedback: " + "，".join(f"{a} {b}" for a, b in fb.itertuples(index=False))
                         + f"；研判结论 verdicts: {len(v)}")
    packages = sorted((campaign.output_dir / "packages").glob("*.zip"))
    if packages:
        lines.append(f"报送包 packages: {len(packages)} 个 in {packages[0].parent}")
    reports = sorted((campaign.output_dir / "reports").glob("总结报告*"))  # the xlsx; `workbench run` adds the HTML
    reports += sorted((campaign.output_dir / "reports").glob("summary_report*.html"))
    if reports:
        lines.append("总结报告 summary report: " + ", ".join(str(p) for p in reports))
    runs = campaign.output_dir / "runs"
    if runs.exists():
        lines.append(f"运行记录 executed notebooks: {runs}")
    truth = Path(truth or campaign.synth_dir / "ground_truth")
    if truth.exists():
        from .evaluate import evaluate

        ev = evaluate(con, truth)
        lines += ["", ev.to_text()]
        ev.write(campaign.output_dir / "evaluation")
    con.close()
    return "\n".join(lines)
