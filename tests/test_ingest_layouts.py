"""Layouts clerks' exports really have: a title above the headers, the data on a later sheet,
an ID kept as text with Excel's leading apostrophe (found by a new-user test)."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl

from workbench.identifiers import make_id_number
from workbench.ingest import ingest_paths

ID1 = make_id_number("220102", dt.date(1980, 5, 6), 123)
ID2 = make_id_number("220103", dt.date(1990, 1, 2), 451)
HEAD = ["公司代码", "险种类别", "保单号", "被保险人姓名", "被保险人证件号码", "保险金额(元)", "保费(元)", "起保日期",
        "终保日期", "被保险人联系电话"]
ROWS = [["C01", "意外险", "P001", "张三", ID1, "100000", "200", "2018-08-01", "2019-07-31", "13800138000"],
        ["C01", "意外险", "P002", "李四", "'" + ID2, "100000", "200", "2018-09-01", "2019-08-31", ""]]


def _xlsx(path, sheets):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _loaded(campaign, report):
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    return con.execute("SELECT policy_no, insured_id_birth FROM ah_policy ORDER BY policy_no").fetchall()


def test_a_title_above_the_headers_is_skipped_and_rows_keep_their_numbers(tmp_path, campaign, tokenizer):
    title = [["XX保险公司2018年度意外险承保清单"], ["导出日期：2019-01-05"], []]
    path = _xlsx(tmp_path / "in" / "C01" / "C01_意健险承保.xlsx", [("承保清单", title + [HEAD] + ROWS)])
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.kind, r.rows_read, r.rows_loaded) == ("loaded", "ah_policy", 2, 2)
    assert _loaded(campaign, r) == [("P001", dt.date(1980, 5, 6)), ("P002", dt.date(1990, 1, 2))]
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    assert sorted(x for (x,) in con.execute("SELECT _row FROM ah_policy").fetchall()) == [5, 6]  # header on row 4
    assert "表头在第4行，其上方3行(标题等)已跳过" in r.message_zh


def test_a_csv_with_a_title_row(tmp_path, campaign, tokenizer):
    width = len(HEAD)
    lines = ["XX保险公司2018年度意外险承保清单" + "," * (width - 1), ",".join(HEAD)] + [",".join(r) for r in ROWS]
    path = tmp_path / "in" / "C01" / "C01_意健险承保.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.rows_read, r.rows_loaded) == ("loaded", 2, 2)
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    assert sorted(x for (x,) in con.execute("SELECT _row FROM ah_policy").fetchall()) == [3, 4]


def test_the_data_on_a_later_sheet_is_found(tmp_path, campaign, tokenizer):
    cover = [["填报说明"], ["本表由XX保险公司理赔部填报"]]
    path = _xlsx(tmp_path / "in" / "C01" / "C01_意健险承保.xlsx", [("说明", cover), ("数据", [HEAD] + ROWS)])
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.rows_loaded) == ("loaded", 2)
    assert _loaded(campaign, r)[1] == ("P002", dt.date(1990, 1, 2))  # the apostrophe ID loaded too


def test_a_second_sheet_with_headers_is_said_not_read(tmp_path, campaign, tokenizer):
    path = _xlsx(tmp_path / "in" / "C01" / "C01_意健险承保.xlsx",
                 [("第1部分", [HEAD, ROWS[0]]), ("第2部分", [HEAD, ROWS[1]])])
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.rows_loaded) == ("loaded", 1)
    assert "工作簿中的工作表“第2部分”也有表头，未读取(只读取了“第1部分”)" in r.message_zh


def test_the_same_header_twice_is_refused_naming_both_columns(tmp_path, campaign, tokenizer):
    path = tmp_path / "in" / "C01" / "C01_意健险承保.csv"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join([",".join(HEAD + ["被保险人证件号码"]), ",".join(ROWS[0] + [ID2])]) + "\n",
                    encoding="utf-8-sig")
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert r.status == "failed"
    assert "表头重复：第5列“被保险人证件号码”和第11列“被保险人证件号码”都是“被保险人证件号码”" in r.message_zh
    assert ID2 not in r.message_zh


def test_an_unknown_header_after_a_role_word_is_not_taken_for_a_name():
    from workbench.ingest.mapping import display_header

    assert display_header("经办人手机") == "经办人手机"
    assert display_header("黄萍") == "黄*"
