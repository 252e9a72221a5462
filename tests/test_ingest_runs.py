"""Ingest runs as a new user makes them: resubmissions that load nothing, files repeating each other,
a submission sent in parts, folders with other files in them, and whose file a file is."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest
from conftest import TEST_KEY

from workbench.cli import main
from workbench.errors import IngestError
from workbench.identifiers import make_id_number
from workbench.ingest import ingest_paths

IDS = [make_id_number("220102", dt.date(1970 + i, 3, 4), 100 + i) for i in range(5)]
CLAIM_HEAD = ("公司代码,险种类别,赔案号,保单号,被保险人姓名,被保险人证件号码,出险日期,出险类型,报案日期,结案日期,"
              "索赔金额(元),赔付金额(元),理赔结论")
POLICY_HEAD = "公司代码,险种类别,保单号,被保险人姓名,被保险人证件号码,保险金额(元),保费(元),起保日期,终保日期"
NAMES = ["张一", "李二", "王三", "赵四", "孙五"]


def claim(i: int, company: str = "C03", id_number: str | None = None) -> str:
    """Claim L00<i> of person i, closed 2019-03-10 (inside the campaign window)."""
    return (f"{company},意外险,L00{i},P00{i},{NAMES[i]},{id_number or IDS[i]},2019-01-0{i + 1},意外医疗,2019-01-1{i},"
            f"2019-03-10,1000,800,正常赔付")


def policy(i: int, company: str) -> str:
    return f"{company},意外险,P00{i},{NAMES[i]},{IDS[i]},100000,200,2018-08-01,2019-07-31"


def write_csv(path, head, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([head, *rows]) + "\n").encode("utf-8-sig"))
    return path


def query(campaign, sql, params=None):
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def run(campaign, tokenizer, tmp_path, paths, **kw):
    return ingest_paths(paths, campaign, tokenizer=tokenizer, receipts_dir=tmp_path / "receipts", jobs=1, **kw)


def receipt_rows(path, sheet):
    return list(openpyxl.load_workbook(path)[sheet].iter_rows(values_only=True))


@pytest.fixture
def first(campaign, tokenizer, tmp_path):
    """C03's A&H claims L000-L002, loaded."""
    path = write_csv(tmp_path / "wave1" / "C03" / "C03_意健险理赔_2018-2019.csv", CLAIM_HEAD, [claim(i) for i in range(3)])
    (r,) = run(campaign, tokenizer, tmp_path, [path]).results
    assert (r.status, r.rows_loaded) == ("loaded", 3)
    return r


# --- 1 · a resubmission that loads nothing replaces nothing ------------------------------------------


def test_an_all_rejected_resubmission_keeps_the_earlier_batch(campaign, tokenizer, tmp_path, first):
    sci = [claim(i, id_number="2.20102E+17") for i in range(3)]  # Excel turned every ID into a number
    path = write_csv(tmp_path / "wave2" / "C03" / "C03_意健险理赔_2018-2019.csv", CLAIM_HEAD, sci)
    rep = run(campaign, tokenizer, tmp_path, [path])
    (r,) = rep.results
    assert (r.status, r.company, r.rows_read, r.rows_loaded, r.rows_rejected) == ("rejected", "C03", 3, 0, 3)
    assert r.replaced == []
    assert r.message_zh == "全部3行均被退回，本文件没有数据入库，见回执退回明细；此前报送的同类数据(1个批次，3行)保持不变，未被替换"
    assert r.message_en == ("all 3 rows rejected: nothing of this file was loaded, see the receipt; the earlier "
                            "submission of this kind (1 batches, 3 rows) was kept, not replaced")
    assert query(campaign, "SELECT list(claim_no ORDER BY claim_no) FROM ah_claim")[0][0] == ["L000", "L001", "L002"]
    assert query(campaign, "SELECT status, replaced_by, rows_read, rows_loaded, rows_rejected FROM manifest "
                           "ORDER BY loaded_at") == [("loaded", None, 3, 3, 0), ("rejected", None, 3, 0, 3)]
    assert query(campaign, 'SELECT "row", code FROM rejects WHERE batch_id = ? ORDER BY 1', [r.batch_id]) == \
        [(2, "excel_sci_notation"), (3, "excel_sci_notation"), (4, "excel_sci_notation")]
    summary = receipt_rows(rep.receipts["C03"], "回执汇总")
    assert summary[7][:6] == (path.name, "意健险及寿险已决赔案数据", "全部退回", 3, 0, 3)
    assert [row[1] for row in receipt_rows(rep.receipts["C03"], "退回明细")[1:]] == [2, 3, 4]
    assert rep.totals()["files_rejected"] == 1 and rep.totals()["rows_rejected"] == 3
    assert f"全部退回 ALL ROWS REJECTED {path.name}: 全部3行均被退回" in rep.to_text()


