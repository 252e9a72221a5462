"""The verdict form (研判结论): refer / more evidence / not fraud, a reason, the panel present.

Writes through :meth:`workbench.lifecycle.LifecycleStore.record_verdict` — the one verdict
store, safe for many dashboard kernels writing at once — then reads the verdict and the clue's
state back from the store and shows them, so what the panel sees is what was recorded.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import ipywidgets as w
import pandas as pd

from workbench.errors import WorkbenchError
from workbench.lifecycle import STATES, VERDICTS

from .data import Workbench
from .ui import CSS, Notice, esc, guarded, table_html, when

VERDICT_OPTIONS = [
    ("移送公安 refer", "refer"),
    ("需补充证据 more evidence", "more_evidence"),
    ("排除欺诈 not fraud", "not_fraud"),
]


def panel_members(text: str) -> list[str]:
    """'张三, 李四、王五' → ['张三', '李四', '王五'] (commas, 、, ；, semicolons or new lines)."""
    return [p.strip() for p in re.split(r"[,，、;；\n]+", text or "") if p.strip()]


class VerdictForm(w.VBox):
    """``set_subject(clue_id, kind)``; ``on_recorded(fn)`` registers ``fn(subject, verdict_id)``.

    ``session``, ``panel`` and ``recorded_by`` may be widgets shared with a dashboard header
    (the seminar fills them once per meeting); otherwise the form has its own.
    """

    def __init__(
        self,
        wb: Workbench,
        *,
        session: w.ValueWidget | None = None,
        panel: w.ValueWidget | None = None,
        recorded_by: w.ValueWidget | None = None,
    ):
        self.wb = wb
        self.subject: str | None = None
        self.subject_kind = "clue"
        self._handlers: list[Callable[[str, int], None]] = []
        self.notice = Notice()
        self.notice.add_class("wb-verdict-notice")
        own = []
        self.session = session or w.Text(description="研判会", placeholder="会议名称 session")
        self.panel = panel or w.Text(
            description="专家", placeholder="出席专家，用逗号分隔 panel members"
        )
        self.recorded_by = recorded_by or w.Text(
            description="记录人", placeholder="记录人 recorded by"
        )
        for given, widget in (
            (session, self.session),
            (panel, self.panel),
            (recorded_by, self.recorded_by),
        ):
            if given is None:
                own.append(widget)
        self.title = w.HTML(
            '<div class="wb-h">研判结论 verdict</div><div class="wb-notice-info">'
            "请先选择线索 / choose a clue first</div>"
        )
        self.title.add_class("wb-verdict-title")
        self.verdict = w.ToggleButtons(
            options=VERDICT_OPTIONS,
            value=None,
            description="结论",
            style={"button_width": "200px", "description_width": "56px"},
        )
        self.verdict.add_class("wb-verdict-choice")
        self.reason = w.Textarea(
            placeholder="研判理由（必填）reason (required)",
            description="理由",
            layout=w.Layout(width="720px", height="80px"),
            style={"description_width": "56px"},
        )
        self.reason.add_class("wb-verdict-reason")
        self.submit = w.Button(
            description="提交研判结论 submit",
            button_style="danger",
            icon="gavel",
            layout=w.Layout(width="220px"),
            disabled=True,
        )
        self.submit.add_class("wb-verdict-submit")
        self.submit.on_click(lambda _: self.record())
        self.status = w.HTML()
        self.status.add_class("wb-verdict-status")
        self.past = w.HTML()
        self.past.add_class("wb-verdict-history")
        for widget in own:
            widget.add_class(
                f"wb-verdict-{'session' if widget is self.session else 'panel' if widget is self.panel else 'recorder'}"
            )
        super().__init__(
            [
                w.HTML(CSS),
                self.title,
                *own,
                self.verdict,
                self.reason,
                self.submit,
                self.notice,
                self.status,
                self.past,
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-verdict-form")

    def on_recorded(self, handler: Callable[[str, int], None]) -> None:
        self._handlers.append(handler)

    def set_subject(self, subject: str, subject_kind: str = "clue") -> None:
        self.subject, self.subject_kind = subject, subject_kind
        self.verdict.value = None
        self.reason.value = ""
        self.status.value = ""
        self.notice.clear()
        self.submit.disabled = False
        kind = "团伙" if subject_kind == "ring" else "线索"
        self.title.value = (
            f'<div class="wb-h">研判结论 verdict · {kind} <span class="wb-verdict-subject">'
            f"{esc(subject)}</span></div>"
        )
        self.refresh_history()

    @guarded
    def record(self) -> int | None:
        """Record the verdict; show it as read back from the store."""
        self.notice.clear()
        if not self.subject:
            raise WorkbenchError("请先选择线索 / choose a clue first")
        if self.verdict.value is None:
            raise WorkbenchError("请选择研判结论 / choose a verdict")
        self.submit.disabled = True
        try:
            verdict_id = self.wb.store.record_verdict(
                self.subject,
                self.verdict.value,
                self.reason.value,
                panel_members(self.panel.value),
                recorded_by=(self.recorded_by.value or "").strip(),
                session=(self.session.value or "").strip() or None,
                subject_kind=self.subject_kind,
            )
        finally:
            self.submit.disabled = False
        row = pd.read_sql_query(
            "SELECT verdict, at FROM verdicts WHERE verdict_id = ?",
            self.wb.store.connection,
            params=[verdict_id],
        ).iloc[0]
        state = self.wb.store.state_of(self.subject)
        self.status.value = (
            f'<div class="wb-notice-ok wb-verdict-recorded">已记录研判结论 #{verdict_id}：'
            f"<b>{esc(VERDICTS[row['verdict']][0])}</b>（{esc(row['at'][:19])}）· 当前状态 "
            f"<b>{esc(STATES.get(state, state))}</b> / recorded verdict #{verdict_id}: {esc(row['verdict'])}, "
            f"state now {esc(state)}</div>"
        )
        self.reason.value = ""
        self.verdict.value = None
        self.refresh_history()
        for handler in self._handlers:
            handler(self.subject, verdict_id)
        return verdict_id

    @guarded
    def refresh_history(self) -> None:
        if not self.subject:
            return
        df = pd.read_sql_query(
            "SELECT verdict_id, verdict, reason, panel, session, recorded_by, at FROM verdicts "
            "WHERE subject = ? ORDER BY verdict_id DESC",
            self.wb.store.connection,
            params=[self.subject],
        )
        df["verdict_zh"] = df["verdict"].map(lambda v: VERDICTS.get(v, (v,))[0])
        df["panel"] = df["panel"].map(lambda p: "、".join(json.loads(p)) if p else "")
        self.past.value = (
            '<div class="wb-sub">本线索的研判记录 verdicts on this subject</div>'
            + table_html(
                df,
                {
                    "verdict_id": "#",
                    "at": "时间",
                    "verdict_zh": "结论",
                    "reason": "理由",
                    "panel": "专家",
                    "session": "研判会",
                    "recorded_by": "记录人",
                },
                formats={"at": when},
                empty="尚无 none yet",
            )
        )
