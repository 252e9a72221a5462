"""Risk trends (风险特征与趋势): what fraud looks like now, and how well the rules work.

Clues by month of occurrence (the earliest loss / start date of their records) and line, by
fraud kind and tier, how many companies a clue spans, ring sizes, and rule effectiveness from
what came back (:func:`workbench.report.rule_effectiveness`).
"""

from __future__ import annotations

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.report import clue_outcomes, rule_effectiveness

from .charts import TIER_COLORS, bar, empty
from .data import Workbench
from .queries import fraud_kind_zh, line_zh
from .ui import CSS, FigureOutput, Notice, esc, guarded, money, table_html

_FILTER = "c.current AND c.period = $period AND ($line IS NULL OR c.line = $line)"


def monthly(wb: Workbench, period: str = "campaign", line: str | None = None) -> pd.DataFrame:
    """Clues and money per month of occurrence (出险/起保月份) and line."""
    df = wb.query(
        f"""
        WITH first_date AS (
            SELECT r.clue_id, min(d.key_date) AS key_date
            FROM clue_records AS r
            JOIN v_record_detail AS d ON d.company_code = r.company_code AND d.record_kind = r.record_kind
                 AND d.record_no = r.record_no
            WHERE r.clue_id IN (SELECT clue_id FROM clues AS c WHERE {_FILTER})
            GROUP BY r.clue_id
        )
        SELECT strftime(f.key_date, '%Y-%m') AS month, c.line, count(*) AS clues,
               count(*) FILTER (WHERE c.tier = 'A') AS tier_a, sum(c.amount) AS amount
        FROM clues AS c JOIN first_date AS f USING (clue_id)
        WHERE {_FILTER} AND f.key_date IS NOT NULL
        GROUP BY ALL ORDER BY month, c.line""",
        {"period": period, "line": line},
        what="月度趋势 monthly",
    )
    df["line_zh"] = df["line"].map(line_zh)
    return df


def by_kind(wb: Workbench, period: str = "campaign", line: str | None = None) -> pd.DataFrame:
    df = wb.query(
        f"""
        SELECT c.fraud_kind, c.tier, count(*) AS clues, sum(c.amount) AS amount,
               avg(c.company_count) AS companies
        FROM clues AS c WHERE {_FILTER} GROUP BY ALL ORDER BY c.fraud_kind, c.tier""",
        {"period": period, "line": line},
        what="欺诈类型 fraud kinds",
    )
    df["fraud_kind_zh"] = df["fraud_kind"].map(fraud_kind_zh)
    return df


def spread(wb: Workbench, period: str = "campaign", line: str | None = None) -> pd.DataFrame:
    """How many companies a clue spans (跨公司程度) — what no single insurer could see."""
    return wb.query(
        f"""
        SELECT CASE WHEN c.company_count >= 5 THEN '5+' ELSE CAST(c.company_count AS VARCHAR) END AS companies,
               c.rule_id = 'ring' AS ring, count(*) AS clues
        FROM clues AS c WHERE {_FILTER} GROUP BY ALL ORDER BY companies""",
        {"period": period, "line": line},
        what="跨公司 spread",
    )


def per_rule(wb: Workbench, period: str = "campaign", line: str | None = None) -> pd.DataFrame:
    return wb.query(
        f"""
        SELECT c.rule_id, any_value(c.title_zh) AS title_zh, c.tier, count(*) AS clues
        FROM clues AS c WHERE {_FILTER} GROUP BY c.rule_id, c.tier ORDER BY c.rule_id, c.tier""",
        {"period": period, "line": line},
        what="规则产出 clues per rule",
    )


def effectiveness(wb: Workbench, period: str = "campaign", line: str | None = None) -> pd.DataFrame:
    outcomes = wb.call(
        lambda cur: clue_outcomes(cur, wb.store, period), what="规则效果 effectiveness"
    )
    if line:
        outcomes = outcomes[outcomes["line"] == line]
    if not outcomes["dispatched"].any():
        return pd.DataFrame()
    return rule_effectiveness(outcomes)


def monthly_chart(df: pd.DataFrame) -> go.Figure:
    fig = bar(
        df,
        "month",
        "clues",
        "线索按发生月份与险种 clues by month of occurrence and line",
        "发生月份 month (出险/起保)",
        "线索数 clues (条)",
        color="line_zh",
        barmode="stack",
        text=False,
        height=400,
    )
    fig.update_xaxes(type="category", categoryorder="category ascending")
    fig.update_layout(legend_title_text="险种 line")
    return fig


def kind_chart(df: pd.DataFrame) -> go.Figure:
    fig = bar(
        df,
        "fraud_kind_zh",
        "clues",
        "各欺诈类型线索数（按等级）clues by fraud kind and tier",
        "欺诈类型 fraud kind",
        "线索数 clues (条)",
        color="tier",
        barmode="stack",
        colors=TIER_COLORS,
        horizontal=True,
        height=max(320, 60 + 32 * df["fraud_kind"].nunique()) if len(df) else 320,
    )
    fig.update_layout(legend_title_text="等级 tier")
    return fig


def amount_chart(df: pd.DataFrame) -> go.Figure:
    title = "各欺诈类型涉及金额 money involved by fraud kind"
    if df.empty:
        return empty(title, x="金额 amount (万元)", y="欺诈类型 fraud kind")
    g = df.groupby("fraud_kind_zh", as_index=False)["amount"].sum()
    g["万元"] = (g["amount"] / 10_000).round(1)
    return bar(
        g.sort_values("万元", ascending=False),
        "fraud_kind_zh",
        "万元",
        title,
        "欺诈类型 fraud kind",
        "涉及金额 amount (万元)",
        horizontal=True,
        height=max(320, 60 + 32 * len(g)),
    )