def test_a_run_whose_files_of_a_kind_all_load_nothing_keeps_the_earlier_batch(campaign, tokenizer, tmp_path, first):
    folder = tmp_path / "wave2" / "C03"
    write_csv(folder / "C03_意健险理赔_第1部分.csv", CLAIM_HEAD, [claim(0, id_number="2.20102E+17")])
    write_csv(folder / "C03_意健险理赔_第2部分.csv", CLAIM_HEAD, [claim(1, id_number="2.20102E+17")])
    rep = run(campaign, tokenizer, tmp_path, [folder])
    assert [r.status for r in rep.results] == ["rejected", "rejected"]
    assert query(campaign, "SELECT count(*) FROM ah_claim")[0][0] == 3


def test_a_header_only_file_says_it_has_no_data_rows_and_replaces_nothing(campaign, tokenizer, tmp_path, first):
    path = write_csv(tmp_path / "wave2" / "C03" / "C03_意健险理赔_2018-2019.csv", CLAIM_HEAD, [])
    rep = run(campaign, tokenizer, tmp_path, [path])
    (r,) = rep.results
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_rejected, r.replaced) == ("empty", 0, 0, 0, [])
    assert r.message_zh == "文件只有表头，没有数据行，没有数据入库；此前报送的同类数据(1个批次，3行)保持不变，未被替换"
    assert "全部入库" not in r.message_zh
    assert query(campaign, "SELECT count(*) FROM ah_claim")[0][0] == 3
    assert query(campaign, "SELECT list(status ORDER BY loaded_at) FROM manifest")[0][0] == ["loaded", "empty"]
    assert receipt_rows(rep.receipts["C03"], "回执汇总")[7][2] == "无数据行"


