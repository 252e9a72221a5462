"""Campaign progress (专项行动进度): submissions and deadlines per company, clues dispatched,
feedback returned, referrals, by city and line.

The figures come from the package (:mod:`workbench.status`, :mod:`workbench.report`); this
module only runs them under the time limit and draws them.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.config import Campaign
from workbench.contract import KINDS
from workbench.report import attachment1, clue_outcomes
from workbench.status import deadline_status, feedback_progress

from .charts import bar, empty
from .data import Workbench
from .ui import CSS, FigureOutput, Notice, esc, guarded, table_html

#: Shown for submissions that belong to no company (register, rosters, national platform lists).
NO_COMPANY = "（协会/平台）"

STATUS_COLORS = {
    "按时提交": "#27ae60",
    "逾期提交": "#f39c12",
    "逾期未交": "#c0392b",
    "待提交": "#95a5a6",
}


def kind_zh(kind: str) -> str:
    k = KINDS.get(kind)
    return k.zh if k is not None else kind


def submissions(wb: Workbench) -> pd.DataFrame:
    """Rows loaded per company and submission kind (v_submissions)."""
    df = wb.query(
        "SELECT company_code, kind, files, rows_loaded, rows_rejected, last_loaded_at "
        "FROM v_submissions ORDER BY company_code, kind",
        what="报送情况 submissions",
    )
    df["kind_zh"] = df["kind"].map(kind_zh)
    df["company_code"] = df["company_code"].fillna(NO_COMPANY)
    return df


def cities(wb: Workbench) -> dict[str, str]:
    df = wb.query(
        "SELECT company_code, any_value(city) AS city FROM company GROUP BY 1", what="城市 cities"
    )
    return {r.company_code: r.city for r in df.itertuples() if isinstance(r.city, str)}


def progress_data(wb: Workbench, campaign: Campaign, as_of: dt.date) -> dict[str, pd.DataFrame]:
    """Everything the progress dashboard shows, as DataFrames."""
    subs = submissions(wb)
    status = wb.call(
        lambda cur: deadline_status(cur, wb.store, campaign, as_of), what="时限 deadlines"
    )
    fb = feedback_progress(wb.store, as_of)
    outcomes = wb.call(lambda cur: clue_outcomes(cur, wb.store), what="线索结果 outcomes")
    by_city = attachment1(outcomes, "city", cities(wb)) if len(outcomes) else pd.DataFrame()
    by_line = attachment1(outcomes, "line") if len(outcomes) else pd.DataFrame()
    return {
        "submissions": subs,
        "status": status,
        "feedback": fb,
        "by_city": by_city,
        "by_line": by_line,
    }


def submissions_chart(subs: pd.DataFrame) -> go.Figure:
    return bar(
        subs,
        "company_code",
        "rows_loaded",
        "各公司报送入库行数 rows loaded per company and kind",
        "公司 company",
        "入库行数 rows loaded (行)",
        color="kind_zh",
        barmode="stack",
        text=False,
        height=420,
    )


def deadline_chart(status: pd.DataFrame) -> go.Figure:
    """Companies per deadline and status (stacked): who is on time, late, still due."""
    title = "各时间节点提交情况 deadlines: companies by status"
    if status is None or status.empty:
        return empty(title, x="时间节点 deadline", y="公司数 companies (家)")
    df = status.copy()
    df["节点"] = df["date"].astype(str) + " " + df["deadline"]
    counts = df.groupby(["节点", "status_zh"]).size().reset_index(name="n")
    fig = bar(
        counts,
        "节点",
        "n",
        title,
        "时间节点 deadline",
        "公司数 companies (家)",
        color="status_zh",
        barmode="stack",
        colors=STATUS_COLORS,
        height=380,
    )
    fig.update_layout(legend_title_text="状态 status")
    return fig


def feedback_chart(fb: pd.DataFrame) -> go.Figure:
    return bar(
        fb,
        "company_code",
        ["dispatched", "returned", "confirmed", "referred"],
        "各公司线索下发与反馈 clues dispatched and feedback returned",
        "公司 company",
        "线索数 clues (条)",
        names={
            "dispatched": "已下发 dispatched",
            "returned": "已反馈 returned",
            "confirmed": "确认欺诈 confirmed",
            "referred": "移送公安 referred",
        },
    )


def outcome_chart(table: pd.DataFrame, key: str, title: str) -> go.Figure:
    if table is None or table.empty:
        return empty(title, x=key, y="线索数 clues (条)")
    df = table[table[table.columns[0]] != "合计"]
    return bar(
        df,
        df.columns[0],
        ["下发线索数", "确认欺诈数", "移送公安数", "立案数"],
        title,
        key,
        "线索数 clues (条)",
        names={
            "下发线索数": "已下发 dispatched",
            "确认欺诈数": "确认欺诈 confirmed",
            "移送公安数": "移送公安 referred",
            "立案数": "立案 cases filed",
        },
    )


def late_table(status: pd.DataFrame) -> str:
    late = status[status["status"].isin(["late", "late_submitted"])] if len(status) else status
    return table_html(
        late,
        {
            "company_code": "公司",
            "company_name": "公司名称",
            "date": "截止日期",
            "what": "应报内容",
            "status_zh": "状态",
            "received": "收到时间",
        },
        empty="没有逾期 nothing late",
    )


class ProgressDashboard(w.VBox):
    """As-of date, headline figures, four charts and the late list."""

    def __init__(self, wb: Workbench, campaign: Campaign, as_of: dt.date | None = None):
        self.wb, self.campaign = wb, campaign
        self.notice = Notice()
        self.as_of = w.DatePicker(
            value=as_of or dt.date.today(),
            description="截至日期",
            style={"description_width": "64px"},
        )
        self.as_of.add_class("wb-as-of")
        self.refresh_button = w.Button(description="刷新 refresh", icon="refresh")
        self.refresh_button.on_click(lambda _: self.refresh())
        self.as_of.observe(lambda _: self.refresh(), names="value")
        self.headline = w.HTML()
        self.charts = {
            name: FigureOutput()
            for name in ("submissions", "deadlines", "feedback", "city", "line")
        }
        self.tables = w.HTML()
        super().__init__(
            [
                w.HTML(CSS),
                w.HTML(
                    f'<div class="wb-h" style="font-size:22px">{esc(campaign.name)} · 专项行动进度 campaign progress</div>'
                ),
                w.HBox([self.as_of, self.refresh_button]),
                self.notice,
                self.headline,
                self.charts["deadlines"],
                self.charts["submissions"],
                self.charts["feedback"],
                w.HBox(
                    [self.charts["city"], self.charts["line"]],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                self.tables,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-progress")
        self.refresh()

    @guarded
    def refresh(self) -> None:
        self.notice.clear()
        as_of = self.as_of.value or dt.date.today()
        d = progress_data(self.wb, self.campaign, as_of)
        st, fb = d["status"], d["feedback"]
        late = int(st["status"].isin(["late", "late_submitted"]).sum()) if len(st) else 0
        total = d["by_line"]
        tot = total[total[total.columns[0]] == "合计"].iloc[0] if len(total) else None
        subs = d["submissions"]
        cards = [
            (
                "报送公司 companies",
                subs.loc[subs["company_code"] != NO_COMPANY, "company_code"].nunique(),
            ),
            ("入库行数 rows loaded", f"{int(subs['rows_loaded'].sum()) if len(subs) else 0:,}"),
            ("逾期节点 late items", late),
            ("已下发线索 dispatched", int(fb["dispatched"].sum()) if len(fb) else 0),
            ("已反馈 returned", int(fb["returned"].sum()) if len(fb) else 0),
            ("移送公安 referred", int(tot["移送公安数"]) if tot is not None else 0),
        ]
        self.headline.value = "".join(
            f'<div style="display:inline-block;margin:4px 14px 8px 0;padding:6px 12px;border:1px solid #ddd;'
            f'border-radius:4px"><div class="wb-sub">{esc(k)}</div><div class="wb-h">{esc(v)}</div></div>'
            for k, v in cards
        )
        self.charts["deadlines"].show_figure(deadline_chart(st))
        self.charts["submissions"].show_figure(submissions_chart(d["submissions"]))
        self.charts["feedback"].show_figure(feedback_chart(fb))
        self.charts["city"].show_figure(
            outcome_chart(d["by_city"], "城市 city", "按城市：下发、确认、移送 outcomes by city")
        )
        self.charts["line"].show_figure(
            outcome_chart(d["by_line"], "险种 line", "按险种：下发、确认、移送 outcomes by line")
        )
        by_city = d["by_city"]
        self.tables.value = (
            f'<div class="wb-h">逾期情况 late (截至 {esc(as_of)})</div>'
            + late_table(st)
            + '<div class="wb-h">按城市 by city（附表1口径 Attachment 1）</div>'
            + table_html(
                by_city, {c: c for c in by_city.columns}, empty="尚无线索结果 no outcomes yet"
            )
        )
