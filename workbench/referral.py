"""Referral packages for the police (案件移送材料), one per referred case.

The 2009 referral rules (保监发〔2009〕87号) ask for a referral letter, an
investigation report, a list of items and main evidence, expert conclusions and
other materials.  The association's package holds what it can vouch for: the
case summary, the clue's evidence, the records involved — masked; the insurer
that holds the records re-identifies the people when it hands the file to the
police — the company's feedback (amounts, police case number), the panel's
verdicts, and the list of attached evidence; all in a self-checking package
(manifest + SHA256SUMS) for the disc.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook

from .config import Campaign
from .errors import WorkbenchError
from .lifecycle import STATES, LifecycleStore
from .package import build_package
from .report import VERDICT_ZH
from .taxonomy import FRAUD_KINDS, LINES
from .xlsx import append_rows, cell


def referral_package(con: duckdb.DuckDBPyConnection, store: LifecycleStore, campaign: Campaign, clue_id: str,
                     out_dir: Path, *, operator: str | None = None, receiving_authority: str = "公安机关经侦部门",
                     suspected_offence: str = "保险诈骗罪") -> Path:
    """Write the referral package of one clue or ring; return the package folder."""
    clue = con.execute("SELECT * FROM clues WHERE clue_id = ?", [clue_id]).df()
    if clue.empty:
        raise WorkbenchError(f"线索 {clue_id} 不存在 / no clue {clue_id}")
    c = clue.iloc[0]
    state = store.state_of(clue_id)
    if state not in ("referred", "case_filed"):
        raise WorkbenchError(f"线索 {clue_id} 当前状态为“{STATES.get(state, '未下发')}”，尚未决定移送 / "
                             f"{clue_id} is not referred (state {state})")
    records = con.execute("""
        SELECT r.company_code, r.record_kind, r.record_no, r.role, d.person_mask, d.object_desc, d.key_date_zh,
               d.key_date, d.amount_zh, d.amount
        FROM clue_records r LEFT JOIN v_record_detail d USING (company_code, record_kind, record_no)
        WHERE r.clue_id = ? ORDER BY r.company_code, r.record_kind, r.record_no""", [clue_id]).df()
    entities = con.execute("SELECT entity_type, mask, role, record_count FROM clue_entities WHERE clue_id = ? "
                           "ORDER BY entity_type, mask", [clue_id]).df()
    links = con.execute("SELECT entity_type, mask, claim_count, company_count FROM ring_links WHERE clue_id = ?",
                        [clue_id]).df()
    fb = pd.read_sql_query("SELECT company_code, conclusion, amount_involved, amount_recovered, referred_to_police, "
                           "referral_date, police_case_no, remarks, source_file, imported_at FROM feedback "
                           "WHERE clue_id = ? AND superseded_by IS NULL", store.connection, params=[clue_id])
    verdicts = store.verdicts()
    verdicts = verdicts[verdicts.subject == clue_id]
    history = store.history(clue_id)
    now = dt.datetime.now()
    operator = operator or campaign.operator or "未配置"

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("案件移送表")
    kind = FRAUD_KINDS.get(c.fraud_kind)
    amount = fb["amount_involved"].sum() if len(fb) and fb["amount_involved"].notna().any() else c.amount
    summary = [
        ("移送单位", campaign.association), ("接收机关", receiving_authority), ("涉嫌罪名", suspected_offence),
        ("线索编号", clue_id), ("险种", LINES.get(c.line, c.line)), ("欺诈类型", kind.zh if kind else c.fraud_kind),
        ("发现方式", f"规则 {c.rule_id}：{c.title_zh or ''}"), ("涉及公司", c.companies),
        ("涉案金额(元)", float(amount) if amount == amount else None), ("证据摘要", c.evidence_zh),
        ("公安立案编号", ";".join(sorted({x for x in fb.get("police_case_no", []) if isinstance(x, str) and x}))),
        ("当前状态", STATES.get(state, state)), ("经办人", operator), ("生成时间", now.strftime("%Y-%m-%d %H:%M")),
        ("说明", "人员信息已脱敏。请涉案公司凭保单号、赔案号在本公司系统调取原始身份信息和证据原件后随本表移送。"),
    ]
    ws.append([cell(ws, f"{campaign.name} 案件移送表 / case referral form", bold=True)])
    for k, v in summary:
        ws.append([cell(ws, k, bold=True), cell(ws, v)])
    ws2 = wb.create_sheet("涉案记录")
    append_rows(ws2, ["公司", "记录类型", "记录编号", "角色", "人员(已脱敏)", "标的/说明", "日期类型", "日期", "金额类型", "金额(元)"],
                records.itertuples(index=False))
    ws3 = wb.create_sheet("涉案对象")
    append_rows(ws3, ["对象类型", "脱敏信息", "角色", "涉及记录数"], entities.itertuples(index=False))
    if len(links):
        ws4 = wb.create_sheet("团伙关联")
        append_rows(ws4, ["关联对象类型", "脱敏信息", "关联赔案数", "涉及公司数"], links.itertuples(index=False))
    ws5 = wb.create_sheet("公司核查反馈")
    append_rows(ws5, ["公司", "核查结论", "涉案金额(元)", "拒赔或追回金额(元)", "是否移送公安", "移送日期", "公安立案编号",
                      "备注", "来源文件", "导入时间"], fb.itertuples(index=False))
    ws6 = wb.create_sheet("研判意见")
    append_rows(ws6, ["研判结论", "理由", "出席专家", "会议", "记录人", "时间"],
                [[VERDICT_ZH.get(v.verdict, v.verdict), v.reason, "、".join(json.loads(v.panel)), v.session,
                  v.recorded_by, v.at] for v in verdicts.itertuples()])
    ws7 = wb.create_sheet("证据目录")
    evidence = [["1", "线索证据摘要及触发规则", f"规则 {c.rule_id} v{c.rule_version}", "本表“案件移送表”"],
                ["2", "涉案保单、赔案、票据清单", f"{len(records)} 条", "本表“涉案记录”"]]
    n = 3
    for f in fb.itertuples():
        evidence.append([str(n), f"{f.company_code} 核查反馈及证据材料", f.remarks or "", f.source_file or ""])
        n += 1
    for v in verdicts.itertuples():
        evidence.append([str(n), "专家研判意见", VERDICT_ZH.get(v.verdict, v.verdict), f"{v.at[:10]}"])
        n += 1
    evidence.append([str(n), "调查报告、鉴定结论及原始证据", "由涉案公司随附", "原件"])
    append_rows(ws7, ["序号", "材料名称", "说明", "出处"], evidence)
    ws8 = wb.create_sheet("流转记录")
    append_rows(ws8, ["状态", "经办", "理由", "时间"],
                [[STATES.get(h.state, h.state), h.actor, h.reason, h.at] for h in history.itertuples()])

    out_dir = Path(out_dir)
    staging = out_dir / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    form = staging / f"案件移送表_{clue_id}.xlsx"
    wb.save(form)
    folder = build_package([form], out_dir, f"移送_{clue_id}", campaign_name=campaign.name, company=None,
                           operator=operator, purpose="case referral 案件移送",
                           extra={"clue_id": clue_id, "companies": c.companies, "receiving_authority": receiving_authority})
    form.unlink()
    from .audit import record  # audit trail (审计日志): the package written, on which data

    record(store, "refer", campaign=campaign, operator=operator, con=con, subject=clue_id, outputs=[folder, folder.parent / f"{folder.name}.zip"],
           summary=f"案件移送材料 {clue_id}：涉案记录 {len(records)} 条，涉及公司 {c.companies}",
           details={"receiving_authority": receiving_authority, "records": len(records)})
    return folder


