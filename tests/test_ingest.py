"""Ingest on small hand-made files: every row ends loaded or rejected with a reason, nothing leaks."""

from __future__ import annotations

import datetime as dt
import logging
import zipfile

import duckdb
import openpyxl
import pytest
from conftest import OTHER_KEY

from workbench.identifiers import make_id_number
from workbench.ingest import ingest_paths
from workbench.protect import Tokenizer
from workbench.templates import write_template

ID1 = make_id_number("220102", dt.date(1980, 5, 6), 123)
ID2 = make_id_number("220103", dt.date(1990, 1, 2), 451)
ID_X = next(make_id_number("220104", dt.date(1975, 3, 4), s) for s in range(1000)
            if make_id_number("220104", dt.date(1975, 3, 4), s).endswith("X"))
ID15_18 = make_id_number("220102", dt.date(1965, 7, 8), 321)
ID15 = ID15_18[:6] + ID15_18[8:17]
POLICY_HEAD = "公司代码,险种类别,保单号,被保险人姓名,被保险人证件号码,保险金额(元),保费(元),起保日期,终保日期,被保险人联系电话"


def policy_rows():
    """(line, expected outcome) pairs; row numbers start at 2."""
    return [
        (f"C01,意外险,P001,张三,{ID1},100000,200,2018-08-01,2019-07-31,13800138000", "ok"),
        (f"C01,意外险,P002,李四,{ID_X.lower()},100000,200,2018/9/1,2019-08-31,138 0013 8001", "normalised"),
        ("C01,意外险,P003,王五,2.20102E+17,100000,200,2018-09-01,2019-08-31,", "excel_sci_notation"),
        (f"C01,意外险,P001,张三,{ID1},100000,200,2018-08-01,2019-07-31,13800138000", "duplicate_row"),
        (f"C01,意外险,P004,赵六,{ID2},100000,200,43470,2017-08-31,", "cross_field"),
        (f"C01,意外险,P005,孙七,{ID2},abc,200,2018-09-01,2019-08-31,", "bad_number"),
        (f"C02,意外险,P006,周八,{ID2},100,20,2018-09-01,2019-08-31,", "company_mismatch"),
        (f"C01,意外险,P007,吴九,{ID15},100,20,2018-10-01,2019-09-30,", "normalised"),
        (f"C01,意外险,P008,郑十,{ID1[:-3]}000,100,20,2018-10-01,2019-09-30,", "excel_trailing_zeros"),
        (f"C01,意外险,P009,钱一,{ID2},100,20,2017-10-01,2018-09-30,", "out_of_window"),
        (f"C01,意外,P010,钱二,{ID2},100,20,2018-10-01,2019-09-30,", "bad_enum"),
        (f"C01,意外险,,钱三,{ID2},100,20,2018-10-01,2019-09-30,", "missing_required"),
        (f"C01,医疗险,P011,钱四,{ID2},１００,20,2019年1月5日,20191231,", "normalised"),
    ]


def write_csv(path, head, rows, encoding="utf-8-sig"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([head, *rows]) + "\n").encode(encoding))
    return path


def wh(campaign):
    return duckdb.connect(str(campaign.warehouse), read_only=True)


@pytest.fixture
def policies(tmp_path):
    return write_csv(tmp_path / "in" / "C01" / "C01_意健险承保.csv", POLICY_HEAD, [r for r, _ in policy_rows()])


