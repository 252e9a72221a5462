"""The shared widgets on a small hand-made warehouse: queries page and filter in SQL with bound
parameters, time limits are visible, the views show masks, the verdict form writes to the store.

No browser here: the widgets are driven from Python the way a callback would drive them.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path

import pandas as pd
import pytest

from widgets import (
    ClueBrowser,
    ClueDetail,
    ClueFilters,
    EntityView,
    ProgressDashboard,
    QueryTimeout,
    RingView,
    SeminarApp,
    TrendsDashboard,
    VerdictForm,
    charts,
    open_workbench,
    queries,
    trends,
)
from widgets.verdict import panel_members
from workbench.warehouse import PROJECT_ROOT, connect

NOW = dt.datetime(2019, 8, 1, 9, 0)


def tok(prefix: str, n: int) -> str:
    return f"{prefix}_{n:024x}"


P_A, P_B, P_C, P_D = tok("ID", 0xA), tok("ID", 0xB), tok("ID", 0xC), tok("ID", 0xD)
VIN, PHONE, ACCOUNT = tok("VN", 1), tok("PH", 1), tok("AC", 1)
CL_MULTI, CL_VEHICLE, CL_RING, CL_WHITE = (
    "CL0000000000000A",
    "CL0000000000000B",
    "CL0000000000000R",
    "CL0000000000000W",
)


def _clue(
    con,
    clue_id,
    rule_id,
    line,
    kind,
    tier,
    score,
    companies,
    amount,
    evidence,
    title,
    records=3,
    entities=1,
    whitelisted=False,
    reason=None,
):
    con.execute(
        "INSERT INTO clues (clue_id, rule_id, rule_version, indicator, period, line, fraud_kind, severity, title_zh,"
        " clue_key, companies, company_count, record_count, entity_count, amount, metric1, metric2, evidence_zh,"
        " signals, signal_rules, score, tier, whitelisted, whitelist_reason, current, first_seen_run, last_seen_run,"
        " first_seen_at, last_seen_at) VALUES (?, ?, 1, 'A5', 'campaign', ?, ?, 4, ?, ?, ?, ?, ?, ?, ?, 3, 5, ?, 2, ?,"
        " ?, ?, ?, ?, TRUE, 'R1', 'R1', ?, ?)",
        [
            clue_id,
            rule_id,
            line,
            kind,
            title,
            clue_id,
            companies,
            len(companies.split(";")),
            records,
            entities,
            amount,
            evidence,
            rule_id,
            score,
            tier,
            whitelisted,
            reason,
            NOW,
            NOW,
        ],
    )


def build_hand_warehouse(path: Path) -> Path:
    """Three companies, a person insured at two of them, a vehicle in repeated accidents and a
    small ring; four clues.  Tokens are fake but shaped like real ones; masks are what shows."""
    con = connect(path)
    x = con.execute
    x(
        "INSERT INTO company VALUES ('b0', 2, 'C01', '甲保险吉林分公司', '财产险', '长春市'),"
        "('b0', 3, 'C02', '乙人寿吉林分公司', '人身险', '吉林市'), ('b0', 4, 'C03', '丙财险吉林分公司', '财产险', '长春市')"
    )
    x(
        "INSERT INTO manifest (batch_id, file_name, file_sha256, kind, company_code, rows_read, rows_loaded, status,"
        " loaded_at) VALUES ('b1', 'C01_ah_policy.xlsx', 'x1', 'ah_policy', 'C01', 2, 2, 'loaded', '2019-07-20'),"
        "('b2', 'C02_ah_policy.csv', 'x2', 'ah_policy', 'C02', 1, 1, 'loaded', '2019-08-05'),"
        "('b3', 'C01_auto_claim.xlsx', 'x3', 'auto_claim', 'C01', 3, 3, 'loaded', '2019-07-29')"
    )
    x(
        f"INSERT INTO ah_policy (_batch_id, _row, company_code, line, policy_no, product_name, insured_name_mask,"
        f" insured_id_mask, insured_id_token, sum_insured, premium, start_date, end_date) VALUES "
        f"('b1', 2, 'C01', '意外险', 'P-C01-1', '综合意外险', '张*三', '220102********1239', '{P_A}', 500000, 300,"
        f" DATE '2019-01-02', DATE '2020-01-01'),"
        f"('b2', 2, 'C02', '意外险', 'P-C02-9', '意外伤害保险', '张*三', '220102********1239', '{P_A}', 800000, 500,"
        f" DATE '2019-01-20', DATE '2020-01-19'),"
        f"('b1', 3, 'C01', '意外险', 'P-C01-2', '综合意外险', '李*', '220103********4562', '{P_B}', 1000, 10,"
        f" DATE '2019-02-01', DATE '2020-01-31')"
    )
    x(
        f"INSERT INTO ah_claim (_batch_id, _row, company_code, line, claim_no, policy_no, insured_name_mask,"
        f" insured_id_mask, insured_id_token, loss_date, loss_type, hospital_code, hospital_name, paid_amount) VALUES"
        f" ('b1', 2, 'C01', '意外险', 'CLM-C01-1', 'P-C01-1', '张*三', '220102********1239', '{P_A}',"
        f" DATE '2019-03-01', '意外医疗', 'H001', '长春市第一医院', 12000)"
    )
    x(
        "INSERT INTO medical_receipt (_batch_id, _row, company_code, claim_no, receipt_code, receipt_no,"
        " hospital_name, receipt_date, amount) VALUES ('b1', 2, 'C01', 'CLM-C01-1', 'RC1', '0001', '长春市第一医院',"
        " DATE '2019-03-02', 12000)"
    )
    x(
        f"INSERT INTO auto_policy (_batch_id, _row, company_code, policy_no, coverage, vin_token, vin_mask,"
        f" plate_mask, owner_name_mask, owner_id_mask, owner_id_token, sum_insured, start_date, end_date) VALUES"
        f" ('b3', 2, 'C01', 'AP-C01-1', '商业险', '{VIN}', 'LSV*********1234', '吉A***12', '王*', '220104********0011',"
        f" '{P_C}', 100000, DATE '2019-01-01', DATE '2019-12-31'),"
        f" ('b3', 3, 'C03', 'AP-C03-1', '交强险', '{VIN}', 'LSV*********1234', '吉A***12', '王*', '220104********0011',"
        f" '{P_C}', 122000, DATE '2019-01-01', DATE '2019-12-31')"
    )
    claims = [
        ("C01", "AC-C01-1", "AP-C01-1", "2019-02-03 22:10", 8000),
        ("C03", "AC-C03-1", "AP-C03-1", "2019-03-11 23:40", 9500),
        ("C01", "AC-C01-2", "AP-C01-1", "2019-04-20 21:05", 15000),
        ("C03", "AC-C03-2", "AP-C03-1", "2019-05-02 20:30", 7000),
    ]
    for i, (co, no, pol, at, paid) in enumerate(claims):
        x(
            "INSERT INTO auto_claim (_batch_id, _row, company_code, claim_no, policy_no, coverage, vin_token, vin_mask,"
            " plate_mask, accident_time, driver_name_mask, driver_id_mask, driver_id_token, injured_name_mask,"
            " injured_id_mask, injured_id_token, reporter_phone_token, reporter_phone_mask, payee_account_token,"
            " payee_account_mask, repair_shop_name, paid_amount) VALUES ('b3', ?, ?, ?, ?, '商业险', ?,"
            " 'LSV*********1234', '吉A***12', ?, '王*', '220104********0011', ?, '赵*', '220105********0022', ?, ?,"
            " '138****0001', ?, '6222********0001', '顺达汽修', ?)",
            [i + 2, co, no, pol, VIN, at, P_C, P_D, PHONE, ACCOUNT, paid],
        )
    _clue(
        con,
        CL_MULTI,
        "ah_multi_company_cover",
        "accident_health",
        "ah_multi_company",
        "A",
        91.5,
        "C01;C02",
        1300000,
        "同一被保险人19天内在2家公司投保意外险，累计保额130万元",
        "短期内多家公司投保意外险",
        records=2,
    )
    _clue(
        con,
        CL_VEHICLE,
        "auto_vehicle_repeat",
        "auto",
        "auto_staged",
        "B",
        62.0,
        "C01;C03",
        39500,
        "同一车辆90天内出险3次，365天内出险4次",
        "同一车辆频繁出险",
        records=4,
    )
    _clue(
        con,
        CL_RING,
        "ring",
        "auto",
        "auto_staged",
        "A",
        88.0,
        "C01;C03",
        39500,
        "团伙：2人、4个赔案、2家公司，由共同的电话1个、账户1个关联，合计赔付4.0万元；其他规则线索1条",
        "团伙关联",
        records=4,
        entities=4,
    )
    _clue(
        con,
        CL_WHITE,
        "ah_multi_company_cover",
        "accident_health",
        "ah_multi_company",
        "C",
        20.0,
        "C01",
        1000,
        "合作社统一投保",
        "短期内多家公司投保意外险",
        records=1,
        whitelisted=True,
        reason="合作社统一账户",
    )
    x(
        "INSERT INTO clue_records VALUES (?, 'C01', 'ah_policy', 'P-C01-1', 'insured', 500000),"
        "(?, 'C02', 'ah_policy', 'P-C02-9', 'insured', 800000), (?, 'C01', 'ah_policy', 'P-C01-2', 'insured', 1000)",
        [CL_MULTI, CL_MULTI, CL_WHITE],
    )
    for co, no, _, _, paid in claims:
        x(
            "INSERT INTO clue_records VALUES (?, ?, 'auto_claim', ?, 'vehicle', ?), (?, ?, 'auto_claim', ?, 'driver', ?)",
            [CL_VEHICLE, co, no, paid, CL_RING, co, no, paid],
        )
    x(
        "INSERT INTO clue_entities VALUES (?, 'person', ?, '220102********1239', 'insured', 2),"
        "(?, 'vehicle', ?, 'LSV*********1234', 'vehicle', 4), (?, 'person', ?, '220104********0011', 'driver', 4),"
        "(?, 'person', ?, '220105********0022', 'injured', 4), (?, 'phone', ?, '138****0001', 'reporter', 4),"
        "(?, 'account', ?, '6222********0001', 'payee', 4), (?, 'person', ?, '220103********4562', 'insured', 1)",
        [
            CL_MULTI,
            P_A,
            CL_VEHICLE,
            VIN,
            CL_RING,
            P_C,
            CL_RING,
            P_D,
            CL_RING,
            PHONE,
            CL_RING,
            ACCOUNT,
            CL_WHITE,
            P_B,
        ],
    )
    x(
        "INSERT INTO ring_links VALUES (?, 'phone', ?, '138****0001', 4, 2), (?, 'account', ?, '6222********0001', 4, 2),"
        "(?, 'vehicle', ?, 'LSV*********1234', 4, 2)",
        [CL_RING, PHONE, CL_RING, ACCOUNT, CL_RING, VIN],
    )
    x(
        "INSERT INTO clue_whitelist_hits VALUES (?, 'person', ?, '220103********4562', '合作社统一账户', '审核员',"
        " DATE '2019-06-01', DATE '2020-06-01')",
        [CL_WHITE, P_B],
    )
    x(
        "INSERT INTO screen_runs (run_id, started_at, finished_at, period, status, rules, params, data_fingerprint,"
        " clue_count) VALUES ('R1', ?, ?, 'campaign', 'done', '[]', '{}', 'f', 4)",
        [NOW, NOW],
    )
    con.close()
    return path


@pytest.fixture
def wb(tmp_path):
    path = build_hand_warehouse(tmp_path / "w.duckdb")
    bench = open_workbench(path, timeout=20)
    yield bench
    bench.close()


# --- queries ------------------------------------------------------------------------------------


def test_filters_narrow_the_list_and_are_bound_not_formatted(wb):
    assert queries.clue_count(wb, ClueFilters()) == 4
    assert queries.clue_count(wb, ClueFilters(line="auto")) == 2
    assert queries.clue_count(wb, ClueFilters(fraud_kind="ah_multi_company", tier="A")) == 1
    assert queries.clue_count(wb, ClueFilters(company="C02")) == 1
    assert queries.clue_count(wb, ClueFilters(city="长春市")) == 4
    assert queries.clue_count(wb, ClueFilters(city="吉林市")) == 1
    assert queries.clue_count(wb, ClueFilters(rule_id="ring")) == 1
    page = queries.clue_page(wb, ClueFilters(), "score", page=0, page_size=2)
    assert page["clue_id"].tolist() == [CL_MULTI, CL_RING]
    assert queries.clue_page(wb, ClueFilters(), "score", page=1, page_size=2)[
        "clue_id"
    ].tolist() == [CL_VEHICLE, CL_WHITE]
    assert queries.clue_page(wb, ClueFilters(), "amount", page_size=1)["clue_id"].tolist() == [
        CL_MULTI
    ]
    # a hostile value is just a value
    assert queries.clue_count(wb, ClueFilters(line="auto' OR 1=1 --")) == 0
    assert queries.clue_count(wb, ClueFilters(company="C01'); DROP TABLE clues; --")) == 0
    with pytest.raises(ValueError):
        queries.clue_page(wb, ClueFilters(), sort="score; DROP TABLE clues")


def test_state_and_session_queues_follow_the_lifecycle_store(wb):
    wb.store.record_event(CL_VEHICLE, "dispatched", "分析员")
    assert queries.clue_count(wb, ClueFilters(state="dispatched")) == 1
    assert queries.clue_count(wb, ClueFilters(state="extracted")) == 3
    wb.store.record_verdict(CL_MULTI, "refer", "证据充分", ["张专家"], "记录员", session="研判会 1")
    assert queries.clue_count(wb, ClueFilters(queue="pending")) == 3
    assert queries.clue_count(wb, ClueFilters(queue="session", session="研判会 1")) == 1
    assert queries.clue_count(wb, ClueFilters(queue="session", session="研判会 2")) == 0
    assert queries.clue_page(wb, ClueFilters(state="referred"))["state_zh"].tolist() == [
        "已移送公安"
    ]


def test_paging_100000_clues_stays_fast(tmp_path):
    path = tmp_path / "big.duckdb"
    con = connect(path)
    con.execute("""
        INSERT INTO clues (clue_id, rule_id, rule_version, period, line, fraud_kind, severity, title_zh, clue_key,
            companies, company_count, record_count, entity_count, amount, evidence_zh, score, tier, current,
            first_seen_run, last_seen_run, first_seen_at, last_seen_at)
        SELECT 'CL' || lpad(CAST(i AS VARCHAR), 14, '0'), 'rule_' || CAST(i % 30 AS VARCHAR), 1, 'campaign',
               CASE i % 4 WHEN 0 THEN 'auto' WHEN 1 THEN 'agri' WHEN 2 THEN 'accident_health' ELSE 'life' END,
               'auto_staged', 3, '规则', CAST(i AS VARCHAR),
               'C' || lpad(CAST(i % 12 + 1 AS VARCHAR), 2, '0') || ';C' || lpad(CAST((i + 5) % 12 + 1 AS VARCHAR), 2, '0'),
               2, 2, 1, (i * 37) % 100000, '证据', (i * 7919) % 1000 / 10.0,
               CASE WHEN i % 10 = 0 THEN 'A' WHEN i % 3 = 0 THEN 'B' ELSE 'C' END, TRUE, 'R1', 'R1',
               TIMESTAMP '2019-08-01', TIMESTAMP '2019-08-01'
        FROM range(100000) AS t(i)""")
    con.close()
    bench = open_workbench(path)
    try:
        bench.store.record_events(
            [f"CL{i:014d}" for i in range(0, 3000, 3)], "dispatched", "分析员"
        )
        f = ClueFilters(line="auto", company="C01", state="dispatched")
        started = time.perf_counter()
        total = queries.clue_count(bench, f)
        page = queries.clue_page(bench, f, "score", page=3, page_size=20)
        last = queries.clue_page(bench, ClueFilters(), "amount", page=4999, page_size=20)
        seconds = time.perf_counter() - started
        assert total > 0 and len(page) == 20 and len(last) == 20
        assert seconds < 5, f"three paged queries over 100,000 clues took {seconds:.1f}s"
        browser = ClueBrowser(bench, page_size=20)
        assert browser.total == 100_000
        browser.goto(2500)
        assert browser.page == 2500 and len(browser.clue_ids) == 20
    finally:
        bench.close()


def test_a_query_over_its_time_limit_is_interrupted_and_says_so(wb, monkeypatch):
    started = time.perf_counter()
    with pytest.raises(QueryTimeout) as err:
        wb.query("SELECT count(*) FROM range(1000000000000) AS a", timeout=0.5, what="慢查询")
    assert time.perf_counter() - started < 5
    assert "查询超时" in str(err.value) and "timed out" in str(err.value)
    assert wb.query("SELECT 42 AS x")["x"].iloc[0] == 42  # the connection still works

    browser = ClueBrowser(wb)
    slow = "SELECT count(*) AS n FROM range(1000000000000) AS a"

    def slow_count(bench, filters, tables=None):
        return int(bench.query(slow, timeout=0.3, what="线索计数")["n"].iloc[0])

    monkeypatch.setattr("widgets.browser.clue_count", slow_count)
    browser.line.value = "auto"
    assert "查询超时" in browser.notice.value and "timed out" in browser.notice.value
    assert "wb-timeout" in browser.notice.value


# --- widgets ------------------------------------------------------------------------------------


def test_clue_browser_filters_pages_and_opens(wb):
    browser = ClueBrowser(wb, page_size=3)
    opened = []
    browser.on_open(opened.append)
    assert browser.total == 4 and browser.clue_ids == [CL_MULTI, CL_RING, CL_VEHICLE]
    assert "共 4 条线索" in browser.summary.value
    browser.next.click()
    assert browser.page == 1 and browser.clue_ids == [CL_WHITE]
    browser.line.value = "auto"
    assert browser.page == 0 and browser.total == 2
    browser.tier.value = "B"
    assert browser.clue_ids == [CL_VEHICLE]
    assert [r.layout.display for r, _, _ in browser.rows] == ["", "none", "none"]
    browser.rows[0][1].click()
    assert opened == [CL_VEHICLE]


def test_clue_detail_shows_evidence_records_and_masked_entities(wb):
    detail = ClueDetail(wb)
    pivots = []
    detail.on_entity(lambda t, k: pivots.append((t, k)))
    detail.show_clue(CL_MULTI)
    assert "累计保额130万元" in detail.evidence.value
    assert "P-C01-1" in detail.records.value and "P-C02-9" in detail.records.value
    assert "张*三 220102********1239" in detail.records.value
    (row,) = detail.entity_rows.children
    label = row.children[1].value
    assert '<span class="wb-mask">220102********1239</span>' in label
    assert f'<span class="wb-token">{P_A}</span>' in label  # token small, for pivoting only
    row.children[0].click()
    assert pivots == [("person", P_A)]
    detail.show_clue(CL_WHITE)
    assert "合作社统一账户" in detail.evidence.value
    detail.show_clue("CL_DOES_NOT_EXIST")
    assert "不存在" in detail.notice.value


def test_entity_view_spans_companies_with_a_timeline(wb):
    view = EntityView(wb)
    opened = []
    view.on_clue(opened.append)
    view.show_entity("person", P_A)
    assert "张*三 220102********1239" in view.header.value
    assert "涉及 <b>2</b> 家公司" in view.summary.value
    for no in ("P-C01-1", "P-C02-9", "CLM-C01-1", "RC1/0001"):
        assert no in view.records.value
    fig = view.chart.figure
    assert fig.layout.title.text.endswith("timeline of records")
    assert (
        fig.layout.xaxis.title.text == "日期 date" and fig.layout.yaxis.title.text == "公司 company"
    )
    assert sorted(set(y for tr in fig.data for y in tr.y)) == ["C01", "C02"]
    button = view.clue_rows.children[0].children[0]
    assert button.description == CL_MULTI
    button.click()
    assert opened == [CL_MULTI]
    view.show_entity("vehicle", VIN)
    assert "LSV*********1234" in view.header.value and "AC-C03-2" in view.records.value
    view.show_entity("account", ACCOUNT)
    assert "涉及 <b>2</b> 家公司" in view.summary.value
    view.show_entity("phone", PHONE)
    assert "AC-C01-2" in view.records.value
    view.show_entity("person", tok("ID", 0xFFFF))
    assert "no records" in view.summary.value
    view.show_entity("hospital", "H001")  # rules name a hospital by its code where it has one
    assert "CLM-C01-1" in view.records.value
    view.show_entity("hospital", "长春市第一医院")  # or by name (the receipt has no code)
    assert "CLM-C01-1" in view.records.value and "RC1/0001" in view.records.value
    view.show_entity("receipt", "RC1/0001")
    assert "CLM-C01-1" in view.records.value and not view.notice.value


def test_ring_view_draws_the_graph_members_links_and_money(wb):
    view = RingView(wb)
    view.show_ring(CL_RING)
    fig = view.graph.figure
    names = {tr.name for tr in fig.data}
    assert {"赔案 claim", "电话", "账户", "人员"} <= names
    claim_trace = next(tr for tr in fig.data if tr.name == "赔案 claim")
    assert len(claim_trace.x) == 4
    phone = next(tr for tr in fig.data if tr.name == "电话")
    assert list(phone.text) == ["138****0001"]
    assert "6222********0001" in view.tables.value and "220105********0022" in view.tables.value
    money = view.money_chart.figure
    assert money.layout.yaxis.title.text == "赔付金额 paid (元)"
    assert sorted(money.data[0].x) == ["C01", "C03"]
    view.show_ring(CL_VEHICLE)
    assert "不是团伙" in view.header.value
    assert [b.children[0].description for b in view.others.children] == [CL_RING]


def test_verdict_form_writes_through_the_store_and_shows_the_recorded_state(wb):
    form = VerdictForm(wb)
    recorded = []
    form.on_recorded(lambda s, v: recorded.append((s, v)))
    form.submit.click()
    assert form.submit.disabled  # nothing chosen yet
    form.set_subject(CL_MULTI)
    form.submit.click()
    assert "请选择研判结论" in form.notice.value
    form.verdict.value = "refer"
    form.submit.click()
    assert "需要" in form.notice.value or "reason" in form.notice.value
    form.reason.value = "多家公司短期投保后即出险，证据充分"
    form.panel.value = "张专家，李专家、王警官"
    form.recorded_by.value = "记录员甲"
    form.session.value = "研判会 2019-09-10"
    form.submit.click()
    v = wb.store.verdicts()
    assert (
        len(v) == 1
        and v.iloc[0]["verdict"] == "refer"
        and v.iloc[0]["session"] == "研判会 2019-09-10"
    )
    assert json.loads(v.iloc[0]["panel"]) == ["张专家", "李专家", "王警官"]
    assert wb.store.state_of(CL_MULTI) == "referred"
    assert "已记录研判结论" in form.status.value and "已移送公安" in form.status.value
    assert recorded == [(CL_MULTI, int(v.iloc[0]["verdict_id"]))]
    assert "多家公司短期投保后即出险" in form.past.value
    assert panel_members(" a ;b\n c，d ") == ["a", "b", "c", "d"]


def test_seminar_app_queue_detail_entity_and_verdict(wb):
    app = SeminarApp(wb, title="测试")
    assert app.browser.total == 4  # pending: nothing decided yet
    app.browser.rows[0][1].click()
    assert app.detail.clue_id == CL_MULTI and app.verdict.subject == CL_MULTI
    app.detail.entity_rows.children[0].children[0].click()
    assert app.tabs.selected_index == 2 and app.entity.entity == ("person", P_A)
    app.panel.value = "张专家"
    app.recorder.value = "记录员"
    app.verdict.verdict.value = "not_fraud"
    app.verdict.reason.value = "保额与收入相符，已核实"
    app.verdict.submit.click()
    assert wb.store.state_of(CL_MULTI) == "closed_not_fraud"
    assert app.browser.total == 3 and CL_MULTI not in app.browser.clue_ids
    app.browser.queue.value = "session"
    assert app.browser.clue_ids == [CL_MULTI]
    app.browser.open_clue(CL_RING)
    assert app.verdict.subject_kind == "ring" and app.ring.graph.figure is not None


def _assert_labelled(fig):
    assert fig.layout.title.text, "chart without a title"
    if fig.layout.xaxis.showticklabels is not False:
        assert fig.layout.xaxis.title.text and fig.layout.yaxis.title.text, fig.layout.title.text
    assert "Noto Sans CJK" in fig.layout.font.family


def test_progress_and_trends_dashboards_draw_labelled_charts(wb, campaign):
    wb.store.record_dispatch(
        "D1",
        "C01",
        "wb.xlsx",
        "00",
        [CL_MULTI, CL_VEHICLE],
        dt.date(2019, 8, 1),
        dt.date(2019, 8, 31),
        "R1",
        "分析员",
    )
    wb.store.record_verdict(CL_VEHICLE, "refer", "证据充分", ["张专家"], "记录员")
    progress = ProgressDashboard(wb, campaign, as_of=dt.date(2019, 9, 1))
    assert not progress.notice.value
    assert set(progress.charts) == {"submissions", "deadlines", "feedback", "city", "line"}
    for out in progress.charts.values():
        _assert_labelled(out.figure)
    assert "逾期" in progress.tables.value
    trend = TrendsDashboard(wb, title="测试")
    assert not trend.notice.value
    for out in trend.charts.values():
        _assert_labelled(out.figure)
    monthly = trends.monthly(wb)
    assert set(monthly["month"]) == {"2019-01", "2019-02"}
    eff = trends.effectiveness(wb)
    assert eff.loc[eff["rule_id"] == "auto_vehicle_repeat", "确认"].iloc[0] == 1
    trend.line.value = "auto"
    assert not trend.notice.value


def test_every_chart_builder_labels_its_axes_even_when_empty():
    none = pd.DataFrame()
    for fig in (
        charts.empty("t"),
        charts.timeline(none),
        charts.ring_graph(none),
        trends.monthly_chart(none),
        trends.effectiveness_chart(none),
    ):
        assert fig.layout.title.text
    layout = charts.force_layout(list("abcd"), [("a", "b"), ("b", "c"), ("c", "d")])
    assert len(layout) == 4 and len({(round(x, 3), round(y, 3)) for x, y in layout.values()}) == 4


def test_notebooks_read_the_dashboard_environment_and_hold_no_logic():
    nb_dir = PROJECT_ROOT / "notebooks"
    names = {p.stem for p in nb_dir.glob("*.ipynb")}
    assert {
        "seminar",
        "campaign_progress",
        "risk_trends",
        "getting_started",
        "rule_tuning",
    } <= names
    for name in ("seminar", "campaign_progress", "risk_trends"):
        nb = json.loads((nb_dir / f"{name}.ipynb").read_text(encoding="utf-8"))
        code = ["".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code"]
        params = next(
            c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])
        )
        assert "WORKBENCH_WAREHOUSE" in "".join(params["source"])
        assert not any("def " in c or "SELECT" in c for c in code), (
            f"{name}: logic belongs in widgets/"
        )
        assert nb["metadata"]["kernelspec"]["name"] == "python3"


def test_rule_tuning_reruns_a_rule_read_only_and_compares(wb, tmp_path):
    from widgets import tuning

    same = tuning.compare(wb, "auto_vehicle_repeat", {})
    assert set(same["change"]) <= {"不变 kept", "新增 added", "不再发现 dropped"}
    strict = tuning.run_rule(wb, "auto_vehicle_repeat", {"short_count": 50, "long_count": 50})
    assert strict.empty
    loose = tuning.run_rule(wb, "auto_vehicle_repeat", {"short_count": 2, "long_count": 2})
    assert (
        len(loose) == 1
        and loose["records"].iloc[0] == 4
        and loose["clue_id"].iloc[0].startswith("CL")
    )
    truth = tmp_path / "truth"
    truth.mkdir()
    (truth / "scenarios.csv").write_text(
        "scenario_id,fraud_kind,line,period,ring_id,companies,description_zh,"
        "signature\nS1,auto_staged,auto,campaign,,C01;C03,x,y\n",
        encoding="utf-8",
    )
    (truth / "records.csv").write_text(
        "scenario_id,company_code,kind,record_no,role\nS1,C01,auto_claim,AC-C01-1,claim\n",
        encoding="utf-8",
    )
    (truth / "negatives.csv").write_text(
        "negative_id,imitates,description_zh,company_code,kind,record_no\n", encoding="utf-8"
    )
    table = tuning.sweep(
        wb, "auto_vehicle_repeat", "short_count", [2, 50], truth_dir=truth, base={"long_count": 2}
    )
    assert table["clues"].tolist() == [1, 1]  # long_count=2 keeps it either way
    assert table["precision"].tolist() == [1.0, 1.0] and table["recall"].tolist() == [1.0, 1.0]
    with pytest.raises(Exception, match="没有参数"):
        tuning.sweep(wb, "auto_vehicle_repeat", "no_such", [1], truth_dir=None)


def test_dashboard_command_plans_a_localhost_voila_with_the_warehouse_in_the_environment(
    wb, campaign, tmp_path
):
    from workbench import dashboard
    from workbench.cli import main
    from workbench.errors import WorkbenchError

    server = dashboard.plan("seminar", campaign, warehouse=wb.warehouse, port=18765)
    cmd = dashboard.voila_command(server)
    assert str(PROJECT_ROOT / "notebooks" / "seminar.ipynb") in cmd
    assert "--port=18765" in cmd and "--Voila.ip=127.0.0.1" in cmd and "--no-browser" in cmd
    env = dashboard.voila_env(server, base={})
    assert env["WORKBENCH_WAREHOUSE"] == str(wb.warehouse)
    assert env["WORKBENCH_LIFECYCLE"] == str(wb.warehouse.with_name("lifecycle.sqlite"))
    assert server.url == "http://127.0.0.1:18765/"
    assert dashboard.plan("risk_trends", campaign, warehouse=wb.warehouse).port > 0
    with pytest.raises(WorkbenchError, match="warehouse not found"):
        dashboard.plan("seminar", campaign, warehouse=tmp_path / "missing.duckdb")
    with pytest.raises(WorkbenchError, match="no dashboard"):
        dashboard.plan("nope", campaign, warehouse=wb.warehouse)
    assert (
        main(
            [
                "--config",
                str(campaign.source),
                "dashboard",
                "seminar",
                "--warehouse",
                str(tmp_path / "missing.duckdb"),
            ]
        )
        == 2
    )


def test_readme_shows_each_dashboard_and_how_to_start_it():
    from workbench.dashboard import DASHBOARDS

    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    for name in DASHBOARDS:
        assert f"workbench dashboard {name}" in readme, name
    images = [m for m in readme.split("(") if m.startswith("docs/img/")]
    shown = {i.split(")")[0] for i in images}
    assert {f"docs/img/{n}.png" for n in ("seminar_clue", "campaign_progress", "risk_trends")} <= (
        shown
    )
    for rel in shown | {"docs/img/seminar_entity.png", "docs/img/seminar_ring.png"}:
        png = PROJECT_ROOT / rel
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", rel
        assert png.stat().st_size < 300_000, f"{rel} is too big for the README"
    arch = (PROJECT_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "`widgets/`" in arch and "workbench/dashboard.py" in arch
