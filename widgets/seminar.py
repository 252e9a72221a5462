"""The review session (研判会) dashboard: queue, detail and evidence, ring, entity 360°, verdict.

One :class:`SeminarApp` per visitor (Voilà runs one kernel per visitor).  The header holds the
session name, the panel members present and the recorder, shared by every verdict recorded
in this browser tab.
"""

from __future__ import annotations

import datetime as dt

import ipywidgets as w

from .browser import ClueBrowser
from .data import Workbench
from .detail import ClueDetail
from .entity import EntityView
from .queries import ClueFilters, filter_options
from .ring import RingView
from .ui import CSS, esc
from .verdict import VerdictForm

TABS = ("线索证据 evidence", "团伙 ring", "实体360° entity")


class SeminarApp(w.VBox):
    def __init__(
        self,
        wb: Workbench,
        *,
        session: str | None = None,
        line: str | None = None,
        queue: str = "pending",
        page_size: int = 15,
        title: str = "",
    ):
        self.wb = wb
        today = dt.date.today().isoformat()
        sessions = filter_options(wb)["session"]
        self.session = w.Combobox(
            value=session or f"研判会 {today}",
            options=sessions,
            description="研判会",
            placeholder="会议名称 session",
            ensure_option=False,
            layout=w.Layout(width="320px"),
            style={"description_width": "56px"},
        )
        self.session.add_class("wb-session")
        self.panel = w.Text(
            description="出席专家",
            placeholder="张专家, 李专家 (逗号分隔)",
            layout=w.Layout(width="420px"),
            style={"description_width": "64px"},
        )
        self.panel.add_class("wb-panel")
        self.recorder = w.Text(
            description="记录人",
            placeholder="记录人 recorder",
            layout=w.Layout(width="240px"),
            style={"description_width": "56px"},
        )
        self.recorder.add_class("wb-recorder")
        self.browser = ClueBrowser(
            wb,
            page_size=page_size,
            filters=ClueFilters(line=line, queue=queue, session=self.session.value),
        )
        self.detail = ClueDetail(wb)
        self.ring = RingView(wb)
        self.entity = EntityView(wb)
        self.tabs = w.Tab(children=[self.detail, self.ring, self.entity])
        for i, t in enumerate(TABS):
            self.tabs.set_title(i, t)
        self.tabs.add_class("wb-detail-tabs")
        self.verdict = VerdictForm(
            wb, session=self.session, panel=self.panel, recorded_by=self.recorder
        )
        self.browser.on_open(self.open_clue)
        self.detail.on_entity(self.open_entity)
        self.entity.on_clue(self.open_clue)
        self.ring.on_clue(self.open_clue)
        self.verdict.on_recorded(self._recorded)
        self.session.observe(lambda ch: self.browser.set_session(ch["new"]), names="value")
        name = esc(title or (wb.campaign.name if wb.campaign else ""))
        header = w.HTML(
            f'<div class="wb-h" style="font-size:22px">{name} · 研判会 expert review session</div>'
            f'<div class="wb-sub">数据仓库 warehouse {esc(wb.warehouse.name)}（只读 read-only）· '
            f"研判结论写入 verdicts go to {esc(wb.store.path.name)}</div>"
        )
        self.ready = w.HTML('<span class="wb-ready"></span>')
        super().__init__(
            [
                w.HTML(CSS),
                header,
                w.HBox([self.session, self.panel, self.recorder]),
                w.HTML('<div class="wb-h">研判队列 queue</div>'),
                self.browser,
                self.tabs,
                self.verdict,
                self.ready,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-seminar")

    def open_clue(self, clue_id: str) -> None:
        """Show ``clue_id`` in every panel and point the verdict form at it."""
        if self.browser.selected != clue_id:
            self.browser.selected = clue_id
            for _, button, _ in self.browser.rows:
                button.button_style = "info" if button.description == clue_id else ""
        self.detail.show_clue(clue_id)
        self.ring.show_ring(clue_id)
        head = self.detail.head_row or {}
        self.verdict.set_subject(clue_id, "ring" if head.get("rule_id") == "ring" else "clue")
        self.tabs.selected_index = 0

    def open_entity(self, entity_type: str, token: str) -> None:
        self.entity.show_entity(entity_type, token)
        self.tabs.selected_index = 2

    def _recorded(self, subject: str, verdict_id: int) -> None:
        self.detail.refresh_history()
        self.browser.refresh()
        opts = filter_options(self.wb)["session"]
        self.session.options = opts
