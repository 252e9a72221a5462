"""One clue in full (线索详情): evidence, the records behind it, its entities, its history.

Entities are shown by their masks; the token is printed small underneath so an analyst can
pivot on it.  ``on_entity(fn)`` registers ``fn(entity_type, token)`` for the "360°" buttons.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.lifecycle import STATES, VERDICTS
from workbench.rules import discover

from .data import Workbench
from .queries import (
    ENTITY_RECORDS,
    clue_entities,
    clue_head,
    clue_records,
    clue_whitelist,
    fraud_kind_zh,
    line_zh,
)
from .ui import CSS, Notice, esc, guarded, money, table_html, tier_badge, when

#: Entities shown with a 360° button; the rest are listed in a table.
MAX_ENTITY_BUTTONS = 30


@functools.lru_cache(maxsize=1)
def rule_catalogue() -> dict:
    """The rule library's metadata (titles, metric meanings, rationale) by rule id."""
    return discover()


def lifecycle_history(
    wb: Workbench, subject: str
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(events, verdicts, feedback) of one clue from the lifecycle store."""
    con = wb.store.connection
    events = pd.read_sql_query(
        "SELECT state, actor, reason, at FROM events WHERE subject = ? ORDER BY event_id",
        con,
        params=[subject],
    )
    events["state_zh"] = events["state"].map(STATES)
    verdicts = pd.read_sql_query(
        "SELECT verdict_id, verdict, reason, panel, session, recorded_by, at FROM verdicts "
        "WHERE subject = ? ORDER BY verdict_id",
        con,
        params=[subject],
    )
    verdicts["verdict_zh"] = verdicts["verdict"].map(lambda v: VERDICTS.get(v, (v,))[0])
    verdicts["panel"] = verdicts["panel"].map(lambda p: "、".join(json.loads(p)) if p else "")
    feedback = pd.read_sql_query(
        "SELECT company_code, conclusion, amount_involved, amount_recovered, referred_to_police, police_case_no, "
        "checker, remarks, imported_at FROM feedback WHERE clue_id = ? AND superseded_by IS NULL "
        "ORDER BY company_code",
        con,
        params=[subject],
    )
    return events, verdicts, feedback


class ClueDetail(w.VBox):
    """Header, evidence, records, entities and lifecycle of one clue."""

    def __init__(self, wb: Workbench):
        self.wb = wb
        self.clue_id: str | None = None
        self.head_row: dict | None = None
        self._entity_handlers: list[Callable[[str, str], None]] = []
        self.notice = Notice()
        self.header = w.HTML(
            '<div class="wb-notice-info">请在上方列表中选择一条线索 / choose a clue above</div>'
        )
        self.header.add_class("wb-clue-header")
        self.evidence = w.HTML()
        self.evidence.add_class("wb-evidence-box")
        self.records = w.HTML()
        self.records.add_class("wb-records")
        self.entity_title = w.HTML()
        self.entity_rows = w.VBox()
        self.entity_rows.add_class("wb-entities")
        self.entity_more = w.HTML()
        self.history = w.HTML()
        self.history.add_class("wb-history")
        super().__init__(
            [
                w.HTML(CSS),
                self.notice,
                self.header,
                self.evidence,
                self.records,
                self.entity_title,
                self.entity_rows,
                self.entity_more,
                self.history,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-clue-detail")

    def on_entity(self, handler: Callable[[str, str], None]) -> None:
        self._entity_handlers.append(handler)

    @guarded
    def show_clue(self, clue_id: str) -> None:
        self.notice.clear()
        head = clue_head(self.wb, clue_id)
        if head is None:
            self.notice.error(f"线索 {clue_id} 不存在 / no clue {clue_id}")
            return
        self.clue_id, self.head_row = clue_id, head
        rule = rule_catalogue().get(head["rule_id"])
        state = self.wb.store.state_of(clue_id) or "extracted"
        self.header.value = (
            f'<div class="wb-h">{tier_badge(head["tier"])} {esc(head["title_zh"] or head["rule_id"])}</div>'
            f'<div class="wb-sub">线索编号 <b>{esc(clue_id)}</b> · 规则 {esc(head["rule_id"])} v{esc(head["rule_version"])}'
            f" · 指标 {esc(head['indicator'])} · {esc(line_zh(head['line']))} · {esc(fraud_kind_zh(head['fraud_kind']))}"
            f" · 严重程度 {esc(head['severity'])} · 得分 score <b>{esc(_fmt(head['score'], '.1f'))}</b>"
            f" · 涉及公司 {esc(head['companies'])} ({esc(head['company_count'])}家)"
            f" · 涉及金额 {esc(money(head['amount']))}"
            f' · 当前状态 <b class="wb-state">{esc(STATES.get(state, state))}</b></div>'
        )
        metrics = []
        if rule is not None:
            for key in ("metric1", "metric2"):
                meaning = rule.metrics.get(key)
                if meaning and head.get(key) is not None and head[key] == head[key]:
                    metrics.append(
                        f"<li>{esc(meaning)}：<b>{esc(_fmt(head[key], ',.6g'))}</b></li>"
                    )
        signals = ""
        if head.get("signals") and head["signals"] == head["signals"] and int(head["signals"]) > 1:
            signals = (
                f"<div>独立信号 {int(head['signals'])} 个 independent signals: "
                f"{esc(head['signal_rules'])}</div>"
            )
        white = ""
        if head.get("whitelisted"):
            wl = clue_whitelist(self.wb, clue_id)
            white = (
                f'<div class="wb-notice-timeout">白名单 whitelisted: {esc(head["whitelist_reason"])}</div>'
                + table_html(
                    wl,
                    {
                        "entity_type": "类型",
                        "mask": "实体",
                        "reason": "原因",
                        "verified_by": "核实人",
                        "valid_until": "有效期至",
                    },
                )
            )
        rationale = (
            (
                f'<details><summary>规则依据 why this rule</summary><div class="wb-sub">'
                f"{esc(rule.rationale)}</div></details>"
            )
            if rule is not None
            else ""
        )
        self.evidence.value = (
            f'<div class="wb-evidence">证据 evidence：{esc(head["evidence_zh"])}</div>'
            + (f"<ul>{''.join(metrics)}</ul>" if metrics else "")
            + signals
            + white
            + rationale
        )
        recs = clue_records(self.wb, clue_id)
        self.records.value = f'<div class="wb-h">涉案记录 records ({len(recs)})</div>' + table_html(
            recs,
            {
                "company_code": "公司",
                "record_kind_zh": "类型",
                "record_no": "保单/赔案号",
                "person_mask": "人员(脱敏)",
                "object_desc": "标的/事由",
                "key_date_zh": "日期类型",
                "key_date": "日期",
                "amount": "金额(元)",
                "role_zh": "角色",
            },
            formats={"amount": lambda v: esc(_fmt(v, ",.0f"))},
            numeric=("amount",),
        )
        self._show_entities(clue_entities(self.wb, clue_id))
        self.refresh_history()

    def _show_entities(self, ents: pd.DataFrame) -> None:
        self.entity_title.value = f'<div class="wb-h">涉案实体 entities ({len(ents)})</div>'
        rows = []
        for r in ents.head(MAX_ENTITY_BUTTONS).itertuples():
            if r.entity_type in ENTITY_RECORDS:
                b = w.Button(
                    description="360°",
                    tooltip="查看该实体的全部记录 everything about this entity",
                    layout=w.Layout(width="64px"),
                )
                b.add_class("wb-entity-360")
                b.on_click(lambda _, t=r.entity_type, k=r.token: self._pivot(t, k))
            else:  # e.g. a reported case number: listed, but there is nothing to pivot to
                b = w.Button(
                    description="—",
                    disabled=True,
                    tooltip="该类实体无360°视图 no 360° view for this kind",
                    layout=w.Layout(width="64px"),
                )
            label = w.HTML(
                f'<span class="wb-mask">{esc(r.mask) or "（无掩码）"}</span> '
                f"<span>{esc(r.entity_zh)} · 角色 {esc(r.role_zh)} · 记录 {esc(r.record_count)}</span> "
                f'<span class="wb-token">{esc(r.token)}</span>'
            )
            rows.append(w.HBox([b, label], layout=w.Layout(align_items="center")))
        self.entity_rows.children = rows
        rest = ents.iloc[MAX_ENTITY_BUTTONS:]
        self.entity_more.value = (
            ""
            if rest.empty
            else (
                f'<div class="wb-notice-info">另有 {len(rest)} 个实体（无360°按钮）/ {len(rest)} more entities</div>'
                + table_html(
                    rest,
                    {
                        "entity_zh": "类型",
                        "mask": "实体(脱敏)",
                        "role_zh": "角色",
                        "record_count": "记录数",
                    },
                )
            )
        )

    def _pivot(self, entity_type: str, token: str) -> None:
        for handler in self._entity_handlers:
            handler(entity_type, token)

    @guarded
    def refresh_history(self) -> None:
        if not self.clue_id:
            return
        events, verdicts, feedback = lifecycle_history(self.wb, self.clue_id)
        self.history.value = (
            '<div class="wb-h">研判与流转 lifecycle</div>'
            + table_html(
                verdicts,
                {
                    "at": "时间",
                    "verdict_zh": "研判结论",
                    "reason": "理由",
                    "panel": "专家",
                    "session": "研判会",
                    "recorded_by": "记录人",
                },
                formats={"at": when},
                empty="尚无研判结论 no verdict yet",
            )
            + table_html(
                feedback,
                {
                    "company_code": "公司",
                    "conclusion": "核查结论",
                    "amount_involved": "涉案金额",
                    "amount_recovered": "挽损金额",
                    "referred_to_police": "移送公安",
                    "police_case_no": "立案编号",
                    "remarks": "备注",
                },
                empty="公司尚未反馈 no company feedback yet",
            )
            + table_html(
                events,
                {"at": "时间", "state_zh": "状态", "actor": "操作人", "reason": "说明"},
                formats={"at": when},
                empty="尚无流转记录 no lifecycle events yet",
            )
        )


def _fmt(value, spec: str) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if v != v else format(v, spec)
