"""Ring view (团伙视图): the graph of a ring's claims and the entities that link them, its
members, links, money and companies.  For a clue that is not itself a ring, the rings that
share its records are listed instead (``on_clue(fn)`` opens one)."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from .charts import bar, ring_graph
from .data import Workbench
from .queries import clue_entities, clue_head, ring_edges, ring_links, ring_money, rings_of_clue
from .ui import CSS, FigureOutput, Notice, esc, guarded, money, table_html, tier_badge


class RingView(w.VBox):
    def __init__(self, wb: Workbench):
        self.wb = wb
        self.clue_id: str | None = None
        self._clue_handlers: list[Callable[[str], None]] = []
        self.notice = Notice()
        self.header = w.HTML(
            '<div class="wb-notice-info">选择一条团伙线索 / choose a ring clue</div>'
        )
        self.header.add_class("wb-ring-header")
        self.graph = FigureOutput()
        self.graph.add_class("wb-ring-graph")
        self.money_chart = FigureOutput()
        self.tables = w.HTML()
        self.others = w.VBox()
        super().__init__(
            [
                w.HTML(CSS),
                self.notice,
                self.header,
                self.others,
                self.graph,
                self.money_chart,
                self.tables,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-ring-view")

    def on_clue(self, handler: Callable[[str], None]) -> None:
        self._clue_handlers.append(handler)

    @guarded
    def show_ring(self, clue_id: str) -> None:
        self.notice.clear()
        self.clue_id = clue_id
        head = clue_head(self.wb, clue_id)
        self.graph.clear_output()
        self.money_chart.clear_output()
        self.tables.value = ""
        self.others.children = []
        if head is None:
            self.header.value = ""
            return
        if head["rule_id"] != "ring":
            rings = rings_of_clue(self.wb, clue_id)
            self.header.value = (
                '<div class="wb-notice-info">该线索本身不是团伙线索 / this clue is not a ring. '
                + (
                    f"它的记录出现在 {len(rings)} 个团伙中 / its records belong to {len(rings)} ring(s):"
                    if len(rings)
                    else "它的记录不属于任何团伙 / none of its records is in a ring."
                )
                + "</div>"
            )
            rows = []
            for r in rings.itertuples():
                b = w.Button(
                    description=r.clue_id,
                    layout=w.Layout(width="150px"),
                    tooltip="打开团伙 open ring",
                )
                b.on_click(lambda _, c=r.clue_id: [h(c) for h in self._clue_handlers])
                rows.append(w.HBox([b, w.HTML(f"{tier_badge(r.tier)} {esc(r.evidence_zh)}")]))
            self.others.children = rows
            return
        edges = ring_edges(self.wb, clue_id)
        links = ring_links(self.wb, clue_id)
        moneys = ring_money(self.wb, clue_id)
        ents = clue_entities(self.wb, clue_id)
        members = ents[ents["entity_type"] == "person"]
        self.header.value = (
            f'<div class="wb-h">{tier_badge(head["tier"])} 团伙 ring {esc(clue_id)}</div>'
            f'<div class="wb-evidence">{esc(head["evidence_zh"])}</div>'
            f'<div class="wb-sub">成员 {len(members)} 人 · 赔案 {int(head["record_count"])} 个 · '
            f"公司 {esc(head['companies'])} · 合计 {esc(money(head['amount']))}</div>"
        )
        self.graph.show_figure(ring_graph(edges, f"团伙关系图 ring graph · {clue_id}"))
        self.money_chart.show_figure(
            bar(
                moneys,
                "company_code",
                "paid",
                "各公司赔付金额 paid per company",
                "公司 company",
                "赔付金额 paid (元)",
                height=300,
                text_format=",.0f",
            )
        )
        self.tables.value = (
            '<div class="wb-h">成员 members</div>'
            + table_html(
                members,
                {
                    "mask": "人员(脱敏)",
                    "role_zh": "角色",
                    "record_count": "赔案数",
                    "token": "令牌",
                },
                formats={"token": lambda v: f'<span class="wb-token">{esc(v)}</span>'},
            )
            + '<div class="wb-h">关联 links (把赔案连在一起的共同实体)</div>'
            + table_html(
                links,
                {
                    "entity_zh": "类型",
                    "mask": "实体(脱敏)",
                    "claim_count": "关联赔案数",
                    "company_count": "涉及公司数",
                    "token": "令牌",
                },
                formats={"token": lambda v: f'<span class="wb-token">{esc(v)}</span>'},
            )
            + '<div class="wb-h">金额与公司 money and companies</div>'
            + table_html(
                moneys,
                {
                    "company_code": "公司",
                    "company_name": "公司名称",
                    "claims": "赔案数",
                    "paid": "赔付金额",
                },
                formats={"paid": lambda v: esc(money(v))},
                numeric=("paid",),
            )
        )
