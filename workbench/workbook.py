"""The per-company clue workbook (线索工作簿): what one insurer receives and fills in.

A workbook holds ONE company's records only.  What the cross-company view adds
about other insurers is given as aggregates ("另有3家公司5条记录，涉及金额12.4万元"),
never their records, company codes or identifiers.  The feedback columns use
the headers of the contract kind ``clue_feedback`` so the feedback import
reads them back with the same machinery as any submission; dropdowns keep the
conclusion and referral values to what the import accepts.  Formula-like text
is written as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .audit import operator_label
from .config import Campaign
from .contract import CLUE_FEEDBACK, KINDS
from .taxonomy import FRAUD_KINDS, LINES
from .xlsx import FORMULA_START

CLUE_SHEET = "线索清单"
DETAIL_SHEET = "证据明细"
COVER_SHEET = "封面"
LISTS_SHEET = "_选项"
TIER_ZH = {"A": "一级(高)", "B": "二级(中)", "C": "三级(低)"}
FEEDBACK_FIELDS = [f for f in CLUE_FEEDBACK.fields if f.name not in ("clue_id", "company_code")]
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
FEEDBACK_FILL = PatternFill("solid", fgColor="FFF2CC")

#: Columns of the clue list before the feedback columns: (header, dataframe column).
CLUE_COLUMNS = [
    ("线索编号", "clue_id"), ("公司代码", "company_code"), ("风险等级", "tier_zh"), ("评分", "score"),
    ("险种", "line_zh"), ("欺诈类型", "fraud_kind_zh"), ("规则", "rule_title"), ("规则编号", "rule_id"),
    ("证据", "evidence_zh"), ("本公司保单号", "own_policies"), ("本公司赔案号", "own_claims"),
    ("本公司其他记录", "own_other"), ("本公司涉及人员(已脱敏)", "own_persons"), ("本公司涉及金额(元)", "own_amount"),
    ("跨公司情况(汇总)", "cross_company"), ("白名单说明", "whitelist_reason"), ("首次发现", "first_seen"),
]


@dataclass
class WorkbookResult:
    company: str
    path: Path
    clues: int
    records: int


def _set(ws, row: int, col: int, value):
    if isinstance(value, float) and value != value:
        value = None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    c = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        c.data_type = "s"  # never evaluated by Excel
    return c


def _wan(amount: float | None) -> str:
    if amount is None or amount != amount:
        return "0元"
    return f"{amount / 10000:.1f}万元" if amount >= 10000 else f"{amount:.0f}元"


def company_clues(con: duckdb.DuckDBPyConnection, company: str, clue_ids: list[str] | None = None,
                  min_tier: str = "C") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The company's current clues (one row each) and its own records behind them (one row each)."""
    tiers = [t for t in ("A", "B", "C") if t <= min_tier]
    params: dict = {"company": company, "tiers": tiers}
    where = "c.current AND c.tier IN (SELECT unnest($tiers::VARCHAR[]))"
    if clue_ids is not None:
        where += " AND c.clue_id IN (SELECT unnest($ids::VARCHAR[]))"
        params["ids"] = list(clue_ids)
    clues = con.execute(f"""
        WITH mine AS (SELECT DISTINCT clue_id FROM clue_records WHERE company_code = $company),
        own AS (
            SELECT r.clue_id,
                   string_agg(DISTINCT r.record_no, ';' ORDER BY r.record_no) FILTER (WHERE r.record_kind LIKE '%policy') AS own_policies,
                   string_agg(DISTINCT r.record_no, ';' ORDER BY r.record_no) FILTER (WHERE r.record_kind LIKE '%claim%') AS own_claims,
                   string_agg(DISTINCT r.record_no, ';' ORDER BY r.record_no) FILTER (WHERE r.record_kind NOT LIKE '%policy' AND r.record_kind NOT LIKE '%claim%') AS own_other,
                   -- money in 分, summed in one order: the same figure whatever order the engine
                   -- wrote the clue's records in (DuckDB and Spark runs give the same workbook)
                   round(sum(r.amount ORDER BY r.amount), 2) AS own_amount, count(*) AS own_records
            FROM clue_records r WHERE r.company_code = $company AND r.clue_id IN (SELECT clue_id FROM mine) GROUP BY r.clue_id),
        others AS (
            SELECT r.clue_id, count(DISTINCT r.company_code) AS other_companies, count(*) AS other_records,
                   round(sum(r.amount ORDER BY r.amount), 2) AS other_amount
            FROM clue_records r WHERE r.company_code <> $company AND r.clue_id IN (SELECT clue_id FROM mine)
            GROUP BY r.clue_id),
        persons AS (
            SELECT r.clue_id, string_agg(DISTINCT d.person_mask, '；' ORDER BY d.person_mask) AS own_persons
            FROM clue_records r JOIN v_record_detail d
              ON d.company_code = r.company_code AND d.record_kind = r.record_kind AND d.record_no = r.record_no
            WHERE r.company_code = $company AND r.clue_id IN (SELECT clue_id FROM mine) AND d.person_mask IS NOT NULL
            GROUP BY r.clue_id)
        SELECT c.clue_id, $company AS company_code, c.tier, c.score, c.line, c.fraud_kind, c.rule_id,
               c.title_zh AS rule_title, c.evidence_zh, own.own_policies, own.own_claims, own.own_other,
               own.own_amount, own.own_records, p.own_persons, coalesce(o.other_companies, 0) AS other_companies,
               coalesce(o.other_records, 0) AS other_records, o.other_amount, c.whitelist_reason,
               CAST(c.first_seen_at AS DATE) AS first_seen, c.amount
        FROM clues c JOIN own USING (clue_id) LEFT JOIN others o USING (clue_id) LEFT JOIN persons p USING (clue_id)
        WHERE {where}
        ORDER BY c.tier, c.score DESC, c.clue_id
    """, params).df()
    clues["tier_zh"] = clues["tier"].map(TIER_ZH)
    clues["line_zh"] = clues["line"].map(lambda x: LINES.get(x, x).split(" ")[0])
    clues["fraud_kind_zh"] = clues["fraud_kind"].map(lambda k: FRAUD_KINDS[k].zh if k in FRAUD_KINDS else k)
    clues["cross_company"] = [
        f"另有{int(n)}家公司{int(r)}条记录，涉及金额{_wan(a)}" if n else "仅涉及本公司"
        for n, r, a in zip(clues["other_companies"], clues["other_records"], clues["other_amount"], strict=True)
    ]
    details = con.execute("""
        SELECT r.clue_id, r.record_kind, r.record_no, r.role, d.line_zh, d.person_mask, d.object_desc,
               d.key_date_zh, d.key_date, d.amount_zh, round(d.amount, 2) AS amount
        FROM clue_records r LEFT JOIN v_record_detail d
          ON d.company_code = r.company_code AND d.record_kind = r.record_kind AND d.record_no = r.record_no
        WHERE r.company_code = $company AND r.clue_id IN (SELECT unnest($ids::VARCHAR[]))
        -- every column: one order whatever order the records were written in
        ORDER BY r.clue_id, r.record_kind, r.record_no, r.role NULLS FIRST, d.line_zh NULLS FIRST,
                 d.person_mask NULLS FIRST, d.object_desc NULLS FIRST, d.key_date_zh NULLS FIRST,
                 d.key_date NULLS FIRST, d.amount_zh NULLS FIRST, d.amount NULLS FIRST
    """, {"company": company, "ids": list(clues["clue_id"])}).df()
    details["record_kind_zh"] = details["record_kind"].map(lambda k: KINDS[k].zh if k in KINDS else k)
    return clues, details