def test_strict_exits_1_when_a_file_had_every_row_rejected(campaign, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_TOKEN_KEY", TEST_KEY.hex())
    good = write_csv(tmp_path / "a" / "C03" / "C03_意健险理赔.csv", CLAIM_HEAD, [claim(0)])
    bad = write_csv(tmp_path / "b" / "C03" / "C03_意健险理赔.csv", CLAIM_HEAD, [claim(0, id_number="2.20102E+17")])
    base = ["--config", str(tmp_path / "campaign.toml"), "ingest", "--receipts", str(tmp_path / "r")]
    assert main([*base, str(good), "--strict"]) == 0
    assert main([*base, str(bad)]) == 0  # reported, exit 0 unless --strict
    assert main([*base, str(bad), "--strict"]) == 1
    assert query(campaign, "SELECT count(*) FROM ah_claim")[0][0] == 1
    assert "全部退回 ALL ROWS REJECTED C03_意健险理赔.csv" in capsys.readouterr().out


# --- 2 · rows repeated across the files of one run ---------------------------------------------------


def test_rows_repeating_an_earlier_file_of_the_run_are_rejected_naming_it(campaign, tokenizer, tmp_path):
    folder = tmp_path / "in" / "C03"
    write_csv(folder / "C03_意健险理赔_1.csv", CLAIM_HEAD, [claim(0), claim(1), claim(2)])
    write_csv(folder / "C03_意健险理赔_2.csv", CLAIM_HEAD, [claim(3), claim(2), claim(0), claim(1)])
    write_csv(folder / "C03_意健险理赔_3.csv", CLAIM_HEAD, [claim(0), claim(1), claim(2)])  # a copy of part 1
    rep = run(campaign, tokenizer, tmp_path, [folder])
    got = [(r.path.name, r.status, r.rows_read, r.rows_loaded, r.rows_rejected) for r in rep.results]
    assert got == [("C03_意健险理赔_1.csv", "loaded", 3, 3, 0), ("C03_意健险理赔_2.csv", "loaded", 4, 1, 3),
                   ("C03_意健险理赔_3.csv", "rejected", 3, 0, 3)]
    assert query(campaign, "SELECT count(*), count(DISTINCT claim_no) FROM ah_claim")[0] == (4, 4)
    second = rep.results[1]
    assert query(campaign, 'SELECT "row", code, reason_zh FROM rejects WHERE batch_id = ? ORDER BY 1',
                 [second.batch_id]) == [
        (3, "duplicate_row", "与本次报送的文件 C03_意健险理赔_1.csv 第4行重复(相同的公司代码、赔案号)，本行未入库"),
        (4, "duplicate_row", "与本次报送的文件 C03_意健险理赔_1.csv 第2行重复(相同的公司代码、赔案号)，本行未入库"),
        (5, "duplicate_row", "与本次报送的文件 C03_意健险理赔_1.csv 第3行重复(相同的公司代码、赔案号)，本行未入库"),
    ]
    assert query(campaign, "SELECT reason_en FROM rejects WHERE batch_id = ? AND \"row\" = 3", [second.batch_id]) == \
        [("duplicate of row 4 of file C03_意健险理赔_1.csv sent in this run (same company_code, claim_no); "
          "this row was not loaded",)]
    assert second.message_zh == "3行被退回(其中3行与已入库的其他文件重复)，见回执退回明细"
    # every file reconciles in the manifest and the receipt
    assert query(campaign, "SELECT count(*) FROM manifest WHERE rows_read <> rows_loaded + rows_rejected")[0][0] == 0
    summary = receipt_rows(rep.receipts["C03"], "回执汇总")[7:10]
    assert [(s[3], s[4], s[5]) for s in summary] == [(3, 3, 0), (4, 1, 3), (3, 0, 3)]
    assert len(receipt_rows(rep.receipts["C03"], "退回明细")) == 1 + 6


def test_rows_repeated_across_files_are_rejected_in_a_parallel_run_too(campaign, tokenizer, tmp_path, monkeypatch):
    """Workers validate, the loader compares: which copy is kept depends on the order of loading,
    the counts add up either way."""
    monkeypatch.setattr("workbench.ingest.PARALLEL_MIN_BYTES", 0)
    folder = tmp_path / "in" / "C03"
    write_csv(folder / "C03_意健险理赔_1.csv", CLAIM_HEAD, [claim(0), claim(1), claim(2)])
    write_csv(folder / "C03_意健险理赔_2.csv", CLAIM_HEAD, [claim(3), claim(2), claim(0, company="c03"), claim(1)])
    rep = ingest_paths([folder], campaign, tokenizer=tokenizer, receipts_dir=tmp_path / "receipts", jobs=2)
    assert sorted((r.rows_read, r.rows_loaded + r.rows_rejected) for r in rep.results) == [(3, 3), (4, 4)]
    assert sum(r.rows_loaded for r in rep.results) == 4 and sum(r.rows_rejected for r in rep.results) == 3
    assert query(campaign, "SELECT count(*), count(DISTINCT claim_no) FROM ah_claim")[0] == (4, 4)
    assert query(campaign, "SELECT count(*) FROM rejects WHERE code = 'duplicate_row'")[0][0] == 3


def test_one_file_per_kind_skips_the_cross_file_check(campaign, tokenizer, tmp_path, monkeypatch):
    def no_check(*a, **k):
        raise AssertionError("cross-file duplicate check run without another file of the kind")

    monkeypatch.setattr("workbench.ingest.load.earlier_duplicates", no_check)
    folder = tmp_path / "in" / "C03"
    write_csv(folder / "C03_意健险理赔.csv", CLAIM_HEAD, [claim(0), claim(1)])
    write_csv(folder / "C03_意健险承保.csv", POLICY_HEAD, [policy(0, "C03")])
    rep = run(campaign, tokenizer, tmp_path, [folder])
    assert [r.status for r in rep.results] == ["loaded", "loaded"]


def test_a_folder_sent_again_with_one_part_unchanged_keeps_that_part(campaign, tokenizer, tmp_path):
    """Parts 1 and 2 loaded; the folder sent again with part 1 byte-identical and part 2 corrected:
    part 1 (未变化) is part of the new submission, so the corrected part 2 replaces part 2 only."""
    one = write_csv(tmp_path / "run1" / "C03" / "C03_意健险理赔_第1部分.csv", CLAIM_HEAD, [claim(0), claim(1)])
    write_csv(tmp_path / "run1" / "C03" / "C03_意健险理赔_第2部分.csv", CLAIM_HEAD, [claim(2), claim(3)])
    first = run(campaign, tokenizer, tmp_path, [tmp_path / "run1"])
    assert sum(r.rows_loaded for r in first.results) == 4
    again = tmp_path / "run2" / "C03"
    again.mkdir(parents=True)
    (again / one.name).write_bytes(one.read_bytes())
    write_csv(again / "C03_意健险理赔_第2部分.csv", CLAIM_HEAD, [claim(2), claim(3).replace(",1000,800,", ",1000,900,")])
    rep = run(campaign, tokenizer, tmp_path, [tmp_path / "run2"])
    assert sorted(r.status for r in rep.results) == ["loaded", "unchanged"]
    part2_before = next(r.batch_id for r in first.results if "第2部分" in r.path.name)
    assert next(r for r in rep.results if r.status == "loaded").replaced == [part2_before]
    assert query(campaign, "SELECT list(claim_no ORDER BY claim_no), sum(paid_amount) FROM ah_claim")[0] == \
        (["L000", "L001", "L002", "L003"], 800 * 3 + 900)


# --- 3 · a submission in two parts sent in two runs: --append -------------------------------------------


def test_append_adds_a_later_part_and_rejects_rows_already_sent(campaign, tokenizer, tmp_path, first):
    part2 = write_csv(tmp_path / "wave2" / "C03" / "C03_意健险理赔_第2部分.csv", CLAIM_HEAD,
                      [claim(3), claim(1), claim(4)])
    rep = run(campaign, tokenizer, tmp_path, [part2], append=True)
    (r,) = rep.results
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_rejected, r.replaced) == ("loaded", 3, 2, 1, [])
    assert query(campaign, "SELECT list(claim_no ORDER BY claim_no) FROM ah_claim")[0][0] == \
        ["L000", "L001", "L002", "L003", "L004"]
    assert query(campaign, "SELECT list(status ORDER BY loaded_at) FROM manifest")[0][0] == ["loaded", "loaded"]
    assert query(campaign, 'SELECT "row", reason_zh FROM rejects WHERE batch_id = ?', [r.batch_id]) == \
        [(3, "与此前报送的文件 C03_意健险理赔_2018-2019.csv 第3行重复(相同的公司代码、赔案号)，本行未入库"
             "；如为更正此前数据，请不加“追加”(--append)重新报送该类数据")]
    assert r.message_zh == ("1行被退回(其中1行与已入库的其他文件重复)，见回执退回明细；"
                            "追加报送：此前报送的同类数据(1个批次，3行)保留，本文件的数据补充其后")


