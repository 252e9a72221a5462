"""The dashboards in a real browser: Playwright drives Debian's Chromium against
``workbench dashboard`` on localhost, on the small synthetic province after a screening run.

* the seminar dashboard loads, a filter changes the list, a clue opens with its evidence and
  entity view, a ring shows its graph, a verdict is submitted and is then in the store;
* the progress and trends dashboards render their charts;
* five browser sessions at once submit verdicts: none is lost, none errors.

Screenshots go to ``outputs/screenshots/`` as a record (whole pages), with small copies for the
README in ``outputs/screenshots/readme/``; ``WORKBENCH_UPDATE_DOC_IMAGES=1`` also writes those
copies to ``docs/img/`` (committed), so an ordinary test run leaves the working tree clean.
Select these tests with ``pytest -m browser``; without Chromium they skip with the reason,
except under ``CI=true`` where a missing browser is a failure.
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from needs import unavailable

from workbench.config import load_campaign
from workbench.dashboard import free_port
from workbench.lifecycle import LifecycleStore
from workbench.warehouse import PROJECT_ROOT

pytestmark = pytest.mark.browser

SHOTS = PROJECT_ROOT / "outputs" / "screenshots"
DOC_IMAGES = PROJECT_ROOT / "docs" / "img"
UPDATE_DOC_IMAGES = "WORKBENCH_UPDATE_DOC_IMAGES"
#: README copies: (css px of the page's top-left region to keep, width in px of the PNG)
DOC_WIDTH = 880
DOC_HEIGHTS = {"campaign_progress": 1250, "risk_trends": 1150}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TOKEN = re.compile(r"\b[A-Z]{2}_[0-9a-f]{24}\b")
LOAD = 180_000  # ms: a Voilà page starts a kernel and runs the notebook first
STEP = 60_000  # ms: one interaction (a query and a redraw)


def _unavailable(reason: str, env=os.environ):
    unavailable("browser", reason, env)


def test_a_missing_browser_fails_under_ci_and_skips_elsewhere():
    with pytest.raises(pytest.fail.Exception, match="CI=true: the browser tests must run"):
        _unavailable("no Chromium on PATH", env={"CI": "true"})
    with pytest.raises(pytest.skip.Exception, match="browser tests skipped: no Chromium"):
        _unavailable("no Chromium on PATH", env={})


# Module scope, not session: the servers, their kernels and the Playwright session end with this
# file. A Playwright sync session left running kept each later nbmake notebook waiting ~300 s.
@pytest.fixture(scope="module")
def chromium() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        _unavailable("no Chromium on PATH (Debian: apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[test]')")
    return path


@pytest.fixture(scope="module")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    b = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
    yield b
    b.close()
    pw.stop()


@pytest.fixture(scope="module")
def dashboard_data(tmp_path_factory, chromium) -> Path:
    """A copy of the small fixture province's warehouse, screened, in a temp folder."""
    from workbench.fixture import ensure_fixture
    from workbench.screen import screen
    from workbench.warehouse import connect

    campaign = load_campaign(PROJECT_ROOT / "campaign.toml")
    source = ensure_fixture(campaign)
    path = tmp_path_factory.mktemp("dashboard") / "warehouse.duckdb"
    shutil.copy(source, path)
    con = connect(path)
    try:
        screen(con)
        rings = "SELECT count(*) FROM clues WHERE rule_id = 'ring' AND current"
        assert con.execute(rings).fetchone()[0] > 0
        per_company = con.execute(
            "SELECT r.company_code, list(DISTINCT c.clue_id ORDER BY c.clue_id) FROM clues AS c "
            "JOIN clue_records AS r USING (clue_id) WHERE c.current AND c.tier = 'A' "
            "GROUP BY 1 ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    # the association has sent the top-tier clues to the companies: progress has something to show
    store = LifecycleStore(path.with_name("lifecycle.sqlite"))
    try:
        for company, clue_ids in per_company:
            store.record_dispatch(
                f"D-TEST-{company}",
                company,
                f"{company}.xlsx",
                "0" * 64,
                clue_ids,
                dt.date(2019, 8, 1),
                dt.date(2019, 8, 31),
                "test",
                "测试分析员",
            )
    finally:
        store.close()
    return path


class Server:
    """``workbench dashboard NAME`` as a subprocess; ``url`` is what it printed."""

    def __init__(self, name: str, warehouse: Path):
        self.name, self.warehouse = name, warehouse
        self.port = free_port()
        self.lines: list[str] = []
        self.url: str | None = None
        self._ready = threading.Event()
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workbench",
                "--config",
                str(PROJECT_ROOT / "campaign.toml"),
                "dashboard",
                name,
                "--warehouse",
                str(warehouse),
                "--port",
                str(self.port),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=PROJECT_ROOT,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
            start_new_session=True,  # its own process group: Voilà and its kernels go with it
        )
        threading.Thread(target=self._read, daemon=True).start()
        if not self._ready.wait(120) or self.url is None:
            self.stop()
            raise AssertionError(
                f"workbench dashboard {name} printed no URL:\n" + "".join(self.lines[-40:])
            )

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line)
            m = re.search(r"open in a browser: (http://127\.0\.0\.1:\d+/)", line)
            if m:
                self.url = m.group(1)
                self._ready.set()
        self._ready.set()

    def stop(self, signalled: bool = False):
        """Ctrl-C for ``workbench dashboard`` (it stops Voilà); the whole group is killed if it
        hangs, so no Voilà server or kernel outlives the tests."""
        if self.proc.poll() is None and not signalled:
            self.proc.send_signal(signal.SIGINT)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # anything left in its group
        except ProcessLookupError:
            pass