def _header(ws, row: int, headers: list[str], feedback_from: int | None = None) -> None:
    for i, h in enumerate(headers, start=1):
        c = ws.cell(row=row, column=i, value=h)
        c.font = Font(bold=True)
        c.fill = FEEDBACK_FILL if feedback_from and i >= feedback_from else HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = min(48, max(10, len(h) * 2 + 2))


def write_company_workbook(con: duckdb.DuckDBPyConnection, campaign: Campaign, company: str, out_dir: Path, *,
                           dispatch_id: str, company_name: str | None = None, provenance: dict | None = None,
                           clue_ids: list[str] | None = None, attachments: dict[str, pd.DataFrame] | None = None,
                           issued: dt.date | None = None, title: str = "线索下发") -> WorkbookResult:
    """Write one company's clue workbook and return where it is."""
    issued = issued or dt.date.today()
    clues, details = company_clues(con, company, clue_ids)
    due = issued + dt.timedelta(days=campaign.feedback_days)
    wb = Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    lines = [
        (f"{campaign.name} · {title}", None),
        ("接收单位 company", f"{company} {company_name or ''}".strip()),
        ("下发批次 dispatch", dispatch_id),
        ("下发日期 issued", issued.isoformat()),
        ("反馈截止 return by", due.isoformat()),
        ("线索数量 clues", int(len(clues))),
        ("其中一级 tier A", int((clues["tier"] == "A").sum())),
        ("数据期间 window", f"{campaign.window_start} 至 {campaign.window_end}"),
        ("经办人 operator", operator_label(campaign)),
        ("", None),
        ("填写说明", "1. 请逐条核查“线索清单”中的线索，在黄色列填写核查结论等反馈信息，下拉选项以外的值将被退回。"),
        ("", "2. 不要修改、删除或重新录入“线索编号”列，反馈按线索编号自动匹配；也不要增删工作表。"),
        ("", "3. “跨公司情况”仅给出其他公司的汇总数，不含其他公司的记录或客户信息。"),
        ("", "4. 人员信息已脱敏；如需核实身份，请以本公司保单号、赔案号在本公司系统内查询。"),
        ("", f"5. 请于{due.isoformat()}前按光盘报送要求将本工作簿返回协会。"),
        ("", None),
        ("数据来源 provenance", None),
    ]
    for key, value in (provenance or {}).items():
        lines.append((key, value if isinstance(value, str | int | float) else str(value)))
    for r, (k, v) in enumerate(lines, start=1):
        _set(cover, r, 1, k).font = Font(bold=(r == 1 or k in ("填写说明", "数据来源 provenance")))
        if v is not None:
            _set(cover, r, 2, v)
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 100

    ws = wb.create_sheet(CLUE_SHEET)
    headers = [h for h, _ in CLUE_COLUMNS] + [f.zh for f in FEEDBACK_FIELDS]
    fb_from = len(CLUE_COLUMNS) + 1
    _header(ws, 1, headers, fb_from)
    for r, rec in enumerate(clues.itertuples(index=False), start=2):
        row = rec._asdict()
        for c, (_, col) in enumerate(CLUE_COLUMNS, start=1):
            _set(ws, r, c, row.get(col))
    last = max(2, len(clues) + 1)
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    lc = 0
    for i, f in enumerate(FEEDBACK_FIELDS, start=fb_from):
        letter = get_column_letter(i)
        if f.allowed:
            lc += 1
            ll = get_column_letter(lc)
            for j, v in enumerate(f.allowed, start=1):
                lists.cell(row=j, column=lc, value=v)
            dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${ll}$1:${ll}${len(f.allowed)}",
                                allow_blank=True, showErrorMessage=True, errorTitle="请从下拉列表选择",
                                error=f"{f.zh}：{'、'.join(f.allowed)}")
            dv.add(f"{letter}2:{letter}{last}")
            ws.add_data_validation(dv)
        elif f.type == "date":
            for r in range(2, last + 1):
                ws.cell(row=r, column=i).number_format = "yyyy-mm-dd"
        elif f.type == "code":
            for r in range(2, last + 1):
                ws.cell(row=r, column=i).number_format = "@"
    ws.freeze_panes = "B2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"

    ds = wb.create_sheet(DETAIL_SHEET)
    dheads = ["线索编号", "记录类型", "记录编号", "角色", "险种/类别", "人员(已脱敏)", "标的/说明", "日期类型", "日期",
              "金额类型", "金额(元)"]
    _header(ds, 1, dheads)
    dcols = ["clue_id", "record_kind_zh", "record_no", "role", "line_zh", "person_mask", "object_desc", "key_date_zh",
             "key_date", "amount_zh", "amount"]
    for r, rec in enumerate(details[dcols].itertuples(index=False), start=2):
        for c, v in enumerate(rec, start=1):
            cell = _set(ds, r, c, v)
            if c == 9 and v is not None:
                cell.number_format = "yyyy-mm-dd"
    ds.freeze_panes = "B2"

    for sheet_name, frame in (attachments or {}).items():
        sh = wb.create_sheet(sheet_name[:31])
        _header(sh, 1, [str(c) for c in frame.columns])
        for r, rec in enumerate(frame.itertuples(index=False), start=2):
            for c, v in enumerate(rec, start=1):
                _set(sh, r, c, v)

    wb.move_sheet(lists, offset=len(wb.sheetnames) - 1 - wb.sheetnames.index(LISTS_SHEET))
    out_dir = Path(out_dir) / company
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w\-]", "_", dispatch_id)
    path = out_dir / f"{company}_{title}_{safe}.xlsx"
    wb.save(path)
    return WorkbookResult(company, path, int(len(clues)), int(len(details)))