def test_each_row_is_loaded_or_rejected_with_the_right_reason(campaign, tokenizer, policies):
    report = ingest_paths([policies], campaign, tokenizer=tokenizer)
    (r,) = report.results
    assert (r.status, r.kind, r.company) == ("loaded", "ah_policy", "C01")
    expected = policy_rows()
    assert r.rows_read == len(expected)
    assert r.rows_read == r.rows_loaded + r.rows_rejected
    con = wh(campaign)
    rejected = dict(con.execute('SELECT "row", list(code ORDER BY code) FROM rejects GROUP BY "row"').fetchall())
    loaded = {row for (row,) in con.execute("SELECT _row FROM ah_policy").fetchall()}
    for i, (_, outcome) in enumerate(expected, start=2):
        if outcome in ("ok", "normalised"):
            assert i in loaded, (i, rejected.get(i))
        else:
            assert outcome in rejected[i], (i, rejected.get(i))
    # normalisations are recorded on the loaded rows
    notes = set(con.execute('SELECT "row", code FROM row_notes').fetchall())
    assert (3, "date_format") in notes and (3, "normalised") in notes  # 2018/9/1, lowercase x
    assert (9, "id_upgraded_15") in notes
    assert (14, "number_format") in notes  # full-width digits in the amount
    # 15-digit legacy ID matches its 18-digit form; lowercase x matches upper
    tok = con.execute("SELECT insured_id_token, insured_id_mask, insured_id_birth FROM ah_policy WHERE policy_no='P007'").fetchone()
    assert tok[0] == tokenizer.token("id_number", ID15_18)
    assert tok[1] == ID15_18[:6] + "*" * 12  # region only: the birth date beside it is stored
    assert tok[2] == dt.date(1965, 7, 8)
    assert con.execute("SELECT insured_id_token FROM ah_policy WHERE policy_no='P002'").fetchone()[0] == \
        tokenizer.token("id_number", ID_X.upper())
    # phone spaces removed before tokenizing
    assert con.execute("SELECT insured_phone_token FROM ah_policy WHERE policy_no='P002'").fetchone()[0] == \
        tokenizer.token("phone", "13800138001")
    man = con.execute("SELECT rows_read, rows_loaded, rows_rejected, status, encoding FROM manifest").fetchall()
    assert man == [(13, 4, 9, "loaded", "utf-8-sig")]


def test_the_reject_reason_is_chinese_and_english_and_masked(campaign, tokenizer, policies):
    ingest_paths([policies], campaign, tokenizer=tokenizer)
    con = wh(campaign)
    row = con.execute("SELECT header, reason_zh, reason_en, value_mask FROM rejects WHERE code='excel_trailing_zeros'").fetchone()
    assert row[0] == "被保险人证件号码"
    assert "文本" in row[1] and "Text" in row[2]
    assert ID1[:-3] not in row[3] and row[3].startswith("220") and "*" in row[3]
    enum = con.execute("SELECT reason_zh FROM rejects WHERE code='bad_enum'").fetchone()[0]
    assert "寿险、意外险、重疾险、医疗险" in enum


def test_reingest_is_a_no_op_and_resubmission_replaces(campaign, tokenizer, policies, tmp_path):
    ingest_paths([policies], campaign, tokenizer=tokenizer)
    again = ingest_paths([policies.parent.parent], campaign, tokenizer=tokenizer)
    assert [r.status for r in again.results] == ["unchanged"]
    con = wh(campaign)
    assert con.execute("SELECT count(*) FROM ah_policy").fetchone()[0] == 4
    assert con.execute("SELECT count(*) FROM manifest").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 9
    con.close()
    resub = write_csv(tmp_path / "wave2" / "C01" / "C01_意健险承保_更正.csv", POLICY_HEAD,
                      [f"C01,寿险,P100,张三,{ID1},500000,900,2018-12-01,2038-11-30,13800138000"])
    rep = ingest_paths([resub], campaign, tokenizer=tokenizer)
    assert rep.results[0].replaced
    con = wh(campaign)
    assert con.execute("SELECT list(policy_no) FROM ah_policy").fetchone()[0] == ["P100"]
    statuses = con.execute("SELECT status, replaced_by IS NOT NULL FROM manifest ORDER BY loaded_at").fetchall()
    assert statuses == [("replaced", True), ("loaded", False)]


@pytest.mark.parametrize("case", [
    "zero", "truncated_xlsx", "wrong_headers", "utf16",
    "mixed_encoding",
    "bad_suffix"])
