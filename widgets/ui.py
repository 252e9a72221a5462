"""Small building blocks the widgets share (界面组件): notices, HTML tables, figures, money.

Every value shown goes through :func:`esc` — masks and evidence are data, never markup.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import logging
from collections.abc import Callable

import ipywidgets as w
import pandas as pd
from IPython.display import display

from workbench.errors import WorkbenchError

from .data import QueryTimeout

log = logging.getLogger(__name__)

#: Page CSS: row layout of the clue list, badges, small tokens, notices.  Shown once per widget
#: tree (an HTML widget with a <style> element; Voilà and JupyterLab both apply it).
CSS = """
<style>
.wb-root { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif; }
.wb-cell { display: inline-block; vertical-align: top; overflow: hidden; text-overflow: ellipsis;
           white-space: nowrap; padding: 0 6px; box-sizing: border-box; }
.wb-head .wb-cell { font-weight: bold; color: #555; }
.wb-badge { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 3px;
            color: white; font-weight: bold; padding: 0 4px; }
.wb-tier-A { background: #c0392b; } .wb-tier-B { background: #e67e22; } .wb-tier-C { background: #7f8c8d; }
.wb-token { font-size: 10px; color: #888; font-family: monospace; }
.wb-mask { font-size: 15px; font-weight: bold; }
.wb-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 8px 0; }
.wb-table th { background: #f4f6f7; text-align: left; padding: 3px 8px; border-bottom: 1px solid #ccc; }
.wb-table td { padding: 2px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
.wb-num { text-align: right; }
.wb-notice-error { color: #922b21; background: #fdedec; border: 1px solid #e6b0aa; padding: 6px 10px; }
.wb-notice-timeout { color: #7e5109; background: #fef5e7; border: 1px solid #f5cba7; padding: 6px 10px; }
.wb-notice-ok { color: #1d6a3a; background: #eafaf1; border: 1px solid #a9dfbf; padding: 6px 10px; }
.wb-notice-info { color: #555; padding: 2px 0; }
.wb-selected { background: #eaf2f8; }
.wb-open-clue, .wb-entity-clue { font-family: "DejaVu Sans Mono", monospace; font-size: 12px; }
.wb-evidence { font-size: 15px; line-height: 1.6; background: #fbfcfc; border-left: 4px solid #c0392b;
               padding: 6px 12px; margin: 6px 0; }
.wb-h { font-size: 18px; font-weight: bold; margin: 6px 0; }
.wb-sub { font-size: 12px; color: #666; }
</style>
"""


def esc(value) -> str:
    """HTML-escaped text of a value; NULL/NaN become an empty string, midnight times a date."""
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, dt.datetime):
        value = value.strftime("%Y-%m-%d" if value.time() == dt.time(0) else "%Y-%m-%d %H:%M")
    return html.escape(str(value))


def when(value) -> str:
    """An ISO timestamp from the lifecycle store ('2019-08-01T09:00:03.123456+00:00') as
    '2019-08-01 09:00:03', escaped."""
    if isinstance(value, str) and len(value) >= 19 and value[10] == "T":
        return esc(value[:19].replace("T", " "))
    return esc(value)


def money(value, unit: str = "元") -> str:
    """12,345 元 / 123.4 万元 for large sums."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    if v != v:
        return ""
    if abs(v) >= 100_000:
        return f"{v / 10_000:,.1f} 万{unit}"
    return f"{v:,.0f} {unit}"


def tier_badge(tier) -> str:
    t = esc(tier) or "-"
    return f'<span class="wb-badge wb-tier-{t}">{t}</span>'


def table_html(
    df: pd.DataFrame,
    columns: dict[str, str],
    *,
    formats: dict[str, Callable] | None = None,
    max_rows: int = 200,
    numeric: tuple[str, ...] = (),
    empty: str = "（无 none）",
) -> str:
    """An escaped HTML table of ``columns`` (column → header); says so when rows are cut."""
    if df is None or df.empty:
        return f'<div class="wb-notice-info">{esc(empty)}</div>'
    formats = formats or {}
    head = "".join(f"<th>{esc(h)}</th>" for h in columns.values())
    rows = []
    for rec in df.head(max_rows).to_dict("records"):
        cells = []
        for col in columns:
            fmt = formats.get(col)
            value = fmt(rec.get(col)) if fmt else esc(rec.get(col))
            cls = ' class="wb-num"' if col in numeric else ""
            cells.append(f"<td{cls}>{value}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if len(df) > max_rows:
        note = (
            f'<div class="wb-notice-info">仅显示前 {max_rows} 行，共 {len(df)} 行 / '
            f"showing the first {max_rows} of {len(df)} rows</div>"
        )
    return f'<table class="wb-table"><tr>{head}</tr>{"".join(rows)}</table>{note}'


class Notice(w.HTML):
    """A one-line message area: errors and time limits in colour, in Chinese and English."""

    def __init__(self, **kw):
        super().__init__(value="", **kw)
        self.add_class("wb-notice")

    def clear(self) -> None:
        self.value = ""

    def info(self, text: str) -> None:
        self.value = f'<div class="wb-notice-info">{esc(text)}</div>'

    def ok(self, text: str) -> None:
        self.value = f'<div class="wb-notice-ok">{esc(text)}</div>'

    def error(self, exc: BaseException | str) -> None:
        if isinstance(exc, QueryTimeout):
            self.value = f'<div class="wb-notice-timeout wb-timeout">⏱ {esc(exc)}</div>'
        else:
            self.value = f'<div class="wb-notice-error">⚠ {esc(exc)}</div>'


def guarded(method):
    """Run a widget method; show a :class:`WorkbenchError` (time limit included) in ``self.notice``
    instead of raising it into the void of a widget callback."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except WorkbenchError as exc:
            log.info("%s: %s", method.__qualname__, exc)
            self.notice.error(exc)
            return None

    return wrapper


class FigureOutput(w.Output):
    """An output area holding one plotly figure; ``.figure`` is the figure last shown."""

    def __init__(self, **kw):
        super().__init__(**kw)
        self.figure = None
        self.add_class("wb-chart")

    def show_figure(self, fig) -> None:
        """Replace what is shown with ``fig`` (mime bundle: no plotly.js download needed)."""
        from IPython import get_ipython

        self.figure = fig
        if get_ipython() is None:  # plain Python (tests, scripts): keep the figure, draw nothing
            return
        self.clear_output(wait=True)
        with self:
            show_now(fig)


def show_now(fig) -> None:
    """Show a figure in a notebook cell the same way the widgets do (nothing outside IPython)."""
    from IPython import get_ipython

    if get_ipython() is not None:
        fig.show(renderer="plotly_mimetype", config={"displaylogo": False, "responsive": True})


def css() -> w.HTML:
    return w.HTML(CSS)


def show(widget) -> None:
    display(widget)
