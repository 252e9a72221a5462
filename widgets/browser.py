"""The clue browser (线索浏览): filter, sort and page through the clues; open one.

Filters: period, line, fraud kind, company, city, tier, lifecycle state, rule, and the review
queue (all / awaiting a verdict / decided in this session).  One page is one SQL query with
``LIMIT``/``OFFSET`` and bound parameters (:func:`widgets.queries.clue_page`), so paging through
100,000 clues costs the same as through 100.  The rows are a fixed set of slots whose content
changes; no widgets are created per page.
"""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w

from .data import Workbench
from .queries import (
    QUEUES,
    SORTS,
    ClueFilters,
    clue_count,
    clue_page,
    filter_options,
    lifecycle_tables,
)
from .ui import CSS, Notice, esc, guarded, money, tier_badge

ANY = "全部 any"

#: (header, width) of the row cells after the open button.
COLUMNS = (
    ("等级", "46px"),
    ("得分", "52px"),
    ("险种", "64px"),
    ("欺诈类型", "150px"),
    ("规则 / 证据", "420px"),
    ("涉及公司", "120px"),
    ("金额", "96px"),
    ("状态", "96px"),
)


def _cell(text: str, width: str, title: str = "") -> str:
    t = f' title="{esc(title)}"' if title else ""
    return f'<span class="wb-cell" style="width:{width}"{t}>{text}</span>'