def test_bad_files_give_a_clear_message_and_load_nothing(campaign, tokenizer, tmp_path, case, policies):
    folder = tmp_path / "bad" / "C01"
    folder.mkdir(parents=True)
    if case == "zero":
        bad = folder / "C01_空文件.csv"
        bad.write_bytes(b"")
        expect = "文件为空"
    elif case == "truncated_xlsx":
        good = folder / "full.xlsx"
        wb = openpyxl.Workbook()
        wb.active.append(POLICY_HEAD.split(","))
        wb.save(good)
        data = good.read_bytes()
        good.unlink()
        bad = folder / "C01_截断.xlsx"
        bad.write_bytes(data[: len(data) // 2])
        expect = "损坏"
    elif case == "wrong_headers":
        bad = write_csv(folder / "C01_乱表头.csv", "甲,乙,丙", ["1,2,3"])
        expect = "无法识别数据类型"
    elif case == "utf16":
        bad = write_csv(folder / "C01_utf16.csv", POLICY_HEAD, [policy_rows()[0][0]], encoding="utf-16")
        expect = "编码"
    elif case == "mixed_encoding":
        bad = folder / "C01_混合.csv"
        bad.write_bytes((POLICY_HEAD + "\n").encode("gb18030") + (policy_rows()[0][0] + "\n").encode("gb18030")
                        + f"C01,意外险,P777,欧阳娜娜,{ID2},1,1,2018-08-01,2019-07-31,\n".encode())
        expect = "混合"
    else:
        bad = folder / "C01_data.pdf"
        bad.write_bytes(b"%PDF-1.4")
        expect = "不支持的文件类型"
    report = ingest_paths([bad, policies], campaign, tokenizer=tokenizer)
    first, second = report.results
    assert first.status == "failed" and expect in first.message_zh, first.message_zh
    assert second.status == "loaded"  # the other file still loads
    con = wh(campaign)
    assert con.execute("SELECT count(*) FROM ah_policy").fetchone()[0] == 4
    assert con.execute("SELECT status FROM manifest WHERE file_name LIKE ?", [f"%{bad.name}"]).fetchone()[0] == "failed"


def test_a_submission_split_into_files_adds_up_and_a_later_one_replaces(campaign, tokenizer, tmp_path):
    """Two files of one kind in one run are one submission; a later run's file replaces both."""
    rows = [r for r, outcome in policy_rows() if outcome in ("ok", "normalised")]  # P001 P002 P007 P011
    part1 = write_csv(tmp_path / "in" / "C01" / "C01_意健险承保_第1批.csv", POLICY_HEAD, rows[:2])
    write_csv(tmp_path / "in" / "C01" / "C01_意健险承保_第2批.csv", POLICY_HEAD, rows[2:])
    rep = ingest_paths([part1.parent], campaign, tokenizer=tokenizer)
    assert [r.status for r in rep.results] == ["loaded", "loaded"]
    assert [r.replaced for r in rep.results] == [[], []]
    con = wh(campaign)
    assert sorted(con.execute("SELECT list(policy_no) FROM ah_policy").fetchone()[0]) == ["P001", "P002", "P007", "P011"]
    con.close()
    later = write_csv(tmp_path / "wave2" / "C01" / "C01_意健险承保_更正.csv", POLICY_HEAD, rows[:1])
    r = ingest_paths([later], campaign, tokenizer=tokenizer).results[0]
    assert len(r.replaced) == 2
    assert "替换了此前报送的同类数据(2个批次，4行)" in r.message_zh and "4 rows" in r.message_en
    con = wh(campaign)
    assert con.execute("SELECT list(policy_no) FROM ah_policy").fetchone()[0] == ["P001"]
    con.close()


def test_a_file_named_for_one_company_with_another_companys_rows_loads_none_of_them(campaign, tokenizer, policies,
                                                                                     tmp_path):
    """The file name is the sender's claim: another company's rows are rejected, as in a mixed file."""
    ingest_paths([policies], campaign, tokenizer=tokenizer)  # C01 is now a known company
    other = write_csv(tmp_path / "in" / "C02" / "C02_意健险承保.csv", POLICY_HEAD,
                      [f"C02,意外险,P900,周八,{ID2},100,20,2018-09-01,2019-08-31,"])
    ingest_paths([other], campaign, tokenizer=tokenizer)  # C02's own file
    wrong = write_csv(tmp_path / "bad" / "C02_意健险承保_更正.csv", POLICY_HEAD,
                      [f"C01,意外险,P901,周九,{ID2},100,20,2018-09-01,2019-08-31,"])
    rep = ingest_paths([wrong], campaign, tokenizer=tokenizer, receipts_dir=tmp_path / "receipts")
    r = rep.results[0]
    assert (r.status, r.company, r.rows_loaded, r.rows_rejected, r.replaced) == ("rejected", "C02", 0, 1, [])
    assert "本文件由公司 C02 报送，但文件中多数行的公司代码为 C01" in r.message_zh and "company C02" in r.message_en
    assert "此前报送的同类数据(1个批次，1行)保持不变，未被替换" in r.message_zh
    assert set(rep.receipts) == {"C02"}  # the sender hears of it, in its own receipt
    con = wh(campaign)
    assert sorted(con.execute("SELECT company_code, count(*) FROM ah_policy GROUP BY 1").fetchall()) == \
        [("C01", 4), ("C02", 1)]  # nothing of C01 or C02 was replaced
    assert con.execute("SELECT code FROM rejects WHERE batch_id = ?", [r.batch_id]).fetchall() == [("company_mismatch",)]
    con.close()


def test_a_failed_file_is_reported_to_the_company_its_name_says(campaign, tokenizer, tmp_path):
    bad = tmp_path / "in" / "C03" / "C03_意健险承保.csv"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"")
    rep = ingest_paths([bad], campaign, tokenizer=tokenizer, receipts_dir=tmp_path / "receipts")
    assert (rep.results[0].status, rep.results[0].company) == ("failed", "C03")
    assert set(rep.receipts) == {"C03"}


def test_a_file_missing_a_required_column_is_refused_as_such(campaign, tokenizer, tmp_path):
    head = POLICY_HEAD.replace(",起保日期", "")
    rows = [",".join(c for i, c in enumerate(policy_rows()[0][0].split(",")) if i != 7)]
    bad = write_csv(tmp_path / "in" / "C01" / "C01_意健险承保.csv", head, rows)
    r = ingest_paths([bad], campaign, tokenizer=tokenizer).results[0]
    assert r.status == "failed" and r.kind is None
    assert r.message_zh.startswith("缺少必填列：起保日期。本文件是“"), r.message_zh
    assert "start_date" in r.message_en


@pytest.mark.parametrize(("extra", "rows_said"), [(",X,Y", "第3行的列数(12)"), ("", "第3行的列数(9)")])
def test_a_csv_with_ragged_lines_is_refused_with_the_line(campaign, tokenizer, tmp_path, extra, rows_said):
    good = policy_rows()[0][0]
    short = ",".join(policy_rows()[7][0].split(",")[:9])
    ragged = write_csv(tmp_path / "in" / "C01" / "C01_意健险承保.csv", POLICY_HEAD,
                       [good, (policy_rows()[7][0] + extra) if extra else short, ""])
    r = ingest_paths([ragged], campaign, tokenizer=tokenizer).results[0]
    assert r.status == "failed"
    assert rows_said in r.message_zh and "表头的列数(10)" in r.message_zh and "header has 10" in r.message_en
    con = wh(campaign)
    assert con.execute("SELECT count(*) FROM manifest WHERE status = 'loaded'").fetchone()[0] == 0
    con.close()


def test_a_trailing_empty_cell_is_not_a_ragged_line(campaign, tokenizer, tmp_path):
    rows = [policy_rows()[0][0] + ",", policy_rows()[7][0]]
    path = write_csv(tmp_path / "in" / "C01" / "C01_意健险承保.csv", POLICY_HEAD, rows)
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.rows_loaded) == ("loaded", 2)