def test_without_append_a_later_part_still_replaces(campaign, tokenizer, tmp_path, first):
    part2 = write_csv(tmp_path / "wave2" / "C03" / "C03_意健险理赔_第2部分.csv", CLAIM_HEAD, [claim(3)])
    (r,) = run(campaign, tokenizer, tmp_path, [part2]).results
    assert r.replaced == [first.batch_id]
    assert query(campaign, "SELECT list(claim_no) FROM ah_claim")[0][0] == ["L003"]


def test_append_is_documented_in_help(capsys):
    with pytest.raises(SystemExit):
        main(["ingest", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--append" in out and "追加：本次文件补充而不替换此前报送的同类数据" in out


# --- 4 · every file of a folder is accounted for; 8 · an empty folder says so ----------------------------


def test_every_file_in_a_folder_is_reported_but_os_litter(campaign, tokenizer, tmp_path):
    folder = tmp_path / "in" / "C01"
    write_csv(folder / "C01_意健险承保.csv", POLICY_HEAD, [policy(0, "C01")])
    for name in ("C01_意健险理赔.xls", "C01_报送说明.docx", "C01_附件.zip", ".DS_Store", "~$C01_意健险承保.xlsx",
                 "Thumbs.db", "desktop.ini", ".hidden/C01_意健险承保.csv", "__MACOSX/._C01_意健险承保.csv"):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(b"\xd0\xcf\x11\xe0 not a submission")
    rep = run(campaign, tokenizer, tmp_path, [folder])
    got = {r.path.name: (r.status, r.company, r.message_zh) for r in rep.results}
    assert got == {
        "C01_意健险承保.csv": ("loaded", "C01", "全部入库"),
        "C01_意健险理赔.xls": ("failed", "C01", "不支持的文件类型 .xls，请另存为 xlsx 或 CSV 后重新报送"),
        "C01_报送说明.docx": ("failed", "C01", "不支持的文件类型 .docx，请另存为 xlsx 或 CSV 后重新报送"),
        "C01_附件.zip": ("failed", "C01", "不支持的文件类型 .zip(压缩包)，请解压后报送其中的 xlsx 或 CSV 文件"),
    }
    assert set(query(campaign, "SELECT regexp_replace(file_name, '^.*/', ''), status FROM manifest")) == {
        ("C01_报送说明.docx", "failed"), ("C01_意健险承保.csv", "loaded"), ("C01_意健险理赔.xls", "failed"),
        ("C01_附件.zip", "failed")}
    text = rep.to_text()
    assert ("未入库 FAILED C01_意健险理赔.xls: 不支持的文件类型 .xls，请另存为 xlsx 或 CSV 后重新报送 / unsupported file "
            "type .xls: save it as xlsx or CSV and send it again") in text
    assert set(rep.receipts) == {"C01"}
    assert len(receipt_rows(rep.receipts["C01"], "回执汇总")) == 7 + 4  # heading lines, then one line per file


def test_an_empty_folder_is_a_warning_and_fails_strict(campaign, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("WORKBENCH_TOKEN_KEY", TEST_KEY.hex())
    empty = tmp_path / "in" / "C05"
    empty.mkdir(parents=True)
    (empty / "Thumbs.db").write_bytes(b"x")  # litter only
    base = ["--config", str(tmp_path / "campaign.toml"), "ingest", str(empty), "--receipts", str(tmp_path / "r")]
    assert main(base) == 0
    out = capsys.readouterr().out
    assert (f"警告：文件夹 {empty} 中没有可入库的文件(隐藏文件和系统文件不计)，请核对路径 / warning: no file to load "
            f"in {empty} (hidden and system files aside): check the path") in out
    assert main([*base, "--strict"]) == 1


# --- 5 · a failed file goes to the receipt of the company its name says; 8 · its name said once -----------


@pytest.mark.parametrize("case", ["zero", "truncated_xlsx", "wrong_headers"])
def test_a_failed_file_named_for_a_company_goes_to_its_receipt(campaign, tokenizer, tmp_path, case):
    folder = tmp_path / "收件箱"  # not a company folder: the name alone says who sent it
    folder.mkdir()
    if case == "zero":
        bad = folder / "C07_意健险理赔.csv"
        bad.write_bytes(b"")
    elif case == "truncated_xlsx":
        wb = openpyxl.Workbook()
        wb.active.append(CLAIM_HEAD.split(","))
        wb.save(folder / "full.xlsx")
        bad = folder / "C07_意健险理赔.xlsx"
        bad.write_bytes((folder / "full.xlsx").read_bytes()[:1000])
        (folder / "full.xlsx").unlink()
    else:
        bad = write_csv(folder / "C07_意健险理赔.csv", "甲,乙,丙", ["1,2,3"])
    rep = run(campaign, tokenizer, tmp_path, [bad])
    (r,) = rep.results
    assert (r.status, r.company) == ("failed", "C07")
    assert set(rep.receipts) == {"C07"}
    assert bad.name not in r.message_zh  # the summary line and the receipt put the name beside it
    assert rep.to_text().count(bad.name) == 1
    if case == "zero":
        assert (r.message_zh, r.message_en) == ("文件为空(0字节)，请重新导出", "the file is empty (0 bytes); export it again")


def test_a_failed_file_named_for_no_registered_company_goes_to_the_association(campaign, tokenizer, tmp_path):
    register = write_csv(tmp_path / "ref" / "companies.csv", "公司代码,公司名称,公司类型",
                         ["C01,甲保险吉林分公司,财产险", "C02,乙人寿吉林分公司,人身险"])
    run(campaign, tokenizer, tmp_path, [register])
    bad = tmp_path / "收件箱" / "C07_意健险理赔.csv"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    rep = run(campaign, tokenizer, tmp_path, [bad])
    assert rep.results[0].company is None and set(rep.receipts) == {"_association"}


# --- 6 · whose file it is --------------------------------------------------------------------------------


def test_a_file_named_for_one_company_holding_only_anothers_rows_loads_nothing(campaign, tokenizer, tmp_path):
    path = write_csv(tmp_path / "收件箱" / "C01_意健险承保.csv", POLICY_HEAD, [policy(i, "C07") for i in range(3)])
    rep = run(campaign, tokenizer, tmp_path, [path])
    (r,) = rep.results
    assert (r.status, r.company, r.rows_read, r.rows_loaded, r.rows_rejected) == ("rejected", "C01", 3, 0, 3)
    assert r.message_zh.startswith("文件名/文件夹表明本文件由公司 C01 报送，但文件中多数行的公司代码为 C07，这些行已退回")
    assert query(campaign, "SELECT count(*) FROM ah_policy")[0][0] == 0
    assert query(campaign, "SELECT DISTINCT code, company_code FROM rejects") == [("company_mismatch", "C01")]
    assert set(rep.receipts) == {"C01"}


@pytest.mark.parametrize(("companies", "loaded", "said"), [(["C01", "C07", "C07"], 1, True),
                                                           (["C01", "C01", "C07"], 2, False)])
def test_a_file_named_for_a_company_keeps_its_rows_and_rejects_the_others(campaign, tokenizer, tmp_path, companies,
                                                                          loaded, said):
    path = write_csv(tmp_path / "收件箱" / "C01_意健险承保.csv", POLICY_HEAD,
                     [policy(i, c) for i, c in enumerate(companies)])
    (r,) = run(campaign, tokenizer, tmp_path, [path]).results
    assert (r.status, r.company, r.rows_loaded, r.rows_rejected) == ("loaded", "C01", loaded, 3 - loaded)
    assert query(campaign, "SELECT DISTINCT company_code FROM ah_policy") == [("C01",)]
    assert query(campaign, "SELECT list(\"row\" ORDER BY \"row\") FROM rejects WHERE code = 'company_mismatch'")[0][0] \
        == [i + 2 for i, c in enumerate(companies) if c != "C01"]
    assert ("本文件由公司 C01 报送" in r.message_zh) is said


def test_lower_case_company_codes_are_made_upper_case_and_noted(campaign, tokenizer, tmp_path):
    path = write_csv(tmp_path / "in" / "C07" / "C07_意健险承保.csv", POLICY_HEAD,
                     [policy(0, "c07"), policy(1, "C07"), policy(2, " c07")])
    (r,) = run(campaign, tokenizer, tmp_path, [path]).results
    assert (r.status, r.company, r.rows_loaded, r.rows_rejected, r.rows_normalised) == ("loaded", "C07", 3, 0, 2)
    assert query(campaign, "SELECT list(DISTINCT company_code) FROM ah_policy")[0][0] == ["C07"]
    assert query(campaign, "SELECT \"row\", field, severity, code FROM row_notes WHERE code = 'upper_case' ORDER BY 1") \
        == [(2, "company_code", "normalised", "upper_case"), (4, "company_code", "normalised", "upper_case")]


def test_a_company_not_in_the_register_is_refused(campaign, tokenizer, tmp_path):
    register = write_csv(tmp_path / "ref" / "companies.csv", "公司代码,公司名称,公司类型",
                         ["C01,甲保险吉林分公司,财产险", "C02,乙人寿吉林分公司,人身险"])
    run(campaign, tokenizer, tmp_path, [register])
    path = write_csv(tmp_path / "in" / "export.csv", POLICY_HEAD, [policy(0, "C99")])
    with pytest.raises(IngestError) as exc:
        run(campaign, tokenizer, tmp_path, [path], company="C99")
    assert str(exc.value).startswith("公司代码 C99 不在机构名录中(名录共2家：C01、C02)，本次未入库任何文件")
    assert "company code C99 is not in the company register" in str(exc.value)
    assert query(campaign, "SELECT count(*) FROM manifest WHERE kind = 'ah_policy'")[0][0] == 0
    (r,) = run(campaign, tokenizer, tmp_path, [write_csv(tmp_path / "in" / "c2.csv", POLICY_HEAD,
                                                         [policy(0, "C02")])], company="c02").results
    assert (r.status, r.company, r.rows_loaded) == ("loaded", "C02", 1)


def test_the_receipt_names_the_rows_of_every_warning(campaign, tokenizer, tmp_path):
    """A card number failing Luhn is loaded with a warning: the clerk gets the rows to check, not a count."""
    head = CLAIM_HEAD + ",领款账号"
    bad_luhn = "6222021234567890127"  # 6222021234567890128 passes
    rows = [claim(i) + "," + (bad_luhn if i in (1, 3) else "6222021234567890128") for i in range(5)]
    path = write_csv(tmp_path / "in" / "C03" / "C03_意健险理赔_2018-2019.csv", head, rows)
    report = run(campaign, tokenizer, tmp_path, [path])
    r = report.results[0]
    assert (r.rows_loaded, r.rows_warned) == (5, 2)
    summary = [x for x in receipt_rows(report.receipts["C03"], "规范化与警告")[1:] if x[2] == "警告 warning"]
    assert [(x[1], x[4], x[5]) for x in summary] == [("payee_account", 2, "3、5")]  # spreadsheet rows 3 and 5
    detail = receipt_rows(report.receipts["C03"], "警告明细")
    assert [(x[0], x[1], x[2]) for x in detail[1:]] == [(path.name, 3, "payee_account"), (path.name, 5, "payee_account")]
    assert all(bad_luhn not in str(x) for x in detail)
