"""Rule tuning (规则调参) for the analyst notebooks: run one rule with changed parameters, read-only,
and compare what it would find — with the clues it found in the last screening run, with the
synthetic ground truth (recall, precision, hard negatives) and with the verdicts and feedback
already recorded (how many confirmed clues a stricter threshold would lose).

Nothing here writes to the warehouse: the rule's SQL runs as a query (the rule engine's
:meth:`~workbench.engine.Engine.fetch`) under the workbench's time limit.  The screening run
that produces real clues stays ``workbench screen``.
"""

from __future__ import annotations

from pathlib import Path

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from workbench.config import Campaign
from workbench.engine import Engine
from workbench.errors import WorkbenchError
from workbench.evaluate import load_truth
from workbench.report import clue_outcomes
from workbench.screen import clue_id

from .charts import empty, style
from .data import Workbench
from .detail import rule_catalogue
from .ui import CSS, FigureOutput, Notice, esc, guarded, table_html


def rule_of(rule_id: str):
    rules = rule_catalogue()
    if rule_id not in rules:
        raise WorkbenchError(
            f"没有规则 {rule_id} / no rule {rule_id}; 可选 choose from {', '.join(sorted(rules))}"
        )
    return rules[rule_id]


def run_rule(
    wb: Workbench, rule_id: str, params: dict | None = None, period: str = "campaign"
) -> pd.DataFrame:
    """The rule's clues with ``params`` (over its defaults): one row per clue, with its id as
    ``workbench screen`` would give it, its records and its evidence.  Read-only."""
    rule = rule_of(rule_id)

    def fetch(cur):
        engine = Engine(cur)
        with engine.period(period):
            return engine.fetch(rule, params)

    rows = wb.call(fetch, what=f"规则 {rule_id}")
    if rows.empty:
        return pd.DataFrame(
            columns=["clue_id", "clue_key", "records", "companies", "amount", "evidence_zh"]
        )
    recs = rows.dropna(subset=["record_no"]).drop_duplicates(
        ["clue_key", "company_code", "record_no"]
    )
    out = (
        recs.groupby("clue_key")
        .agg(
            records=("record_no", "size"),
            companies=("company_code", lambda s: ";".join(sorted(set(s.dropna())))),
            amount=("amount", "sum"),
        )
        .reset_index()
    )
    ev = rows.groupby("clue_key")["evidence_zh"].first().reset_index()
    out = out.merge(ev, on="clue_key", how="right").fillna({"records": 0})
    out.insert(0, "clue_id", [clue_id(rule_id, period, k) for k in out["clue_key"]])
    return out.sort_values("clue_id").reset_index(drop=True)


def rule_records(
    wb: Workbench, rule_id: str, params: dict | None, period: str = "campaign"
) -> pd.DataFrame:
    rule = rule_of(rule_id)

    def fetch(cur):
        engine = Engine(cur)
        with engine.period(period):
            return engine.fetch(rule, params)

    rows = wb.call(fetch, what=f"规则 {rule_id}")
    return rows[["clue_key", "company_code", "record_no"]].dropna().drop_duplicates()


def compare(wb: Workbench, rule_id: str, params: dict, period: str = "campaign") -> pd.DataFrame:
    """The rule's clues with ``params`` against its current clues in the warehouse: each clue
    marked 新增 added / 不再发现 dropped / 不变 kept."""
    new = run_rule(wb, rule_id, params, period)
    cur = wb.query(
        "SELECT clue_id, tier, score, evidence_zh AS current_evidence FROM clues "
        "WHERE rule_id = $rule AND period = $period AND current",
        {"rule": rule_id, "period": period},
        what="当前线索 current clues",
    )
    both = new.merge(cur, on="clue_id", how="outer", indicator=True)
    both["change"] = (
        both["_merge"]
        .map({"left_only": "新增 added", "right_only": "不再发现 dropped", "both": "不变 kept"})
        .astype(str)
    )
    both["evidence_zh"] = both["evidence_zh"].fillna(both["current_evidence"])
    return (
        both.drop(columns=["_merge", "current_evidence"])
        .sort_values(["change", "clue_id"])
        .reset_index(drop=True)
    )


