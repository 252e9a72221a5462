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


def test_row_reasons_are_chinese_with_english_beside(dispatched, campaign):
    con, store, path = dispatched
    fill(path, {"CL0000000000000A": {"核查结论": "大概是", "涉案金额(元)": "很多"},
                "CL0000000000000B": {"核查结论": "确认欺诈", "涉案金额(元)": -5, "公司代码": "C02"}})
    r = import_feedback(path, con, store, campaign, actor="a", company="C01")
    reasons = dict(r.errors)
    assert reasons[2] == (
        "核查结论：取值不在可选范围内，请从模板下拉列表中选择，可选：确认欺诈、排除欺诈、核查中 / "
        "conclusion: value not among the allowed values; pick one from the template's list: 确认欺诈, 排除欺诈, 核查中；"
        "涉案金额(元)：数值无法识别，请只填写数字(不含单位、文字) / amount_involved: not a number; write digits only "
        "(no units or words)")
    assert reasons[3] == (
        "涉案金额(元)：数值不能为负数 / amount_involved: value must not be negative；"
        "公司代码与本文件所属公司(C01)不一致，每家公司只能报送本公司数据 / "
        "company code differs from the file's company (C01); send your own records only")
    text = r.to_text()
    assert "  第2行 row 2: 核查结论：取值不在可选范围内" in text and "/ amount_involved: value must not be negative" in text


def test_whole_file_failure_is_audited(dispatched, campaign, tmp_path):
    from workbench.audit import entries

    con, store, path = dispatched
    wb = openpyxl.load_workbook(path)
    wb[CLUE_SHEET].title = "清单"  # the clue sheet renamed
    renamed = tmp_path / "renamed.xlsx"
    wb.save(renamed)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(path.read_bytes()[:2000])
    for f, why in ((renamed, "找不到“线索清单”工作表"), (truncated, "Excel文件已损坏或不完整")):
        r = import_feedback(f, con, store, campaign, actor="协会分析员", company="C01")
        assert r.failed.startswith(why) and " / " in r.failed
    log = entries(store, action="feedback")
    assert list(log["status"]) == ["failed", "failed"]
    assert list(log["subject"]) == ["renamed.xlsx", "truncated.xlsx"]
    assert list(log["company"]) == ["C01", "C01"]
    assert list(log["operator"]) == ["协会分析员", "协会分析员"]
    import hashlib
    import json

    assert json.loads(log["inputs"].iloc[1]) == [
        {"file": "truncated.xlsx", "sha256": hashlib.sha256(truncated.read_bytes()).hexdigest()}]
    assert log["summary"].iloc[0] == ("反馈文件未导入 renamed.xlsx：找不到“线索清单”工作表，请返回原工作簿，不要另建文件 / "
                                      "no sheet '线索清单': return the original workbook")
    assert r.to_text().startswith("未导入 FAILED truncated.xlsx: Excel文件已损坏或不完整，无法打开(")


def test_feedback_command_exit_status_with_strict(dispatched, campaign, tmp_path, monkeypatch, capsys):
    import types

    import duckdb

    from workbench.audit import entries
    from workbench.cli_commands import cmd_feedback
    from workbench.lifecycle import default_store_path

    _, _, path = dispatched
    other = tmp_path / "other"
    other.mkdir()
    duckdb.connect(str(other / "w.duckdb")).close()  # a warehouse of its own: the file fails before any lookup
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(path.read_bytes()[:2000])
    monkeypatch.setattr("workbench.cli_commands._campaign", lambda args: campaign)
    args = types.SimpleNamespace(paths=[str(broken)], company="C01", actor="a", warehouse=str(other / "w.duckdb"),
                                 strict=False)
    assert cmd_feedback(args) == 0  # as `workbench ingest`: reported, exit 0 unless --strict
    out = capsys.readouterr().out
    assert "未导入 FAILED broken.xlsx: Excel文件已损坏或不完整" in out
    assert "1 个文件未导入 / 1 file(s) not imported" in out
    args.strict = True
    assert cmd_feedback(args) == 1
    log = entries(LifecycleStore(default_store_path(other / "w.duckdb")), action="feedback")
    assert list(log["status"]) == ["failed", "failed"]


def test_yes_no_synonyms_are_accepted_as_visible_normalisations(dispatched, campaign):
    con, store, path = dispatched
    fill(path, {"CL0000000000000A": {"核查结论": "确认欺诈", "是否移送公安": "Y"},
                "CL0000000000000B": {"核查结论": "排除欺诈", "是否移送公安": "true", "涉案金额(元)": "1,000元",
                                     "备注": "合作社统一账户，已核实"}})  # full-width comma: cosmetic, not listed
    r = import_feedback(path, con, store, campaign, actor="a")
    assert (r.recorded, r.errors) == (2, [])
    assert r.notes == [
        (2, "是否移送公安：取值已按同义词统一(“Y”→“是”) / referred_to_police: value mapped to its standard term "
            "('Y' → '是')"),
        (3, "涉案金额(元)：数值中的千分位、单位或全角字符已去除 / amount_involved: separators, units or full-width "
            "digits removed"),
        (3, "是否移送公安：取值已按同义词统一(“true”→“是”) / referred_to_police: value mapped to its standard term "
            "('true' → '是')")]
    assert "  第2行 row 2 已规范化 normalised: 是否移送公安：取值已按同义词统一(“Y”→“是”)" in r.to_text()
    fb = feedback_table(store).set_index("clue_id")
    assert fb.loc["CL0000000000000A", "referred_to_police"] == "是"
    import json

    from workbench.audit import entries

    details = json.loads(entries(store, action="feedback")["details"].iloc[-1])
    assert details["normalised"] == [{"row": row, "note": note} for row, note in r.notes]
    assert details["rejected"] == []
    assert fb.loc["CL0000000000000B", "amount_involved"] == 1000