@pytest.fixture(scope="module")
def servers(dashboard_data):
    started: dict[str, Server] = {}

    def get(name: str) -> Server:
        if name not in started:
            started[name] = Server(name, dashboard_data)
        return started[name]

    yield get
    # all at once: each Voilà shuts its kernels down in turn, one after another took ~30 s each
    for s in started.values():
        if s.proc.poll() is None:
            s.proc.send_signal(signal.SIGINT)
    for s in started.values():
        s.stop(signalled=True)
        assert s.proc.returncode is not None


def _page(browser, url: str, width: int = 1400):
    context = browser.new_context(viewport={"width": width, "height": 1000}, locale="zh-CN")
    # the data stays on this machine: nothing but localhost may be fetched
    context.route(re.compile(r"^(?!http://127\.0\.0\.1[:/]).*"), lambda route: route.abort())
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(url, wait_until="commit", timeout=LOAD)
    return page, errors


_PAGE_HEIGHT = """() => Math.max(document.body.scrollHeight,
    ...[...document.querySelectorAll('*')].filter(e => e.scrollHeight > e.clientHeight + 5)
        .map(e => e.scrollHeight))"""


def _shot(page, name: str, doc_height: int | None = None, doc_from: str | None = None):
    """Record the whole dashboard: Voilà scrolls an inner panel, so grow the viewport to fit it.

    With ``doc_height`` a small copy of ``doc_height`` css pixels from the top of the page (or
    of the element ``doc_from``), scaled to :data:`DOC_WIDTH`, is written for the README."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = min(int(page.evaluate(_PAGE_HEIGHT)) + 40, 8000)
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    time.sleep(0.5)  # plotly resizes to the new viewport
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    if doc_height:
        top = int(page.locator(doc_from).first.bounding_box()["y"]) - 8 if doc_from else 0
        top = max(top, 0)
        clip = {"x": 0, "y": top, "width": size["width"], "height": min(doc_height, height - top)}
        _doc_copy(page, page.screenshot(clip=clip), name, clip)
    page.set_viewport_size(size)


def _doc_copy(page, png: bytes, name: str, clip: dict) -> None:
    """Scale ``png`` down to DOC_WIDTH px wide with the browser itself (no imaging library)."""
    scale = DOC_WIDTH / clip["width"]
    small = page.context.browser.new_page(
        viewport={"width": DOC_WIDTH, "height": int(clip["height"] * scale) + 1}
    )
    try:
        data = base64.b64encode(png).decode("ascii")
        small.set_content(
            '<body style="margin:0"><img id="shot" style="display:block;width:'
            f'{DOC_WIDTH}px" src="data:image/png;base64,{data}"></body>'
        )
        small.wait_for_function("document.getElementById('shot').complete")
        out = SHOTS / "readme" / f"{name}.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        small.locator("#shot").screenshot(path=str(out))
    finally:
        small.close()
    if os.environ.get(UPDATE_DOC_IMAGES) == "1":
        DOC_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(out, DOC_IMAGES / out.name)


def _count(page) -> int:
    text = page.locator(".wb-clue-count").inner_text()
    return int(re.search(r"共 ([\d,]+) 条", text).group(1).replace(",", ""))


def _no_tokens_in_big_type(page):
    big = page.locator(".wb-mask, .wb-h, .wb-evidence, .wb-row-cells").all_inner_texts()
    assert not [t for t in big if TOKEN.search(t)], "a token is shown where only masks belong"


def _select_option_starting(page, selector: str, prefix: str) -> str:
    # ipywidgets puts the label in each option's value attribute (its text has &nbsp; for spaces)
    values = page.locator(f"{selector} option").evaluate_all("options => options.map(o => o.value)")
    value = next(v for v in values if v.startswith(prefix))
    page.locator(selector).select_option(value=value)
    return value


def test_seminar_filter_open_clue_entity_ring_and_verdict(browser, servers, dashboard_data):
    server = servers("seminar")
    started = time.perf_counter()
    page, errors = _page(browser, server.url)
    page.wait_for_selector(".wb-seminar .wb-clue-row", timeout=LOAD)
    load_seconds = time.perf_counter() - started
    total = _count(page)
    assert total > 10, f"the fixture should give a queue, got {total}"
    _shot(page, "seminar_queue")

    # a filter changes the list
    page.locator(".wb-filter-line select").select_option(label="车险")
    page.wait_for_function(
        f"!document.querySelector('.wb-clue-count').innerText.includes('共 {total:,} 条')",
        timeout=STEP,
    )
    auto = _count(page)
    assert 0 < auto < total
    assert set(page.locator(".wb-clue-row:visible .wb-row-cells").all_inner_texts()) and all(
        "车险" in t for t in page.locator(".wb-clue-row:visible .wb-row-cells").all_inner_texts()
    )

    # a clue opens with its evidence, records and entities
    first = page.locator(".wb-clue-row:visible .wb-open-clue").first
    clue_id = first.inner_text().strip()
    first.click()
    page.wait_for_selector(f".wb-clue-header:has-text('{clue_id}')", timeout=STEP)
    page.wait_for_selector(".wb-records tr >> nth=1", timeout=STEP)
    page.wait_for_selector(".wb-entity-360", timeout=STEP)
    page.wait_for_selector(f".wb-verdict-subject:has-text('{clue_id}')", timeout=STEP)
    assert "证据 evidence" in page.locator(".wb-evidence").first.inner_text()
    _no_tokens_in_big_type(page)
    _shot(page, "seminar_clue", doc_height=1250)

    # entity 360°
    page.locator(".wb-entity-360").first.click()
    page.wait_for_selector(".wb-entity-timeline .js-plotly-plot", timeout=STEP)
    page.wait_for_selector(".wb-entity-records tr >> nth=1", timeout=STEP)
    assert "记录时间线" in page.locator(".wb-entity-timeline").inner_text()
    _no_tokens_in_big_type(page)
    _shot(page, "seminar_entity", doc_height=1100, doc_from=".wb-detail-tabs")

    # a ring and its graph
    _select_option_starting(page, ".wb-filter-rule_id select", "ring ")
    page.wait_for_function(
        "document.querySelector('.wb-clue-count').innerText.includes('共')", timeout=STEP
    )
    page.wait_for_function(
        "[...document.querySelectorAll('.wb-clue-row')].filter(r => r.offsetParent).every("
        "r => r.innerText.includes('团伙'))",
        timeout=STEP,
    )
    ring = page.locator(".wb-clue-row:visible .wb-open-clue").first
    ring_id = ring.inner_text().strip()
    ring.click()
    page.wait_for_selector(f".wb-clue-header:has-text('{ring_id}')", timeout=STEP)
    page.get_by_role("tab", name=re.compile("团伙 ring")).click()
    page.wait_for_selector(".wb-ring-graph .js-plotly-plot", timeout=STEP)
    assert "团伙关系图" in page.locator(".wb-ring-graph").inner_text()
    _shot(page, "seminar_ring", doc_height=1000, doc_from=".wb-detail-tabs")

    # a verdict is submitted and is then in the store
    assert page.locator(".wb-verdict-subject").inner_text().strip() == ring_id
    reason = f"浏览器测试：团伙证据充分 {time.time():.0f}"
    page.locator(".wb-panel input").fill("张专家, 李专家、王警官")
    page.locator(".wb-recorder input").fill("测试记录员")
    page.locator(".wb-verdict-choice button", has_text="移送公安").click()
    page.locator(".wb-verdict-reason textarea").fill(reason)
    page.locator(".wb-verdict-submit").click()
    page.wait_for_selector(".wb-verdict-recorded", timeout=STEP)
    assert "已移送公安" in page.locator(".wb-verdict-recorded").inner_text()
    _shot(page, "seminar_verdict")
    store = LifecycleStore(dashboard_data.with_name("lifecycle.sqlite"))
    try:
        v = store.verdicts()
        mine = v[v["reason"] == reason]
        assert len(mine) == 1 and mine.iloc[0]["subject"] == ring_id
        assert mine.iloc[0]["subject_kind"] == "ring" and mine.iloc[0]["verdict"] == "refer"
        assert store.state_of(ring_id) == "referred"
    finally:
        store.close()
    assert not errors, errors
    assert load_seconds < 150
    page.context.close()


@pytest.mark.parametrize(
    "name, charts, title",
    [
        ("campaign_progress", 5, "各时间节点提交情况"),
        ("risk_trends", 6, "各欺诈类型线索数"),
    ],
)
def test_progress_and_trends_render_their_charts(browser, servers, name, charts, title):
    server = servers(name)
    page, errors = _page(browser, server.url)
    try:
        page.wait_for_function(
            f"document.querySelectorAll('.wb-chart .js-plotly-plot').length >= {charts}",
            timeout=LOAD,
        )
    except Exception as exc:
        _shot(page, f"FAILED_{name}")
        raise AssertionError(
            f"{name}: charts did not render ({exc}); page text:\n"
            f"{page.inner_text('body')[:3000]}\nserver:\n{''.join(server.lines[-60:])}"
        ) from exc
    titles = page.locator(".wb-chart .gtitle").all_text_contents()
    assert any(title in t for t in titles), titles
    assert all(t.strip() for t in titles) and len(titles) >= charts
    assert (
        page.locator(".wb-chart .xtitle").count() >= charts - 1
    )  # axis titles (the ring graph has none)
    assert not page.locator(".wb-notice-error, .wb-timeout").count()
    time.sleep(1)  # let plotly finish its transitions before the record is taken
    _shot(page, name, doc_height=DOC_HEIGHTS[name])
    if name == "risk_trends":  # the line filter redraws the figures for that line only
        before = page.locator(".wb-trends-headline").inner_text()
        page.locator(".wb-filter-line select").select_option(label="农险")
        page.wait_for_function(
            "t => document.querySelector('.wb-trends-headline').innerText !== t",
            arg=before,
            timeout=STEP,
        )
        page.wait_for_function(
            f"document.querySelectorAll('.wb-chart .js-plotly-plot').length >= {charts}",
            timeout=STEP,
        )
        assert not page.locator(".wb-notice-error, .wb-timeout").count()
        time.sleep(1)
        _shot(page, f"{name}_agri")
    assert not errors, errors
    page.context.close()


def test_five_panel_members_submit_verdicts_at_once(browser, servers, dashboard_data):
    server = servers("seminar")
    pages = [_page(browser, server.url) for _ in range(5)]
    for page, _ in pages:
        page.wait_for_selector(".wb-seminar .wb-clue-row", timeout=LOAD)
    stamp = f"{time.time():.0f}"
    subjects = []
    for i, (page, _) in enumerate(pages):
        row = page.locator(".wb-clue-row:visible .wb-open-clue").nth(i % 3)  # some share a clue
        subject = row.inner_text().strip()
        subjects.append(subject)
        row.click()
        page.wait_for_selector(f".wb-verdict-subject:has-text('{subject}')", timeout=STEP)
        page.locator(".wb-panel input").fill(f"专家{i}")
        page.locator(".wb-recorder input").fill(f"记录员{i}")
        page.locator(".wb-verdict-choice button", has_text="需补充证据").click()
        page.locator(".wb-verdict-reason textarea").fill(f"并发测试 {stamp} #{i}")
    for page, _ in pages:  # submit all five before waiting for any
        page.locator(".wb-verdict-submit").click()
    for page, errors in pages:
        page.wait_for_selector(".wb-verdict-recorded", timeout=STEP)
        assert not page.locator(".wb-verdict-notice .wb-notice-error").count()
        assert not errors, errors
    _shot(pages[0][0], "seminar_concurrent")
    store = LifecycleStore(dashboard_data.with_name("lifecycle.sqlite"))
    try:
        v = store.verdicts()
        mine = v[v["reason"].str.startswith(f"并发测试 {stamp} #")].sort_values("reason")
        assert mine["reason"].tolist() == [f"并发测试 {stamp} #{i}" for i in range(5)]
        assert mine["subject"].tolist() == subjects
        assert set(mine["verdict"]) == {"more_evidence"}
        assert mine["recorded_by"].tolist() == [f"记录员{i}" for i in range(5)]
    finally:
        store.close()
    for page, _ in pages:
        page.context.close()