def truth_dir_for(warehouse: Path, campaign: Campaign) -> Path | None:
    """The ground truth of the synthetic province the warehouse was built from, if any."""
    for candidate in (
        Path(warehouse).parent / "province" / "ground_truth",
        campaign.synth_dir / "ground_truth",
    ):
        if (candidate / "scenarios.csv").is_file():
            return candidate
    return None


def sweep(
    wb: Workbench,
    rule_id: str,
    param: str,
    values: list,
    *,
    truth_dir: Path | None,
    base: dict | None = None,
    period: str = "campaign",
) -> pd.DataFrame:
    """One row per value of ``param``: clues, and against the ground truth the rule's precision,
    its recall of planted scenarios of its fraud kind and the hard negatives it flags; against
    the recorded verdicts and feedback, the decided clues it keeps and the confirmed ones it loses."""
    rule = rule_of(rule_id)
    if param not in rule.params:
        raise WorkbenchError(
            f"规则 {rule_id} 没有参数 {param} / rule {rule_id} has no parameter {param}; "
            f"可选 {', '.join(rule.params)}"
        )
    truth = load_truth(truth_dir) if truth_dir else None
    if truth is not None:
        scen = truth["scenarios"]
        scen = scen[
            (scen["fraud_kind"] == rule.fraud_kind)
            & (scen["period"].replace("", "campaign") == period)
        ]
        t_rec = truth["records"][truth["records"]["scenario_id"].isin(scen["scenario_id"])]
        all_rec = truth["records"][["company_code", "record_no"]].drop_duplicates()
        neg = truth["negatives"][["negative_id", "company_code", "record_no"]]
    outcomes = wb.call(lambda cur: clue_outcomes(cur, wb.store, period), what="线索结果 outcomes")
    decided = outcomes[
        (outcomes["rule_id"] == rule_id) & (outcomes["confirmed"] | outcomes["not_fraud"])
    ]
    rows = []
    for value in values:
        params = dict(base or {}, **{param: value})
        recs = rule_records(wb, rule_id, params, period)
        keys = set(recs["clue_key"])
        ids = {clue_id(rule_id, period, k) for k in keys}
        row = {"value": value, "clues": len(keys)}
        if truth is not None:
            hit = recs.merge(all_rec, on=["company_code", "record_no"])
            row["true_clues"] = hit["clue_key"].nunique()
            row["precision"] = row["true_clues"] / len(keys) if keys else float("nan")
            found = recs.merge(t_rec, on=["company_code", "record_no"])["scenario_id"].nunique()
            row.update(
                planted=len(scen),
                found=found,
                recall=found / len(scen) if len(scen) else float("nan"),
            )
            row["negatives_flagged"] = recs.merge(neg, on=["company_code", "record_no"])[
                "negative_id"
            ].nunique()
        kept = decided[decided["clue_id"].isin(ids)]
        lost = decided[~decided["clue_id"].isin(ids)]
        row.update(
            decided_kept=len(kept),
            confirmed_kept=int(kept["confirmed"].sum()),
            confirmed_lost=int(lost["confirmed"].sum()),
            not_fraud_dropped=int(lost["not_fraud"].sum()),
        )
        rows.append(row)
    return pd.DataFrame(rows)


SWEEP_NAMES = {
    "value": "参数值 value",
    "clues": "线索 clues",
    "true_clues": "命中 true",
    "precision": "精确率 precision",
    "planted": "植入场景 planted",
    "found": "发现 found",
    "recall": "召回率 recall",
    "negatives_flagged": "困难负样本 hard negatives",
    "decided_kept": "已有结论仍保留 decided kept",
    "confirmed_kept": "确认仍保留 confirmed kept",
    "confirmed_lost": "确认将丢失 confirmed lost",
    "not_fraud_dropped": "排除将减少 not-fraud dropped",
}


