"""The per-company clue workbook (线索工作簿): what one insurer receives and fills in.

A workbook holds ONE company's records only.  What the cross-company view adds
about other insurers is given as aggregates ("另有3家公司5条记录，涉及金额12.4万元"),
never their records, company codes or identifiers.  The feedback columns use
the headers of the contract kind ``clue_feedback`` so the feedback import
reads them back with the same machinery as any submission; dropdowns keep the
conclusion and referral values to what the import accepts.  Formula-like text
is written as text.

The workbook is written in openpyxl's streaming mode (``write_only``): each row
goes to the sheet's file as it is appended, so no sheet is held in memory as a
grid of cell objects (the writer's peak memory no longer grows with the clue
count).  It is not much faster: turning each cell into XML costs the same in
both modes and is most of the writing time.  The price is that a sheet is
written top to bottom, once: column widths and freeze panes are set before its
first row, every cell that needs a style or a forced type is a
``WriteOnlyCell``, and the empty feedback cells the companies fill in are
written as styled empty cells (text ``@`` or date format) in their row.  The
hidden ``_选项`` sheet of dropdown values is created last rather than moved
there (``move_sheet`` does not know write-only sheets).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from itertools import zip_longest
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
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
HEAD_FONT = Font(bold=True)
HEAD_ALIGN = Alignment(wrap_text=True, vertical="center")
PLAIN_FONT = Font(bold=False)
DATE_FORMAT = "yyyy-mm-dd"
TEXT_FORMAT = "@"

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


def _value(value):
    """``value`` as the cell takes it: NaN → empty, numpy scalars → Python, Timestamp → datetime."""
    if isinstance(value, float) and value != value:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    return value


def _cell(ws, value, number_format: str | None = None, font: Font | None = None):
    """What to append for ``value``: the plain value, or a ``WriteOnlyCell`` when the cell needs a
    number format, a font, or its type forced to text (formula-like text is never evaluated by Excel).
    A plain value gets the same type and date format a cell set with ``ws.cell`` would."""
    value = _value(value)
    formula_like = isinstance(value, str) and value.startswith(FORMULA_START)
    if number_format is None and font is None and not formula_like:
        return value
    c = WriteOnlyCell(ws, value=value)
    if formula_like:
        c.data_type = "s"
    if number_format is not None:
        c.number_format = number_format
    if font is not None:
        c.font = font
    return c


def _styled_empty(ws, number_format: str) -> WriteOnlyCell:
    """An empty cell carrying ``number_format``: a feedback cell the company fills in."""
    c = WriteOnlyCell(ws)
    c.number_format = number_format
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


def _header(ws, headers: list[str], feedback_from: int | None = None, freeze: str | None = None) -> None:
    """Column widths (and freeze panes), then the header row; in a write-only sheet both must be
    set before the first row is appended, so this is the first thing written to a sheet."""
    for i, h in enumerate(headers, start=1):
        ws.column_dimensions[get_column_letter(i)].width = min(48, max(10, len(h) * 2 + 2))
    if freeze:
        ws.freeze_panes = freeze
    row = []
    for i, h in enumerate(headers, start=1):
        c = WriteOnlyCell(ws, value=h)
        c.font = HEAD_FONT
        c.fill = FEEDBACK_FILL if feedback_from and i >= feedback_from else HEAD_FILL
        c.alignment = HEAD_ALIGN
        row.append(c)
    ws.append(row)


def write_company_workbook(con: duckdb.DuckDBPyConnection, campaign: Campaign, company: str, out_dir: Path, *,
                           dispatch_id: str, company_name: str | None = None, provenance: dict | None = None,
                           clue_ids: list[str] | None = None, attachments: dict[str, pd.DataFrame] | None = None,
                           issued: dt.date | None = None, title: str = "线索下发",
                           clue_data: tuple[pd.DataFrame, pd.DataFrame] | None = None) -> WorkbookResult:
    """Write one company's clue workbook and return where it is.

    ``clue_data`` is :func:`company_clues`' answer when the caller already has it (the dispatch
    selects the clues with it): at province scale its queries are half the time of a workbook."""
    issued = issued or dt.date.today()
    clues, details = clue_data if clue_data is not None else company_clues(con, company, clue_ids)
    due = issued + dt.timedelta(days=campaign.feedback_days)
    wb = Workbook(write_only=True)
    cover = wb.create_sheet(COVER_SHEET)
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
    cover.column_dimensions["A"].width = 22
    cover.column_dimensions["B"].width = 100
    for r, (k, v) in enumerate(lines, start=1):
        bold = r == 1 or k in ("填写说明", "数据来源 provenance")
        cover.append([_cell(cover, k, font=HEAD_FONT if bold else PLAIN_FONT), _cell(cover, v)])

    ws = wb.create_sheet(CLUE_SHEET)
    headers = [h for h, _ in CLUE_COLUMNS] + [f.zh for f in FEEDBACK_FIELDS]
    fb_from = len(CLUE_COLUMNS) + 1
    last = max(2, len(clues) + 1)
    # Dropdowns point at the hidden lists sheet (written last); date and code feedback columns are
    # given their format down to the last clue row, empty, so what the company types keeps it.
    fb_formats: list[str | None] = []
    lists_columns: list[tuple[str, ...]] = []
    for i, f in enumerate(FEEDBACK_FIELDS, start=fb_from):
        letter = get_column_letter(i)
        if f.allowed:
            lists_columns.append(tuple(f.allowed))
            ll = get_column_letter(len(lists_columns))
            dv = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!${ll}$1:${ll}${len(f.allowed)}",
                                allow_blank=True, showErrorMessage=True, errorTitle="请从下拉列表选择",
                                error=f"{f.zh}：{'、'.join(f.allowed)}")
            dv.add(f"{letter}2:{letter}{last}")
            ws.data_validations.append(dv)
            fb_formats.append(None)
        elif f.type == "date":
            fb_formats.append(DATE_FORMAT)
        elif f.type == "code":
            fb_formats.append(TEXT_FORMAT)
        else:
            fb_formats.append(None)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{last}"
    _header(ws, headers, fb_from, freeze="B2")
    clue_cols = [col for _, col in CLUE_COLUMNS]
    clue_frame = clues.reindex(columns=clue_cols)  # a column the frame lacks is empty, as row.get gave
    values = clue_frame.itertuples(index=False, name=None) if len(clues) else iter([[None] * len(clue_cols)])
    for rec in values:
        row = [_cell(ws, v) for v in rec]
        row += [_styled_empty(ws, fmt) if fmt else None for fmt in fb_formats]
        ws.append(row)

    ds = wb.create_sheet(DETAIL_SHEET)
    dheads = ["线索编号", "记录类型", "记录编号", "角色", "险种/类别", "人员(已脱敏)", "标的/说明", "日期类型", "日期",
              "金额类型", "金额(元)"]
    _header(ds, dheads, freeze="B2")
    dcols = ["clue_id", "record_kind_zh", "record_no", "role", "line_zh", "person_mask", "object_desc", "key_date_zh",
             "key_date", "amount_zh", "amount"]
    date_col = dcols.index("key_date")  # 日期: shown as a date, not a date and time
    for rec in details[dcols].itertuples(index=False, name=None):
        ds.append([_cell(ds, v, number_format=DATE_FORMAT if i == date_col and v is not None else None)
                   for i, v in enumerate(rec)])

    for sheet_name, frame in (attachments or {}).items():
        sh = wb.create_sheet(sheet_name[:31])
        _header(sh, [str(c) for c in frame.columns])
        for rec in frame.itertuples(index=False, name=None):
            sh.append([_cell(sh, v) for v in rec])

    lists = wb.create_sheet(LISTS_SHEET)  # last sheet, hidden: the dropdown values, one column per list
    lists.sheet_state = "hidden"
    for values_row in zip_longest(*lists_columns):
        lists.append(list(values_row))
    out_dir = Path(out_dir) / company
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w\-]", "_", dispatch_id)
    path = out_dir / f"{company}_{title}_{safe}.xlsx"
    wb.save(path)
    return WorkbookResult(company, path, int(len(clues)), int(len(details)))
