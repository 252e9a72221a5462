"""A documented simulation of what comes back after dispatch (反馈与研判模拟), for the demo.

The synthetic province knows which records are planted fraud (its ground truth),
so the demo can play the companies and the panels:

* **companies** fill in the feedback columns of the workbooks they received:
  a clue that touches a planted scenario is confirmed (确认欺诈) with
  probability 0.9, with the amount involved = the clue's amount, 30 % of it
  recovered, and referred to the police for every second one (with a police
  case number); a clue on legitimate records is excluded (排除欺诈) with
  probability 0.85, otherwise left under investigation (核查中);
* **panels** review the clues whose evidence came back: a confirmed tier-A
  clue is referred (移送), a confirmed lower-tier clue needs more evidence, an
  excluded clue is closed as not fraud.

Every decision is a deterministic function of the clue id (a hash), so the demo
is repeatable.  The filled workbooks are written to ``returned/`` and imported
with the real feedback import — the simulation exercises the whole round trip.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd

from .config import Campaign
from .feedback import import_feedback
from .lifecycle import LifecycleStore
from .workbook import CLUE_SHEET

CONFIRM_IF_PLANTED = 0.90
EXCLUDE_IF_NOISE = 0.85
RECOVERED_SHARE = 0.30
PANEL = ["行业专家甲", "行业专家乙", "外部专家丙"]


def _u(clue_id: str, salt: str) -> float:
    """A repeatable number in [0, 1) for a clue."""
    return int(hashlib.sha256(f"{salt}|{clue_id}".encode()).hexdigest()[:8], 16) / 2**32


def planted_clues(con: duckdb.DuckDBPyConnection, truth_dir: Path) -> set[str]:
    """Clue ids touching at least one record of a planted scenario."""
    records = pd.read_csv(truth_dir / "records.csv", dtype=str, encoding="utf-8-sig")[["company_code", "record_no"]]
    con.register("truth_records", records)
    try:
        ids = con.execute("SELECT DISTINCT r.clue_id FROM clue_records r JOIN truth_records t "
                          "ON t.company_code = r.company_code AND t.record_no = r.record_no").fetchall()
    finally:
        con.unregister("truth_records")
    return {i for (i,) in ids}


def fill_workbooks(con, store: LifecycleStore, truth_dir: Path, out_dir: Path) -> list[Path]:
    """Play each company: fill the feedback columns of its latest workbook, save it under ``out_dir``."""
    planted = planted_clues(con, truth_dir)
    amounts = dict(con.execute("SELECT clue_id, amount FROM clues").fetchall())
    dispatched = store.dispatches()
    latest = dispatched.sort_values("at").groupby("company_code").tail(1)
    written = []
    for row in latest.itertuples():
        wb = openpyxl.load_workbook(row.workbook)
        ws = wb[CLUE_SHEET]
        header = [c.value for c in ws[1]]
        col = {h: i + 1 for i, h in enumerate(header)}
        for r in range(2, ws.max_row + 1):
            cid = ws.cell(row=r, column=col["线索编号"]).value
            if not cid:
                continue
            if cid in planted and _u(cid, "confirm") < CONFIRM_IF_PLANTED:
                amount = round(float(amounts.get(cid) or 0), 2)
                ws.cell(row=r, column=col["核查结论"], value="确认欺诈")
                ws.cell(row=r, column=col["涉案金额(元)"], value=amount)
                ws.cell(row=r, column=col["拒赔或追回金额(元)"], value=round(amount * RECOVERED_SHARE, 2))
                refer = _u(cid, "refer") < 0.5
                ws.cell(row=r, column=col["是否移送公安"], value="是" if refer else "否")
                if refer:
                    ws.cell(row=r, column=col["公安立案编号"], value=f"JL{int(_u(cid, 'case') * 1e6):06d}")
                ws.cell(row=r, column=col["核查人工号"], value=f"{row.company_code}-INV01")
                ws.cell(row=r, column=col["备注"], value="模拟反馈：已调取病历、票据和询问笔录")
            elif cid not in planted and _u(cid, "exclude") < EXCLUDE_IF_NOISE:
                ws.cell(row=r, column=col["核查结论"], value="排除欺诈")
                ws.cell(row=r, column=col["核查人工号"], value=f"{row.company_code}-INV02")
                ws.cell(row=r, column=col["备注"], value="模拟反馈：经核实为正常业务")
            else:
                ws.cell(row=r, column=col["核查结论"], value="核查中")
        out = out_dir / row.company_code / f"反馈_{Path(row.workbook).name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        wb.save(out)
        written.append(out)
    return written


def panel_review(con, store: LifecycleStore, session: str = "模拟研判会") -> int:
    """Play the panels over every clue whose evidence came back; return verdicts recorded."""
    fb = pd.read_sql_query("SELECT clue_id, conclusion FROM feedback WHERE superseded_by IS NULL", store.connection)
    states = store.current_states().set_index("subject")["state"].to_dict()
    tiers = dict(con.execute("SELECT clue_id, tier FROM clues").fetchall())
    n = 0
    for clue_id, grp in fb.groupby("clue_id"):
        if states.get(clue_id) not in ("evidence_returned", "investigating", "more_evidence"):
            continue
        if (grp.conclusion == "确认欺诈").any():
            verdict, reason = (("refer", "公司核查确认，证据链完整，达到移送标准") if tiers.get(clue_id) == "A"
                               else ("more_evidence", "公司确认但证据不足，请补充调查报告和鉴定结论"))
        elif (grp.conclusion == "排除欺诈").all():
            verdict, reason = "not_fraud", "公司核查排除，研判同意"
        else:
            continue
        store.record_verdict(clue_id, verdict, reason, PANEL, "协会秘书处", session=session)
        n += 1
    return n


def simulate_round(con, store: LifecycleStore, campaign: Campaign, truth_dir: Path, out_dir: Path) -> dict:
    """Fill, return and import every company's workbook, then hold a panel session."""
    files = fill_workbooks(con, store, truth_dir, out_dir)
    recorded = rejected = 0
    for path in files:
        r = import_feedback(path, con, store, campaign, actor="模拟")
        recorded += r.recorded
        rejected += len(r.errors)
    verdicts = panel_review(con, store)
    return {"workbooks": len(files), "feedback_rows": recorded, "feedback_rejected": rejected, "verdicts": verdicts}
