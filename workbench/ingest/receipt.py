"""Per-company ingest receipts (入库回执): what was accepted, what was rejected and why.

The receipt is the file an insurer gets back to fix its data: one summary
sheet per run, every rejected row with its spreadsheet row number, column,
reason (Chinese and English) and the masked offending value, the counts
of automatic normalisations and warnings (with their row numbers), and every
warned row — loaded, but to be checked.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
from openpyxl import Workbook

from ..config import Campaign
from ..contract import KINDS
from ..xlsx import append_rows, cell
from .load import STATUSES


def write_receipts(con: duckdb.DuckDBPyConnection, results, campaign: Campaign, out_dir: Path,
                   stamp: dt.datetime | None = None) -> dict[str, Path]:
    """One receipt per company among ``results`` (files without a company go to '_association')."""
    stamp = stamp or dt.datetime.now()
    by_company: dict[str, list] = {}
    for r in results:
        by_company.setdefault(r.company or "_association", []).append(r)
    written = {}
    from ..audit import operator_label
    from ..quality import compute, write_sheets

    cards = compute(con) if any(c != "_association" for c in by_company) else {}  # data-quality scorecards
    for company, rs in sorted(by_company.items()):
        folder = out_dir / company
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"入库回执_{company}_{stamp:%Y%m%d-%H%M%S}.xlsx"
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("回执汇总")
        ws.append([cell(ws, f"{campaign.name} 数据入库回执 / ingest receipt", bold=True)])
        ws.append([cell(ws, "报送单位 company"), cell(ws, company)])
        ws.append([cell(ws, "生成时间 generated"), cell(ws, stamp.strftime("%Y-%m-%d %H:%M:%S"))])
        ws.append([cell(ws, "数据期间 window"), cell(ws, f"{campaign.window_start} 至 {campaign.window_end}")])
        ws.append([cell(ws, "经办人 operator"), cell(ws, operator_label(campaign))])
        ws.append([])
        header = ["文件 file", "数据类型 kind", "状态 status", "读取行数 read", "入库行数 loaded", "退回行数 rejected",
                  "自动规范化行数 normalised", "警告行数 warned", "编码 encoding", "说明 message",
                  "说明(English) message"]
        append_rows(ws, header, [
            [r.path.name, KINDS[r.kind].zh if r.kind in KINDS else "无法识别", STATUSES.get(r.status, r.status),
             r.rows_read, r.rows_loaded, r.rows_rejected, r.rows_normalised, r.rows_warned,
             r.encoding or r.file_format, r.message_zh, r.message_en] for r in rs])
        batches = [r.batch_id for r in rs if r.batch_id and r.status in ("loaded", "rejected")]  # rows read now
        ws2 = wb.create_sheet("退回明细")
        rows = con.execute(
            "SELECT regexp_replace(file_name, '^.*[/\\\\]', '') AS file, \"row\", header, reason_zh, reason_en, "
            "value_mask FROM rejects WHERE batch_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY file, \"row\"",
            [batches]).fetchall()
        append_rows(ws2, ["文件 file", "行号 row", "列 column", "退回原因 reason", "reason (English)",
                          "问题值(已脱敏) value (masked)"], rows)
        ws3 = wb.create_sheet("规范化与警告")
        rows = con.execute(
            "SELECT regexp_replace(m.file_name, '^.*[/\\\\]', '') AS file, n.field, n.severity, n.code, count(*) AS n, "
            "array_to_string(list_slice(list(n.\"row\" ORDER BY n.\"row\"), 1, 20), '、') "
            "|| CASE WHEN count(*) > 20 THEN '…' ELSE '' END, any_value(n.note_zh) "
            "FROM row_notes n JOIN manifest m USING (batch_id) WHERE n.batch_id IN (SELECT unnest(?::VARCHAR[])) "
            "GROUP BY ALL ORDER BY 1, 2, 3, 4", [batches]).fetchall()
        append_rows(ws3, ["文件 file", "字段 field", "类别 severity", "代码 code", "行数 rows", "行号 row numbers",
                          "说明 note"],
                    [[a, b, "警告 warning" if c == "warning" else "已规范化 normalised", d, e, g, f]
                     for a, b, c, d, e, g, f in rows])
        # every row with a warning: loaded as it was, but the clerk should check it (a card number
        # failing Luhn, an organisation as a payee name); normalisations needed no action
        ws4 = wb.create_sheet("警告明细")
        rows = con.execute(
            "SELECT regexp_replace(m.file_name, '^.*[/\\\\]', '') AS file, n.\"row\", n.field, n.note_zh, n.note_en "
            "FROM row_notes n JOIN manifest m USING (batch_id) WHERE n.batch_id IN (SELECT unnest(?::VARCHAR[])) "
            "AND n.severity = 'warning' ORDER BY 1, 2, 3", [batches]).fetchall()
        append_rows(ws4, ["文件 file", "行号 row", "字段 field", "请核对 please check", "note (English)"], rows)
        if company in cards:  # the company's data-quality scorecard and clean-up list (数据质量记分卡)
            write_sheets(wb, cards[company], campaign, compact=True)
        wb.save(path)
        written[company] = path
    return written