def test_a_shift_jis_csv_is_told_to_be_saved_as_utf8(campaign, tokenizer, tmp_path):
    path = tmp_path / "in" / "C01" / "C01_data.csv"
    path.parent.mkdir(parents=True)
    path.write_bytes("会社コード,保険番号\nC01,テスト\n".encode("shift_jis"))
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert r.status == "failed" and "CSV UTF-8" in r.message_zh and "Shift-JIS" in r.message_zh


def test_gb18030_csv_is_decoded_and_reported(campaign, tokenizer, tmp_path):
    rows = [f"C01,意外险,P001,欧阳娜娜,{ID1},100000,200,2018-08-01,2019-07-31,"]
    path = write_csv(tmp_path / "C01" / "gbk.csv", POLICY_HEAD, rows, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.encoding, r.rows_loaded) == ("loaded", "gb18030", 1)
    assert wh(campaign).execute("SELECT insured_name_mask FROM ah_policy").fetchone()[0] == "欧阳**"


def test_xlsx_template_with_notes_row_and_numeric_id_cell(campaign, tokenizer, tmp_path):
    path = write_template("ah_policy", tmp_path / "C01")
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    heads = [c.value for c in ws[1]]
    values = {"公司代码": "C01", "险种类别": "重疾险", "保单号": "X1", "被保险人姓名": "张三", "被保险人证件号码": ID1,
              "保险金额(元)": 300000, "保费(元)": 5000.5, "起保日期": dt.datetime(2018, 12, 1), "终保日期": "2019-11-30"}
    for col, h in enumerate(heads, start=1):
        if h in values:
            ws.cell(row=3, column=col, value=values[h])
    values2 = dict(values, 保单号="X2", 被保险人证件号码=float(ID2[:17] + "0"))  # Excel-mangled numeric ID
    for col, h in enumerate(heads, start=1):
        if h in values2:
            ws.cell(row=4, column=col, value=values2[h])
    wb.save(path)
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.status, r.kind, r.rows_read, r.rows_loaded) == ("loaded", "ah_policy", 2, 1)
    con = wh(campaign)
    assert con.execute("SELECT _row, premium, start_date FROM ah_policy").fetchone() == (3, 5000.5, dt.date(2018, 12, 1))
    assert con.execute('SELECT "row", code FROM rejects').fetchone() == (4, "excel_sci_notation")


