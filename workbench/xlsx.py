"""Small helpers for writing workbooks safely (安全写出Excel).

Text that begins with ``=``, ``+``, ``-`` or ``@`` would be taken by Excel as
a formula (and is a known injection vector in CSV/Excel exports): such cells
are written with the string type forced, so Excel shows the text and never
evaluates it.
"""

from __future__ import annotations

import datetime as dt
import math

from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

FORMULA_START = ("=", "+", "-", "@")
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def cell(ws, value, bold: bool = False):
    """A write-only cell holding ``value``; formula-like text stays text."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        value = None
    elif hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalars
        value = value.item()
    if value is not None and not isinstance(value, str | int | float | dt.date | dt.datetime | bool):
        value = str(value)
    c = WriteOnlyCell(ws, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        c.data_type = "s"
    if isinstance(value, dt.datetime):
        c.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, dt.date):
        c.number_format = "yyyy-mm-dd"
    if bold:
        c.font = HEADER_FONT
        c.fill = HEADER_FILL
    return c


def append_rows(ws, header: list[str], rows, percent: frozenset[str] | set[str] = frozenset()) -> None:
    """Header (bold) then rows, every value through :func:`cell`; the columns named in ``percent``
    hold shares (0.0077) and are shown as percentages (0.8%)."""
    ws.append([cell(ws, h, bold=True) for h in header])
    shares = [h in percent for h in header]
    for r in rows:
        cells = [cell(ws, v) for v in r]
        for c, share in zip(cells, shares, strict=False):
            if share and isinstance(c.value, int | float):
                c.number_format = "0.0%"
        ws.append(cells)
