"""Feedback round trip: workbook written → filled in → imported → clue states; bad feedback rejected."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from test_workbook import warehouse  # noqa: F401  (fixture)

from workbench.feedback import feedback_table, import_feedback
from workbench.lifecycle import LifecycleStore
from workbench.workbook import CLUE_SHEET, write_company_workbook


def fill(path, answers: dict[str, dict[str, object]], out=None, drop_id_column=False):
    wb = openpyxl.load_workbook(path)
    ws = wb[CLUE_SHEET]
    header = [c.value for c in ws[1]]
    col = {h: i + 1 for i, h in enumerate(header)}
    for r in range(2, ws.max_row + 1):
        cid = ws.cell(row=r, column=col["线索编号"]).value
        for h, v in answers.get(cid, {}).items():
            ws.cell(row=r, column=col[h], value=v)
    if drop_id_column:
        ws.delete_cols(col["线索编号"])
    wb.save(out or path)
    return out or path


@pytest.fixture
def dispatched(warehouse, campaign, tmp_path):  # noqa: F811
    res = write_company_workbook(warehouse, campaign, "C01", tmp_path / "wb", dispatch_id="D1")
    store = LifecycleStore(tmp_path / "lc.sqlite")
    store.record_events(["CL0000000000000A", "CL0000000000000B"], "dispatched", "协会")
    return warehouse, store, res.path


def test_round_trip_records_feedback_and_moves_states(dispatched, campaign, tmp_path):
    con, store, path = dispatched
    fill(path, {"CL0000000000000A": {"核查结论": "确认欺诈", "涉案金额(元)": 130000, "是否移送公安": "是",
                                     "移送日期": dt.datetime(2019, 9, 1), "公安立案编号": "JL2019-0042"},
                "CL0000000000000B": {"核查结论": "排除欺诈", "备注": "合作社统一账户，已核实"}})
    r = import_feedback(path, con, store, campaign, actor="协会分析员")
    assert (r.company, r.recorded, r.errors, r.blank) == ("C01", 2, [], 0)
    fb = feedback_table(store).set_index("clue_id")
    assert fb.loc["CL0000000000000A", "amount_involved"] == 130000
    assert fb.loc["CL0000000000000A", "referral_date"] == "2019-09-01"
    assert store.state_of("CL0000000000000A") == "referred"
    assert store.state_of("CL0000000000000B") == "evidence_returned"
    again = import_feedback(path, con, store, campaign, actor="协会分析员")
    assert (again.recorded, again.unchanged) == (0, 2)


def test_changed_answer_keeps_history(dispatched, campaign):
    con, store, path = dispatched
    fill(path, {"CL0000000000000B": {"核查结论": "核查中"}})
    import_feedback(path, con, store, campaign, actor="a")
    fill(path, {"CL0000000000000B": {"核查结论": "排除欺诈"}})
    r = import_feedback(path, con, store, campaign, actor="a")
    assert r.recorded == 1
    hist = feedback_table(store, history=True)
    b = hist[hist.clue_id == "CL0000000000000B"]
    assert list(b["conclusion"]) == ["核查中", "排除欺诈"]
    assert b["superseded_by"].notna().tolist() == [True, False]
    assert list(store.history("CL0000000000000B")["state"]) == ["dispatched", "investigating", "evidence_returned"]


def test_bad_feedback_is_rejected_with_reasons(dispatched, campaign, tmp_path):
    con, store, path = dispatched
    fill(path, {"CL0000000000000A": {"核查结论": "大概是", "涉案金额(元)": "很多"}})
    wb = openpyxl.load_workbook(path)
    ws = wb[CLUE_SHEET]
    ws.cell(row=4, column=1, value="CL00000000000ZZZ")  # an id that does not exist
    ws.cell(row=4, column=2, value="C01")
    ws.cell(row=4, column=18, value="确认欺诈")
    ws.cell(row=5, column=1, value="CL0000000000000Z")  # another company's clue
    ws.cell(row=5, column=2, value="C01")
    ws.cell(row=5, column=18, value="确认欺诈")
    wb.save(path)
    r = import_feedback(path, con, store, campaign, actor="a")
    reasons = dict(r.errors)
    assert r.recorded == 0
    assert "核查结论" in reasons[2] and "确认欺诈、排除欺诈、核查中" in reasons[2] and "涉案金额" in reasons[2]
    assert "不存在" in reasons[4]
    assert "不是下发给本公司" in reasons[5]
    assert feedback_table(store).empty


def test_retyped_workbook_without_ids_is_refused(dispatched, campaign, tmp_path):
    con, store, path = dispatched
    out = fill(path, {"CL0000000000000A": {"核查结论": "确认欺诈"}}, out=tmp_path / "retyped.xlsx", drop_id_column=True)
    r = import_feedback(out, con, store, campaign, actor="a")
    assert r.failed and "线索编号" in r.failed
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "Sheet1"
    wb.save(other)
    assert "线索清单" in import_feedback(other, con, store, campaign, actor="a").failed