def test_column_mapping_profile(campaign, tokenizer, tmp_path):
    prof = tmp_path / "C09.yaml"
    prof.write_text("company: C09\nkind: ah_policy\ncolumns:\n  机构: company_code\n  险种: line\n  保单编号: policy_no\n"
                    "  客户姓名: insured_name\n  客户证件号: insured_id\n  保额: 保险金额(元)\n  保费: premium\n"
                    "  生效日: start_date\n  满期日: end_date\nvalues:\n  line: {意外: 意外险}\n", encoding="utf-8")
    data = write_csv(tmp_path / "C09" / "export.csv", "机构,险种,保单编号,客户姓名,客户证件号,保额,保费,生效日,满期日",
                     [f"C09,意外,Q1,张三,{ID1},1000,10,2018-08-01,2019-07-31"])
    r = ingest_paths([data], campaign, tokenizer=tokenizer, profile=prof).results[0]
    assert (r.status, r.rows_loaded) == ("loaded", 1), r.message_zh
    assert wh(campaign).execute("SELECT line, sum_insured FROM ah_policy").fetchone() == ("意外险", 1000.0)


def test_tokens_depend_on_the_key(campaign, policies, tmp_path):
    a = ingest_paths([policies], campaign, tokenizer=Tokenizer(bytes(range(32))))
    con = wh(campaign)
    t1 = con.execute("SELECT list(insured_id_token ORDER BY policy_no) FROM ah_policy").fetchone()[0]
    con.close()
    campaign.warehouse.unlink()
    ingest_paths([policies], campaign, tokenizer=Tokenizer(bytes(range(32))))
    con = wh(campaign)
    assert con.execute("SELECT list(insured_id_token ORDER BY policy_no) FROM ah_policy").fetchone()[0] == t1
    con.close()
    campaign.warehouse.unlink()
    ingest_paths([policies], campaign, tokenizer=Tokenizer(OTHER_KEY))
    t3 = wh(campaign).execute("SELECT list(insured_id_token ORDER BY policy_no) FROM ah_policy").fetchone()[0]
    assert set(t3).isdisjoint(t1) and a.results[0].rows_loaded == 4