def spread_chart(df: pd.DataFrame) -> go.Figure:
    d = (
        df.assign(kind=df["ring"].map({True: "团伙 ring", False: "单条规则 rule"}))
        if len(df)
        else df
    )
    return bar(
        d,
        "companies",
        "clues",
        "线索涉及公司数 companies per clue",
        "涉及公司数 companies (家)",
        "线索数 clues (条)",
        color="kind",
        barmode="stack",
        height=340,
    )


def rule_chart(df: pd.DataFrame) -> go.Figure:
    fig = bar(
        df,
        "rule_id",
        "clues",
        "各规则线索数（按等级）clues per rule and tier",
        "规则 rule",
        "线索数 clues (条)",
        color="tier",
        barmode="stack",
        colors=TIER_COLORS,
        horizontal=True,
        text=False,
        height=max(340, 60 + 22 * df["rule_id"].nunique()) if len(df) else 340,
    )
    fig.update_layout(legend_title_text="等级 tier")
    return fig


def effectiveness_chart(eff: pd.DataFrame) -> go.Figure:
    title = "规则确认率（已有结论的线索）confirmation rate per rule"
    if eff is None or eff.empty or eff["已有结论"].sum() == 0:
        return empty(
            title, "尚无反馈或研判结论 no feedback or verdicts yet", "规则 rule", "确认率 rate (%)"
        )
    d = eff[eff["已有结论"] > 0].assign(rate=lambda x: (x["确认率"] * 100).round(1))
    fig = bar(
        d,
        "rule_id",
        "rate",
        title,
        "规则 rule",
        "确认率 confirmed / decided (%)",
        horizontal=True,
        height=max(320, 60 + 24 * len(d)),
    )
    fig.update_xaxes(range=[0, 100])
    return fig


class TrendsDashboard(w.VBox):
    def __init__(self, wb: Workbench, title: str = ""):
        self.wb = wb
        self.notice = Notice()
        lines = wb.query(
            "SELECT DISTINCT line FROM clues WHERE current ORDER BY 1", what="险种 lines"
        )["line"]
        self.line = w.Dropdown(
            options=[("全部 any", "")] + [(line_zh(x), x) for x in lines],
            value="",
            description="险种",
            style={"description_width": "40px"},
        )
        self.line.add_class("wb-filter-line")
        self.period = w.Dropdown(
            options=[("专项行动期间 campaign", "campaign"), ("2017年及以前 pre-2017", "pre2017")],
            value="campaign",
            description="期间",
            style={"description_width": "40px"},
        )
        self.line.observe(lambda _: self.refresh(), names="value")
        self.period.observe(lambda _: self.refresh(), names="value")
        self.headline = w.HTML()
        self.headline.add_class("wb-trends-headline")
        names = ("monthly", "kind", "amount", "spread", "rules", "effectiveness")
        self.charts = {n: FigureOutput() for n in names}
        self.table = w.HTML()
        super().__init__(
            [
                w.HTML(CSS),
                w.HTML(
                    f'<div class="wb-h" style="font-size:22px">{esc(title)} · 风险特征与趋势 risk characteristics '
                    f"and trends</div>"
                ),
                w.HBox([self.period, self.line]),
                self.notice,
                self.headline,
                *[self.charts[n] for n in names],
                self.table,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-trends")
        self.refresh()

    @guarded
    def refresh(self) -> None:
        self.notice.clear()
        p, line = self.period.value, self.line.value or None
        kinds = by_kind(self.wb, p, line)
        eff = effectiveness(self.wb, p, line)
        self.headline.value = (
            f"<div>线索 <b>{int(kinds['clues'].sum()) if len(kinds) else 0:,}</b> 条 · 一级 "
            f"<b>{int(kinds.loc[kinds['tier'] == 'A', 'clues'].sum()) if len(kinds) else 0:,}</b> 条 · "
            f"涉及金额 <b>{esc(money(kinds['amount'].sum() if len(kinds) else 0))}</b></div>"
        )
        self.charts["monthly"].show_figure(monthly_chart(monthly(self.wb, p, line)))
        self.charts["kind"].show_figure(kind_chart(kinds))
        self.charts["amount"].show_figure(amount_chart(kinds))
        self.charts["spread"].show_figure(spread_chart(spread(self.wb, p, line)))
        self.charts["rules"].show_figure(rule_chart(per_rule(self.wb, p, line)))
        self.charts["effectiveness"].show_figure(effectiveness_chart(eff))
        self.table.value = '<div class="wb-h">规则效果 rule effectiveness</div>' + table_html(
            eff,
            {c: EFFECTIVENESS_HEADERS.get(c, c) for c in eff.columns},
            formats={"确认率": _pct},
            numeric=("下发", "已有结论", "确认", "排除", "移送", "确认率"),
            empty="尚无下发线索 nothing dispatched yet",
        )


#: Headers of the rule-effectiveness table (its columns are workbench.report's).
EFFECTIVENESS_HEADERS = {
    "rule_id": "规则 rule",
    "title_zh": "规则名称",
    "下发": "下发 dispatched",
    "已有结论": "已有结论 decided",
    "确认": "确认 confirmed",
    "排除": "排除 not fraud",
    "移送": "移送 referred",
    "确认率": "确认率 rate",
    "建议": "建议 suggestion",
}


def _pct(value) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if v != v else f"{v * 100:.0f}%"
