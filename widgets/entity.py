"""Entity 360° (实体全景): everything the warehouse knows about one token, across all companies.

A person, vehicle, plate, phone, account, representative, agent, repair shop or hospital:
its policies, claims and receipts at every company (masked one-line details from
``v_record_detail``), a timeline chart, and the clues that name it.  This is the association's
view — it spans companies — and is never handed to a company.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from .charts import bar, timeline
from .data import Workbench
from .queries import ENTITY_RECORDS, ENTITY_ZH, entity_clues, entity_profile, entity_records
from .ui import CSS, FigureOutput, Notice, esc, guarded, money, table_html, tier_badge

MAX_CLUE_BUTTONS = 20


class EntityView(w.VBox):
    """``show_entity(entity_type, token)``; ``on_clue(fn)`` registers ``fn(clue_id)`` for pivots."""

    def __init__(self, wb: Workbench):
        self.wb = wb
        self.entity: tuple[str, str] | None = None
        self._clue_handlers: list[Callable[[str], None]] = []
        self.notice = Notice()
        self.kind = w.Dropdown(
            options=[(f"{ENTITY_ZH.get(k, k)} {k}", k) for k in ENTITY_RECORDS],
            value="person",
            description="类型",
            layout=w.Layout(width="220px"),
            style={"description_width": "40px"},
        )
        self.token = w.Text(
            placeholder="令牌 token, e.g. ID_…",
            description="令牌",
            layout=w.Layout(width="360px"),
            style={"description_width": "40px"},
        )
        self.go = w.Button(description="查看 view", icon="search", layout=w.Layout(width="100px"))
        self.go.on_click(lambda _: self.show_entity(self.kind.value, self.token.value.strip()))
        self.header = w.HTML(
            '<div class="wb-notice-info">在线索详情中点击 360° 或输入令牌 / click 360° on an '
            "entity of a clue, or enter a token</div>"
        )
        self.header.add_class("wb-entity-header")
        self.summary = w.HTML()
        self.chart = FigureOutput()
        self.chart.add_class("wb-entity-timeline")
        self.company_chart = FigureOutput()
        self.records = w.HTML()
        self.records.add_class("wb-entity-records")
        self.clues_title = w.HTML()
        self.clue_rows = w.VBox()
        super().__init__(
            [
                w.HTML(CSS),
                w.HBox([self.kind, self.token, self.go]),
                self.notice,
                self.header,
                self.summary,
                self.chart,
                self.company_chart,
                self.records,
                self.clues_title,
                self.clue_rows,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-entity-view")

    def on_clue(self, handler: Callable[[str], None]) -> None:
        self._clue_handlers.append(handler)

    @guarded
    def show_entity(self, entity_type: str, token: str) -> None:
        self.notice.clear()
        if not token:
            self.notice.error("请输入令牌 / enter a token")
            return
        self.entity = (entity_type, token)
        if entity_type in ENTITY_RECORDS:
            self.kind.value = entity_type
        self.token.value = token
        prof = entity_profile(self.wb, entity_type, token)
        recs = entity_records(self.wb, entity_type, token)
        clues = entity_clues(self.wb, entity_type, token)
        extra = ""
        if prof.get("gender") or prof.get("birth_year"):
            extra = f" · 性别 {esc(prof.get('gender'))} · 出生年份 {esc(prof.get('birth_year'))}"
        self.header.value = (
            f'<div class="wb-h">{esc(ENTITY_ZH.get(entity_type, entity_type))}：'
            f'<span class="wb-mask">{esc(prof.get("mask")) or "（无掩码）"}</span></div>'
            f'<div class="wb-sub">令牌 token <span class="wb-token">{esc(token)}</span>{extra}</div>'
        )
        if recs.empty:
            self.summary.value = '<div class="wb-notice-info">仓库中没有该实体的记录 / no records for this entity</div>'
        else:
            by_kind = (
                recs.groupby("record_kind_zh")
                .agg(n=("record_no", "size"), amount=("amount", "sum"))
                .reset_index()
            )
            parts = "；".join(
                f"{esc(r.record_kind_zh)} {r.n} 条 ({esc(money(r.amount))})"
                for r in by_kind.itertuples()
            )
            self.summary.value = (
                f"<div>涉及 <b>{recs['company_code'].nunique()}</b> 家公司、<b>{len(recs)}</b> 条记录 / "
                f"{recs['company_code'].nunique()} companies, {len(recs)} records：{parts}</div>"
            )
        self.chart.show_figure(
            timeline(
                recs,
                f"{ENTITY_ZH.get(entity_type, entity_type)} {prof.get('mask') or ''} "
                "记录时间线 timeline of records",
            )
        )
        per_co = (
            (
                recs.groupby("company_code")
                .agg(records=("record_no", "size"), amount=("amount", "sum"))
                .reset_index()
            )
            if len(recs)
            else recs
        )
        self.company_chart.show_figure(
            bar(
                per_co,
                "company_code",
                "records",
                "各公司记录数 records per company",
                "公司 company",
                "记录数 records (条)",
                height=300,
            )
        )
        self.records.value = (
            f'<div class="wb-h">全部记录 all records ({len(recs)})</div>'
            + table_html(
                recs,
                {
                    "company_code": "公司",
                    "record_kind_zh": "类型",
                    "record_no": "保单/赔案/票据号",
                    "role_zh": "角色",
                    "person_mask": "人员(脱敏)",
                    "object_desc": "标的/事由",
                    "key_date_zh": "日期类型",
                    "key_date": "日期",
                    "amount_zh": "金额类型",
                    "amount": "金额(元)",
                },
                formats={"amount": lambda v: esc(money(v))},
                numeric=("amount",),
            )
        )
        self._show_clues(clues)

    def _show_clues(self, clues) -> None:
        self.clues_title.value = (
            f'<div class="wb-h">涉及该实体的线索 clues naming it ({len(clues)})</div>'
        )
        rows = []
        for r in clues.head(MAX_CLUE_BUTTONS).itertuples():
            b = w.Button(
                description=r.clue_id, layout=w.Layout(width="150px"), tooltip="打开线索 open clue"
            )
            b.add_class("wb-entity-clue")
            b.on_click(lambda _, c=r.clue_id: [h(c) for h in self._clue_handlers])
            rows.append(
                w.HBox(
                    [
                        b,
                        w.HTML(
                            f"{tier_badge(r.tier)} {esc(r.title_zh)} · {esc(r.fraud_kind_zh)} · "
                            f"{esc(r.companies)} · {esc(money(r.amount))} · 角色 {esc(r.role_zh)}"
                        ),
                    ],
                    layout=w.Layout(align_items="center"),
                )
            )
        if len(clues) > MAX_CLUE_BUTTONS:
            rows.append(
                w.HTML(
                    f'<div class="wb-notice-info">仅显示前 {MAX_CLUE_BUTTONS} 条，共 {len(clues)} 条 / '
                    f"first {MAX_CLUE_BUTTONS} of {len(clues)}</div>"
                )
            )
        self.clue_rows.children = rows