def sweep_chart(df: pd.DataFrame, rule_id: str, param: str, unit: str, current=None) -> go.Figure:
    title = f"{rule_id}：{param} 对召回率与精确率的影响 recall and precision vs {param}"
    if df.empty or "precision" not in df:
        return empty(
            title, "没有真值数据 no ground truth here", f"{param} ({unit})", "比例 share (%)"
        )
    fig = go.Figure()
    x = df["value"].astype(str)
    for col, name, color in (
        ("recall", "召回率 recall", "#2980b9"),
        ("precision", "精确率 precision", "#c0392b"),
    ):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=(df[col] * 100).round(1),
                mode="lines+markers+text",
                name=name,
                text=(df[col] * 100).round(0),
                textposition="top center",
                line={"color": color},
            )
        )
    fig.add_trace(
        go.Bar(
            x=x,
            y=df["clues"],
            name="线索数 clues (右轴)",
            yaxis="y2",
            opacity=0.25,
            marker_color="#7f8c8d",
        )
    )
    fig.update_layout(
        yaxis={"range": [0, 110]},
        yaxis2={"overlaying": "y", "side": "right", "title": {"text": "线索数 clues (条)"}},
    )
    fig.update_xaxes(type="category")
    if current is not None:
        fig.add_annotation(
            x=str(current), y=105, text="当前 current", showarrow=False, font={"color": "#555"}
        )
    return style(fig, title, f"{param} ({unit})", "比例 share (%)", height=400)


class TuningView(w.VBox):
    """A slider over one parameter of one rule: moving it re-runs the rule (read-only) and
    shows recall, precision and the recorded outcomes it would keep or lose."""

    def __init__(
        self,
        wb: Workbench,
        rule_id: str,
        param: str,
        values: list,
        *,
        truth_dir: Path | None,
        period: str = "campaign",
    ):
        self.wb, self.rule_id, self.param, self.period, self.truth_dir = (
            wb,
            rule_id,
            param,
            period,
            truth_dir,
        )
        rule = rule_of(rule_id)
        self.unit = rule.params[param].unit
        self.notice = Notice()
        self.table = sweep(wb, rule_id, param, values, truth_dir=truth_dir, period=period)
        default = rule.params[param].default
        self.slider = w.SelectionSlider(
            options=list(values),
            value=default if default in values else values[0],
            description=param,
            continuous_update=False,
            layout=w.Layout(width="520px"),
            style={"description_width": "140px"},
        )
        self.slider.add_class("wb-tuning-slider")
        self.chart = FigureOutput()
        self.summary = w.HTML()
        self.changes = w.HTML()
        self.slider.observe(lambda _: self.refresh(), names="value")
        super().__init__(
            [
                w.HTML(CSS),
                w.HTML(
                    f'<div class="wb-h">{esc(rule_id)} {esc(rule.title_zh)}</div>'
                    f'<div class="wb-sub">{esc(rule.params[param].description)} '
                    f"（默认 default {esc(default)} {esc(self.unit)}）</div>"
                ),
                self.slider,
                self.notice,
                self.chart,
                self.summary,
                self.changes,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-tuning")
        self.refresh()

    @guarded
    def refresh(self) -> None:
        self.notice.clear()
        value = self.slider.value
        self.chart.show_figure(
            sweep_chart(self.table, self.rule_id, self.param, self.unit, current=value)
        )
        shown = self.table.rename(columns=SWEEP_NAMES)
        self.summary.value = table_html(
            shown,
            {c: c for c in shown.columns},
            formats={SWEEP_NAMES["precision"]: _pct, SWEEP_NAMES["recall"]: _pct},
        )
        diff = compare(self.wb, self.rule_id, {self.param: value}, self.period)
        counts = diff["change"].value_counts().to_dict()
        self.changes.value = (
            f'<div class="wb-h">{esc(self.param)} = {esc(value)} 与当前线索相比 vs the current clues</div>'
            f"<div>{'；'.join(f'{esc(k)} {v} 条' for k, v in sorted(counts.items()))}</div>"
            + table_html(
                diff[diff["change"] != "不变 kept"],
                {
                    "change": "变化",
                    "clue_id": "线索编号",
                    "tier": "等级",
                    "companies": "公司",
                    "evidence_zh": "证据",
                },
                max_rows=30,
                empty="没有变化 no change",
            )
        )


def _pct(v) -> str:
    try:
        return "" if v != v else f"{float(v) * 100:.0f}%"
    except (TypeError, ValueError):
        return ""
