"""Blank Excel templates for each submission kind (报送模板).

A template is what an insurer's clerk fills in or exports into: the Chinese
headers of the contract in row 1, a filling-notes row (row 2, first cell begins
with :data:`NOTES_MARK` so ingest skips it), identifier and code columns
pre-formatted as text (``@``) so Excel cannot turn an 18-digit ID into
``2.20102E+17``, and dropdowns (data validation) for every enumerated field.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .contract import TYPES, Field, Kind, get_kind

NOTES_MARK = "【填写说明】"
#: Rows pre-formatted as text and covered by validation in a blank template.
TEMPLATE_ROWS = 5000
TEXT_FORMAT = "@"
LISTS_SHEET = "_下拉选项"


def is_text_column(f: Field) -> bool:
    """Columns Excel must keep as text: identifiers, codes, lists."""
    return bool(f.identifier) or f.type in ("code", "list", "text")


def field_note(f: Field) -> str:
    parts = ["必填" if f.required else "选填", TYPES[f.type].split(" ")[0]]
    if f.allowed:
        parts.append("可选值：" + "、".join(f.allowed))
    if f.identifier:
        parts.append("个人信息，入库即脱敏")
    if f.note:
        parts.append(f.note)
    return "；".join(parts)


def template_file_name(kind: Kind) -> str:
    return f"模板_{kind.zh}_{kind.name}.xlsx"


def write_template(kind_name: str, out_dir: str | Path) -> Path:
    """Write the blank template of one kind and return its path."""
    kind = get_kind(kind_name)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook()
    ws = wb.active
    ws.title = kind.zh[:31]
    lists = wb.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    header_font = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FCE4D6")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    list_col = 0
    for i, f in enumerate(kind.fields, start=1):
        letter = get_column_letter(i)
        cell = ws.cell(row=1, column=i, value=f.zh)
        cell.font = header_font
        cell.fill = required_fill if f.required else optional_fill
        cell.comment = Comment(f"{f.name}: {f.en}", "workbench")
        note = field_note(f)
        ws.cell(row=2, column=i, value=(NOTES_MARK + note) if i == 1 else note).alignment = Alignment(wrap_text=True)
        ws.column_dimensions[letter].width = max(12, min(40, len(f.zh) * 2 + 4))
        if is_text_column(f):
            # The column style covers rows beyond those we touch; explicit cells make sure.
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
            for r in range(3, TEMPLATE_ROWS + 3):
                ws.cell(row=r, column=i).number_format = TEXT_FORMAT
        if f.allowed:
            list_col += 1
            ll = get_column_letter(list_col)
            lists.cell(row=1, column=list_col, value=f.name)
            for j, v in enumerate(f.allowed, start=2):
                lists.cell(row=j, column=list_col, value=v)
            ref = f"'{LISTS_SHEET}'!${ll}$2:${ll}${len(f.allowed) + 1}"
            dv = DataValidation(type="list", formula1=ref, allow_blank=not f.required, showErrorMessage=True,
                                errorTitle="取值不在可选范围", error=f"{f.zh} 请从下拉列表中选择")
            dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            ws.add_data_validation(dv)
        elif f.type in ("date", "datetime"):
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True,
                                showErrorMessage=True, errorTitle="日期格式", error=f"{f.zh} 请填写日期，如 2019-01-05")
            dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            ws.add_data_validation(dv)
            for r in range(3, TEMPLATE_ROWS + 3):
                ws.cell(row=r, column=i).number_format = "yyyy-mm-dd" if f.type == "date" else "yyyy-mm-dd hh:mm"
        elif f.type in ("amount", "number", "int"):
            dv = DataValidation(type="decimal" if f.type != "int" else "whole", operator="greaterThanOrEqual",
                                formula1="0", allow_blank=not f.required, showErrorMessage=True,
                                errorTitle="数值", error=f"{f.zh} 请填写不小于0的数值")
            dv.add(f"{letter}3:{letter}{TEMPLATE_ROWS + 2}")
            ws.add_data_validation(dv)
    ws.freeze_panes = "A3"
    info = wb.create_sheet("说明")
    info.append(["数据类型", f"{kind.zh} ({kind.name})"])
    info.append(["English", kind.en])
    info.append(["说明", kind.description])
    info.append(["填写要求", "第1行为表头，请勿修改；第2行为填写说明，可保留或删除；数据从第3行开始。"])
    info.append(["", "证件号码、银行账号等列已设为文本格式，请勿改为数值，否则18位号码会被Excel截断。"])
    info.append(["", "红色表头为必填项，蓝色为选填项。"])
    path = out_dir / template_file_name(kind)
    wb.save(path)
    return path
