"""No raw identifier in what the ingest says about bad input: a value in the wrong column, a file
without a header row, numbers written in groups inside prose (found by a new-user test)."""

from __future__ import annotations

import datetime as dt
import zipfile

import duckdb
import pytest

from workbench.identifiers import make_id_number
from workbench.ingest import ingest_paths
from workbench.ingest.scrub import scrub, shown

ID1 = make_id_number("220102", dt.date(1980, 5, 6), 123)
ID2 = make_id_number("222406", dt.date(1972, 2, 10), 750)
CARD = "6228480402564890018"
HEAD = "公司代码,险种类别,保单号,被保险人姓名,被保险人证件号码,保险金额(元),保费(元),起保日期,终保日期,被保险人联系电话"


def _write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8-sig"))
    return path


def _everything_said(campaign, report) -> str:
    """Rejects, notes, manifest messages and every receipt, as one text."""
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    parts = [str(con.execute(f"SELECT * FROM {t}").fetchall()) for t in ("rejects", "row_notes", "manifest")]
    for path in report.receipts.values():
        with zipfile.ZipFile(path) as z:
            parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    parts += [f"{r.message_zh} {r.message_en}" for r in report.results]
    return "\n".join(parts)


@pytest.mark.parametrize(("value", "expected"), [
    (ID2, ID2[:6] + "*" * 12),
    ("常淑佳 18625337083", "常*佳 186****7083"),
    (CARD, "622848*********0018"),
    ("139 1234 5678", "139****5678"),
    ("1234567890123", "12*********23"),
    ("2019-03-05 10:20:30", "2019-03-05 10:20:30"),  # a date is no identifier
    ("疾病身故", "疾病身故"),
    ("abc", "abc"),
])
def test_a_rejected_value_is_shown_masked(value, expected):
    assert shown(value) == expected


def test_a_lone_word_of_the_allowed_values_stays_readable():
    assert shown("意外", ("意外险", "医疗险")) == "意外"
    assert shown("王芳", ("意外险", "医疗险")) == "王*"


def test_grouped_numbers_in_prose_are_masked():
    text = f"电话139 1234 5678，身份证{ID1[:6]} {ID1[6:14]} {ID1[14:]}，卡号6222-0212-3456-7890，出险2019-03-05"
    assert scrub(text, []) == (f"电话139****5678，身份证{ID1[:6]}************，卡号622202******7890，出险2019-03-05")


def test_identifiers_in_the_wrong_columns_never_reach_rejects_or_receipts(tmp_path, campaign, tokenizer):
    rows = [HEAD,
            f"C01,{ID2},P001,张三,{ID1},100000,200,2018-08-01,2019-07-31,13800138000",        # ID in the line
            f"C01,常淑佳 18625337083,P002,张三,{ID1},100000,200,2018-08-01,2019-07-31,",       # name + mobile
            f"C01,意外险,P003,张三,{ID1},{CARD},200,2018-08-01,2019-07-31,",                   # account as amount
            f"C01,意外险,P004,张三,{ID1},100000,200,{ID2},2019-07-31,"]                        # ID as a date
    path = _write(tmp_path / "in" / "C01" / "C01_意健险承保.csv", rows)
    report = ingest_paths([path], campaign, tokenizer=tokenizer)
    r = report.results[0]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (4, 0, 4)
    said = _everything_said(campaign, report)
    for raw in (ID2, "常淑佳", "18625337083", CARD):
        assert raw not in said
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    masks = {v for (v,) in con.execute("SELECT value_mask FROM rejects").fetchall()}
    assert {ID2[:6] + "*" * 12, "常*佳 186****7083", "622848*********0018"} <= masks


def test_a_file_without_its_header_row_does_not_quote_its_first_row(tmp_path, campaign, tokenizer):
    path = _write(tmp_path / "in" / "C01" / "C01_意健险承保.csv",
                  [f"C01,意外险,P001,黄萍,{ID2},100000,200,2018-08-01,2019-07-31,18625337083",
                   f"C01,意外险,P002,张三,{ID1},100000,200,2018-08-01,2019-07-31,"])
    report = ingest_paths([path], campaign, tokenizer=tokenizer)
    r = report.results[0]
    assert r.status == "failed" and "表头" in r.message_zh
    said = _everything_said(campaign, report)
    for raw in (ID2, "黄萍", "18625337083"):
        assert raw not in said
    assert ID2[:6] + "*" * 12 in r.message_zh