def test_no_raw_identifier_in_warehouse_receipt_or_log(campaign, tokenizer, policies, caplog):
    caplog.set_level(logging.DEBUG)
    report = ingest_paths([policies], campaign, tokenizer=tokenizer)
    raw = [ID1, ID_X, ID_X.lower(), ID2, ID15, ID15_18, "13800138000", "张三", "李四", "王五"]
    blobs = {"warehouse": campaign.warehouse.read_bytes(), "log": caplog.text.encode()}
    for path in report.receipts.values():
        with zipfile.ZipFile(path) as z:
            blobs[path.name] = b"".join(z.read(n) for n in z.namelist())
    for where, blob in blobs.items():
        for value in raw:
            assert value.encode() not in blob, f"raw identifier found in {where}"
    assert "13800138000".encode("utf-16-le") not in blobs["warehouse"]


def test_receipt_lists_rejects_for_the_company(campaign, tokenizer, policies):
    report = ingest_paths([policies], campaign, tokenizer=tokenizer)
    wb = openpyxl.load_workbook(report.receipts["C01"])
    assert wb.sheetnames == ["回执汇总", "退回明细", "规范化与警告", "警告明细", "数据质量记分卡"]
    rej = list(wb["退回明细"].iter_rows(values_only=True))
    assert len(rej) == 1 + 9  # header + one line per (row, reason)
    assert {r[1] for r in rej[1:]} == {4, 5, 6, 7, 8, 10, 11, 12, 13}
    assert {r[0] for r in rej[1:]} == {policies.name}  # the file's name, not the association's folders
    summary = list(wb["回执汇总"].iter_rows(values_only=True))
    assert summary[6][-2:] == ("说明 message", "说明(English) message")
    assert summary[7][-1] == "9 rows rejected, see the receipt"  # rows 4-8 and 10-13


def test_fast_paths_agree_with_the_one_value_checkers():
    import numpy as np
    import pandas as pd

    from workbench.identifiers import check_bank_card, check_id_number, luhn_complete
    from workbench.ingest import fastpath
    from workbench.protect import mask

    vectors = pd.read_csv("tests/data/cn_resident_id_test_vectors.csv", dtype=str)["id_number"].tolist()
    ids = vectors + [ID1, ID2, ID_X, ID1[:-1] + ("0" if ID1[-1] != "0" else "1"), "２２０１０２１９８００５０６１２３９"]
    fast = fastpath.id_numbers(pd.Series(ids, dtype="string"))
    for value, ok in zip(ids, fast, strict=True):
        slow = check_id_number(value)
        if ok:  # the fast path may only accept what the checker accepts unchanged
            assert slow.status == "ok" and slow.value == value, value
        elif slow.status == "ok":
            assert slow.value != value or not value.isascii(), value
    cards = [luhn_complete("622202123456789012"), "6222021234567890123", "6222 0212 3456 7890"]
    for value, ok in zip(cards, fastpath.bank_cards(pd.Series(cards, dtype="string")), strict=True):
        assert ok == (check_bank_card(value).status == "ok" and check_bank_card(value).value == value)
    for kind, values in {"id_number": [ID1, "E12345678"], "phone": ["13800138000", "043188886666"],
                         "name": ["张三", "欧阳娜娜", "李四光", "买买提·艾力"]}.items():
        got = fastpath.masks(kind, np.array(values, dtype=object), mask)
        assert list(got) == [mask(kind, v) for v in values]


def test_free_text_is_scrubbed_of_identifiers(campaign, tokenizer, tmp_path):
    head = "公司代码,线索编号,险种类别,欺诈类型,线索状态,涉案人员姓名,涉案人员证件号码,线索描述"
    rows = [f"C01,X1,意健险,虚假意外身故,疑似线索,王月玉,{ID1},王月玉在3家公司投保后身故，受益人王静月非近亲属，"
            f"身份证{ID2}，电话13800138000"]
    path = write_csv(tmp_path / "C01" / "C01_附表5_2018-2019.csv", head, rows)
    r = ingest_paths([path], campaign, tokenizer=tokenizer).results[0]
    assert (r.kind, r.rows_loaded) == ("att5_clue", 1)
    text = wh(campaign).execute("SELECT description FROM att5_clue").fetchone()[0]
    # NFKC turns full-width commas into ASCII ones
    assert text == (f"王*玉在3家公司投保后身故,受益人王*月非近亲属,身份证{ID2[:6]}************,电话138****8000")