class ClueBrowser(w.VBox):
    """Filterable, sortable, paged list of clues; ``on_open(fn)`` registers ``fn(clue_id)``."""

    def __init__(
        self,
        wb: Workbench,
        *,
        page_size: int = 15,
        filters: ClueFilters | None = None,
        sort: str = "score",
        show_queue: bool = True,
    ):
        self.wb = wb
        self.page_size = page_size
        self.page = 0
        self.total = 0
        self.clue_ids: list[str] = []
        self.selected: str | None = None
        self._handlers: list[Callable[[str], None]] = []
        self._refreshing = False
        f = filters or ClueFilters()
        self.notice = Notice()
        opts = self._options(f.period) or {}

        def dropdown(name: str, label: str, value, width="210px"):
            value = value or ""
            choices = [(ANY, "")] + list(opts.get(name, []))
            if value not in [v for _, v in choices]:
                choices.append((str(value), value))
            d = w.Dropdown(
                options=choices,
                value=value,
                description=label,
                layout=w.Layout(width=width),
                style={"description_width": "56px"},
            )
            d.add_class(f"wb-filter-{name}")
            return d

        self.period = w.Dropdown(
            options=[("专项行动期间 campaign", "campaign"), ("2017年及以前 pre-2017", "pre2017")],
            value=f.period,
            description="期间",
            layout=w.Layout(width="260px"),
            style={"description_width": "56px"},
        )
        self.period.add_class("wb-filter-period")
        self.line = dropdown("line", "险种", f.line)
        self.fraud_kind = dropdown("fraud_kind", "欺诈类型", f.fraud_kind, "300px")
        self.company = dropdown("company", "公司", f.company)
        self.city = dropdown("city", "城市", f.city)
        self.tier = dropdown("tier", "等级", f.tier, "170px")
        self.state = dropdown("state", "状态", f.state, "240px")
        self.rule_id = dropdown("rule_id", "规则", f.rule_id, "420px")
        self.queue = w.Dropdown(
            options=[(v, k) for k, v in QUEUES.items()],
            value=f.queue,
            description="队列",
            layout=w.Layout(width="300px", display="" if show_queue else "none"),
            style={"description_width": "56px"},
        )
        self.queue.add_class("wb-filter-queue")
        self.session = f.session
        self.sort = w.Dropdown(
            options=[(label, k) for k, (label, _) in SORTS.items()],
            value=sort,
            description="排序",
            layout=w.Layout(width="240px"),
            style={"description_width": "56px"},
        )
        self.sort.add_class("wb-sort")
        self.refresh_button = w.Button(
            description="刷新 refresh", icon="refresh", layout=w.Layout(width="120px")
        )
        self.refresh_button.on_click(lambda _: self.refresh())
        self.summary = w.HTML()
        self.summary.add_class("wb-clue-count")
        head = "".join(_cell(esc(h), wd) for h, wd in COLUMNS)
        self.head = w.HTML(
            f'<div class="wb-head"><span class="wb-cell" style="width:170px">线索编号 clue</span>{head}</div>'
        )
        self.rows = []
        for i in range(page_size):
            b = w.Button(
                description="",
                layout=w.Layout(width="170px", height="28px"),
                tooltip="打开线索 open this clue",
            )
            b.add_class("wb-open-clue")
            b.on_click(lambda _, i=i: self._open(i))
            html = w.HTML()
            html.add_class("wb-row-cells")
            row = w.HBox([b, html], layout=w.Layout(display="none", align_items="center"))
            row.add_class("wb-clue-row")
            self.rows.append((row, b, html))
        self.prev = w.Button(
            description="上一页 prev", icon="chevron-left", layout=w.Layout(width="120px")
        )
        self.next = w.Button(
            description="下一页 next", icon="chevron-right", layout=w.Layout(width="120px")
        )
        self.prev.add_class("wb-prev")
        self.next.add_class("wb-next")
        self.prev.on_click(lambda _: self.goto(self.page - 1))
        self.next.on_click(lambda _: self.goto(self.page + 1))
        self.page_label = w.HTML()
        self.filters_box = w.VBox(
            [
                w.HBox(
                    [self.period, self.line, self.fraud_kind, self.tier],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox(
                    [self.company, self.city, self.state, self.queue],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
                w.HBox(
                    [self.rule_id, self.sort, self.refresh_button],
                    layout=w.Layout(flex_flow="row wrap"),
                ),
            ]
        )
        for d in (
            self.line,
            self.fraud_kind,
            self.company,
            self.city,
            self.tier,
            self.state,
            self.rule_id,
            self.queue,
            self.sort,
        ):
            d.observe(self._changed, names="value")
        self.period.observe(self._period_changed, names="value")
        super().__init__(
            [
                w.HTML(CSS),
                self.filters_box,
                self.summary,
                self.notice,
                self.head,
                *[r for r, _, _ in self.rows],
                w.HBox([self.prev, self.page_label, self.next]),
            ]
        )
        self.add_class("wb-root")
        self.add_class("wb-clue-browser")
        self.refresh()

    # --- state ------------------------------------------------------------------------------

    @guarded
    def _options(self, period: str) -> dict:
        return filter_options(self.wb, period)

    def filters(self) -> ClueFilters:
        return ClueFilters(
            period=self.period.value,
            line=self.line.value or None,
            fraud_kind=self.fraud_kind.value or None,
            company=self.company.value or None,
            city=self.city.value or None,
            tier=self.tier.value or None,
            state=self.state.value or None,
            rule_id=self.rule_id.value or None,
            queue=self.queue.value,
            session=self.session,
        )

    def on_open(self, handler: Callable[[str], None]) -> None:
        self._handlers.append(handler)

    def set_session(self, session: str | None) -> None:
        self.session = session or None
        if self.queue.value == "session":
            self.refresh()

    def _changed(self, change) -> None:
        if not self._refreshing:
            self.page = 0
            self.refresh()

    def _period_changed(self, change) -> None:
        opts = self._options(self.period.value) or {}
        self._refreshing = True
        try:
            for name in ("line", "fraud_kind", "company", "city", "rule_id"):
                d = getattr(self, name)
                d.options = [(ANY, "")] + list(opts.get(name, []))
                d.value = ""
        finally:
            self._refreshing = False
        self.page = 0
        self.refresh()

    def goto(self, page: int) -> None:
        pages = max(1, -(-self.total // self.page_size))
        self.page = min(max(0, page), pages - 1)
        self.refresh()

    # --- drawing ----------------------------------------------------------------------------

    @guarded
    def refresh(self) -> None:
        """Query the current page and redraw the row slots."""
        self.notice.clear()
        f = self.filters()
        tables = lifecycle_tables(self.wb)
        self.total = clue_count(self.wb, f, tables)
        pages = max(1, -(-self.total // self.page_size))
        self.page = min(self.page, pages - 1)
        df = clue_page(self.wb, f, self.sort.value, self.page, self.page_size, tables)
        self.clue_ids = df["clue_id"].tolist()
        for i, (row, button, html) in enumerate(self.rows):
            if i >= len(df):
                row.layout.display = "none"
                continue
            r = df.iloc[i]
            button.description = r["clue_id"]
            button.button_style = "info" if r["clue_id"] == self.selected else ""
            title = f"{r['title_zh'] or r['rule_id']}：{r['evidence_zh'] or ''}"
            cells = [
                tier_badge(r["tier"]),
                esc(f"{r['score']:.0f}" if r["score"] == r["score"] else ""),
                esc(r["line_zh"]),
                esc(r["fraud_kind_zh"]),
                f"<b>{esc(r['title_zh'] or r['rule_id'])}</b> {esc(r['evidence_zh'])}",
                esc(r["companies"]),
                esc(money(r["amount"])),
                esc(r["state_zh"]),
            ]
            html.value = "".join(
                _cell(c, wd, title if h.startswith("规则") else "")
                for c, (h, wd) in zip(cells, COLUMNS, strict=True)
            )
            row.layout.display = ""
        first = self.page * self.page_size + 1 if self.total else 0
        last = self.page * self.page_size + len(df)
        self.summary.value = (
            f"<b>共 {self.total:,} 条线索</b>，显示第 {first:,}–{last:,} 条 / "
            f"{self.total:,} clues, showing {first:,}–{last:,}"
        )
        self.page_label.value = f"&nbsp;第 {self.page + 1} / {pages} 页 page&nbsp;"
        self.prev.disabled = self.page == 0
        self.next.disabled = self.page >= pages - 1

    def _open(self, i: int) -> None:
        if i >= len(self.clue_ids):
            return
        self.open_clue(self.clue_ids[i])

    def open_clue(self, clue_id: str) -> None:
        """Select ``clue_id`` (highlight its row) and tell the handlers."""
        self.selected = clue_id
        for _, button, _ in self.rows:
            button.button_style = "info" if button.description == clue_id else ""
        for handler in self._handlers:
            handler(clue_id)