def test_a_footer_row_or_an_identifier_in_the_company_column_is_shown_masked(tmp_path, campaign, tokenizer):
    """Rows whose company code is another's are rejected with the value shown: a clerk's footer
    (制表人 … 电话 … 身份证 …) or a shifted ID there must be shown masked like any other value."""
    rows = [HEAD,
            f"C01,意外险,P001,张三,{ID1},100000,200,2018-08-01,2019-07-31,",
            f"{ID2},意外险,P002,张三,{ID1},100000,200,2018-08-01,2019-07-31,",
            f"制表人：黄萍 电话18625337083 身份证{ID2},,,,,,,,,"]
    path = _write(tmp_path / "in" / "C01" / "C01_意健险承保.csv", rows)
    report = ingest_paths([path], campaign, tokenizer=tokenizer)
    r = report.results[0]
    assert (r.rows_read, r.rows_loaded, r.rows_rejected) == (3, 1, 2)
    said = _everything_said(campaign, report)
    for raw in (ID2, "黄萍", "18625337083"):
        assert raw not in said
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    masks = {v for (v,) in con.execute("SELECT value_mask FROM rejects WHERE code = 'company_mismatch'").fetchall()}
    assert masks == {ID2[:6] + "*" * 12, f"制**:黄***186****7083身**{ID2[:6]}" + "*" * 12}


def test_a_name_and_mobile_in_an_identifier_column_is_masked_as_such():
    from workbench.ingest.validate import _safe_mask

    assert _safe_mask("bank_card", "周国强 13912345678") == "周*强 139****5678"
    assert _safe_mask("bank_card", ID2) == ID2[:6] + "*" * 12


def test_identifiers_in_other_text_columns_are_masked_at_the_door(tmp_path, campaign, tokenizer):
    """Not only the prose columns: a diagnosis, a hospital name or a bank name may hold a mobile or an
    ID number shifted from another column — masked before they land. Category and organisation
    texts keep their words (委托代理人集中 is no name)."""
    head = ("公司代码,险种类别,赔案号,保单号,被保险人姓名,被保险人证件号码,出险日期,出险类型,报案日期,结案日期,"
            "索赔金额(元),赔付金额(元),理赔结论,诊断名称,医院名称")
    rows = [head,
            f"C01,意外险,L001,P001,张三,{ID1},2019-01-01,意外医疗,2019-01-10,2019-03-10,1000,800,正常赔付,"
            f"骨折 电话139 1234 5678,{ID2}",
            f"C01,意外险,L002,P002,张三,{ID1},2019-01-02,意外医疗,2019-01-10,2019-03-10,1000,800,正常赔付,骨折,"
            "委托代理人集中医院"]
    path = _write(tmp_path / "in" / "C01" / "C01_意健险理赔.csv", rows)
    report = ingest_paths([path], campaign, tokenizer=tokenizer)
    r = report.results[0]
    assert (r.rows_loaded, r.rows_normalised) == (2, 1)
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    got = con.execute("SELECT diagnosis, hospital_name FROM ah_claim ORDER BY claim_no").fetchall()
    assert got == [("骨折 电话139****5678", ID2[:6] + "*" * 12), ("骨折", "委托代理人集中医院")]
    notes = con.execute("SELECT \"row\", field, code FROM row_notes WHERE code = 'text_scrubbed' ORDER BY 2").fetchall()
    assert notes == [(2, "diagnosis", "text_scrubbed"), (2, "hospital_name", "text_scrubbed")]


def test_phones_written_the_other_ways_are_masked_in_prose():
    assert scrub("联系人欧阳建国，电话+86 137 1111 2222，座机0431-84381650，2019-03-05", []) == \
        "联系人欧*建国，电话+86137****2222，座机0431****50，2019-03-05"
