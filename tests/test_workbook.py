"""A company's clue workbook: own records only, aggregates for the rest, dropdowns, safe text."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest

from workbench.warehouse import connect
from workbench.workbook import CLUE_SHEET, DETAIL_SHEET, write_company_workbook

NOW = dt.datetime(2019, 8, 1, 9, 0)


def _clue(con, clue_id, tier, score, companies, evidence, amount, whitelisted=False):
    con.execute(
        "INSERT INTO clues (clue_id, rule_id, rule_version, period, line, fraud_kind, severity, title_zh, clue_key,"
        " companies, company_count, record_count, entity_count, amount, evidence_zh, score, tier, whitelisted,"
        " current, first_seen_run, last_seen_run, first_seen_at, last_seen_at) VALUES "
        "(?, 'ah_multi_company_cover', 1, 'campaign', 'accident_health', 'ah_multi_company', 4, '短期内多家公司投保意外险',"
        " ?, ?, 2, 3, 1, ?, ?, ?, ?, ?, TRUE, 'R1', 'R1', ?, ?)",
        [clue_id, clue_id, companies, amount, evidence, score, tier, whitelisted, NOW, NOW])


@pytest.fixture
def warehouse(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("INSERT INTO ah_policy (_batch_id, _row, company_code, line, policy_no, insured_name_mask, insured_id_mask,"
                " insured_id_token, sum_insured, premium, start_date, end_date) VALUES "
                "('b1', 2, 'C01', '意外险', 'P-C01-1', '张*三', '220102********1239', 'ID_a', 500000, 300, DATE '2019-01-02', DATE '2020-01-01'),"
                "('b2', 2, 'C02', '意外险', 'P-C02-9', '张*三', '220102********1239', 'ID_a', 800000, 500, DATE '2019-01-20', DATE '2020-01-19'),"
                "('b1', 3, 'C01', '意外险', '=HYPERLINK(\"x\")', '李*', '220103********4562', 'ID_b', 1000, 10, DATE '2019-02-01', DATE '2020-01-31')")
    _clue(con, "CL0000000000000A", "A", 91.5, "C01;C02", "同一被保险人19天内在2家公司投保意外险，累计保额130万元", 1300000)
    _clue(con, "CL0000000000000B", "C", 20.0, "C01", "+1 formula-looking evidence", 1000, whitelisted=True)
    _clue(con, "CL0000000000000Z", "A", 99.0, "C02", "只涉及C02", 800000)
    con.execute("INSERT INTO clue_records VALUES ('CL0000000000000A', 'C01', 'ah_policy', 'P-C01-1', 'policy', 500000),"
                "('CL0000000000000A', 'C02', 'ah_policy', 'P-C02-9', 'policy', 800000),"
                "('CL0000000000000B', 'C01', 'ah_policy', '=HYPERLINK(\"x\")', 'policy', 1000),"
                "('CL0000000000000Z', 'C02', 'ah_policy', 'P-C02-9', 'policy', 800000)")
    con.execute("UPDATE clues SET whitelist_reason = '合作社统一账户' WHERE clue_id = 'CL0000000000000B'")
    yield con
    con.close()


def test_workbook_holds_only_the_company_own_records(warehouse, campaign, tmp_path):
    res = write_company_workbook(warehouse, campaign, "C01", tmp_path / "wb", dispatch_id="D-2019-08-01",
                                 provenance={"筛查运行 run": "R1"}, issued=dt.date(2019, 8, 1))
    assert res.clues == 2 and res.records == 2
    wb = openpyxl.load_workbook(res.path)
    assert wb.sheetnames[:3] == ["封面", CLUE_SHEET, DETAIL_SHEET]
    ws = wb[CLUE_SHEET]
    header = [c.value for c in ws[1]]
    for h in ("线索编号", "公司代码", "核查结论", "涉案金额(元)", "拒赔或追回金额(元)", "是否移送公安", "移送日期",
              "公安立案编号", "核查人工号", "备注"):
        assert h in header
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in ws.iter_rows(min_row=2)]
    assert [r["线索编号"] for r in rows] == ["CL0000000000000A", "CL0000000000000B"]
    a = rows[0]
    assert a["本公司保单号"] == "P-C01-1" and a["本公司涉及金额(元)"] == 500000
    assert a["跨公司情况(汇总)"] == "另有1家公司1条记录，涉及金额80.0万元"
    assert a["风险等级"] == "一级(高)" and a["本公司涉及人员(已脱敏)"] == "张*三 220102********1239"
    assert rows[1]["白名单说明"] == "合作社统一账户"
    # feedback dropdowns
    dvs = {next(iter(dv.sqref.ranges)).min_col: dv for dv in ws.data_validations.dataValidation}
    concl = header.index("核查结论") + 1
    police = header.index("是否移送公安") + 1
    assert dvs[concl].type == "list" and dvs[police].type == "list"
    # due date = issued + feedback_days
    cover = {r[0].value: r[1].value for r in wb["封面"].iter_rows() if r[0].value}
    assert cover["反馈截止 return by"] == "2019-08-31"
    # nothing of C02's records or its code appears anywhere
    with zipfile.ZipFile(res.path) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert b"P-C02-9" not in blob and b"C02" not in blob and "只涉及".encode() not in blob


def test_formula_like_text_is_not_evaluated(warehouse, campaign, tmp_path):
    res = write_company_workbook(warehouse, campaign, "C01", tmp_path / "wb", dispatch_id="D1")
    wb = openpyxl.load_workbook(res.path)
    cells = [c for row in wb[CLUE_SHEET].iter_rows(min_row=2) for c in row]
    cells += [c for row in wb[DETAIL_SHEET].iter_rows(min_row=2) for c in row]
    risky = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+"))]
    assert {c.value for c in risky} >= {'=HYPERLINK("x")', "+1 formula-looking evidence"}
    assert all(c.data_type == "s" for c in risky)


def _ordered_warehouse(path, order):
    """One clue over three C01 policies and one C02 policy, its records written in ``order``."""
    con = connect(path)
    policies = [("P-C01-1", "王*", 0.1), ("P-C01-2", "李*", 0.2), ("P-C01-3", "张*", 0.3),
                ("P-C02-1", "赵*", 2237.58)]
    rows = [policies[i] for i in order] + [policies[3]]
    for n, (no, name, amount) in enumerate(rows):
        con.execute("INSERT INTO ah_policy (_batch_id, _row, company_code, line, policy_no, insured_name_mask,"
                    " insured_id_mask, insured_id_token, sum_insured, premium, start_date, end_date) VALUES "
                    "('b1', ?, ?, '意外险', ?, ?, '2201**', ?, ?, 1, DATE '2019-01-02', DATE '2020-01-01')",
                    [n + 2, no[2:5], no, name, f"ID_{no}", amount])
    _clue(con, "CL000000000000MO", "A", 90.0, "C01;C02", "金额不精确", 2238.18)
    for no, _, amount in rows:
        con.execute("INSERT INTO clue_records VALUES ('CL000000000000MO', ?, 'ah_policy', ?, 'policy', ?)",
                    [no[2:5], no, amount])
    return con


def test_amounts_persons_and_evidence_rows_do_not_depend_on_the_order_records_were_written(
        tmp_path, campaign):
    """A Spark run writes a clue's records in another order than a DuckDB run: the workbook must
    not change (0.1 + 0.2 + 0.3 is 0.6000000000000001 in that order, 0.6 in the other)."""
    from workbench.workbook import company_clues

    got = []
    for name, order in (("forward", (0, 1, 2)), ("reverse", (2, 1, 0)), ("mixed", (1, 2, 0))):
        con = _ordered_warehouse(tmp_path / f"{name}.duckdb", order)
        clues, details = company_clues(con, "C01")
        res = write_company_workbook(con, campaign, "C01", tmp_path / name, dispatch_id="D1",
                                     issued=dt.date(2019, 8, 1))
        con.close()
        ws = openpyxl.load_workbook(res.path)[CLUE_SHEET]
        header = [c.value for c in ws[1]]
        cell = ws.cell(row=2, column=header.index("本公司涉及金额(元)") + 1).value
        detail = [tuple(c.value for c in r) for r in openpyxl.load_workbook(res.path)[DETAIL_SHEET].iter_rows()]
        got.append((clues["own_amount"].iloc[0], cell, clues["own_persons"].iloc[0], detail))
    assert got[0][0] == 0.6 and got[0][1] == 0.6  # rounded to 分, whatever the order
    assert got[0][2] == "张* 2201**；李* 2201**；王* 2201**"  # sorted
    assert [r[2] for r in got[0][3][1:]] == ["P-C01-1", "P-C01-2", "P-C01-3"]
    assert got[0] == got[1] == got[2]
