"""Data-quality scorecards on files with known defects: every figure below is counted by hand."""

from __future__ import annotations

import datetime as dt

import duckdb
import openpyxl
import pytest

from workbench.identifiers import make_id_number
from workbench.ingest import ingest_paths
from workbench.quality import compute, league_table, write_scorecards

ID1 = make_id_number("220102", dt.date(1980, 5, 6), 123)
ID2 = make_id_number("220103", dt.date(1990, 1, 2), 451)
ID3 = make_id_number("220104", dt.date(1970, 3, 4), 233)
BAD = ID3[:-1] + ("0" if ID3[-1] != "0" else "1")  # check character wrong
HEAD = "公司代码,险种类别,保单号,产品名称,被保险人姓名,被保险人证件号码,保险金额(元),保费(元),起保日期,终保日期,被保险人联系电话"

# ah_policy: 9 required fields; 6 important ones (product_name, policyholder_phone, insured_phone,
# death_sum_insured, issue_time, agent_code), of which the file carries product_name and insured_phone.
FIRST = [
    f"C01,意外险,P01,综合意外,甲一,{ID1},100000,200,2018-08-01,2019-07-31,13800138000",  # 2 ok: product, phone
    f"C01,意外险,P02,综合意外,甲二,{ID2},100000,200,2018-08-01,2019-07-31,",  # 3 ok: product
    f"C01,意外险,P03,,甲三,{ID3},100000,200,43470,2019-12-31,13800138001",  # 4 ok: phone; Excel serial date
    "C01,意外险,P04,综合意外,甲四,2.20102E+17,100000,200,2018-09-01,2019-08-31,",  # 5 Excel damage
    f"C01,意外险,P05,综合意外,甲五,{BAD},100000,200,2018-09-01,2019-08-31,",  # 6 check digit
    f"C01,意外险,P01,综合意外,甲一,{ID1},100000,200,2018-08-01,2019-07-31,13800138000",  # 7 duplicate of 2
    f"C01,意外险,P06,综合意外,甲六,{ID2},100000,200,2017-10-01,2018-09-30,",  # 8 date: outside the window
    f"C01,意外险,P07,综合意外,甲七,{ID2},100000,200,2018-10-01,2018-09-01,",  # 9 date: ends before it starts
    f"C01,意外险,,综合意外,甲八,{ID2},100000,200,2018-10-01,2019-09-30,",  # 10 missing policy_no
    "C01,意外险,P08,综合意外,,,100000,200,2018-10-01,2019-09-30,",  # 11 missing name and ID
    f"C01,意外险,P09,综合意外,甲九,{ID1},100000,200,2018-11-01,2019-10-31,13800138002",  # 12 ok: product, phone
]
# the resubmission: the four good rows, rows 5 and 6 corrected, and the duplicate still there
SECOND = [
    FIRST[0],
    FIRST[1],
    FIRST[2],
    FIRST[10],
    f"C01,意外险,P04,综合意外,甲四,{ID3},100000,200,2018-09-01,2019-08-31,",
    f"C01,意外险,P05,综合意外,甲五,{ID2},100000,200,2018-09-01,2019-08-31,",
    FIRST[5],
]
C02 = [
    f"C02,医疗险,Q01,住院医疗,乙一,{ID1},50000,100,2018-08-01,2019-07-31,13900139000",
    f"C02,医疗险,Q02,住院医疗,乙二,{ID2},50000,100,2018-08-01,2019-07-31,13900139001",
]


def write(path, rows):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join([HEAD, *rows]) + "\n").encode("utf-8-sig"))
    return path


@pytest.fixture
def first(campaign, tokenizer, tmp_path):
    report = ingest_paths(
        [write(tmp_path / "in1" / "C01" / "C01_意健险承保.csv", FIRST)],
        campaign,
        tokenizer=tokenizer,
    )
    return report


def card_of(campaign, company="C01"):
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    try:
        return compute(con)[company]
    finally:
        con.close()


def test_scorecard_figures_on_known_defects(campaign, first):
    card = card_of(campaign)
    (k,) = card.kinds.to_dict("records")
    assert (k["读取行数"], k["入库行数"], k["退回行数"]) == (11, 4, 7)
    assert k["退回率"] == round(7 / 11, 4)
    # one row per category: Excel damage (row 5), check digit (6), duplicate (7), dates (8, 9), missing (10, 11)
    assert (k["Excel损坏"], k["校验位错误"], k["重复行"], k["日期异常"], k["必填项缺失"]) == (
        1,
        1,
        1,
        2,
        2,
    )
    assert k["Excel日期序列号(已转换)"] == 1  # row 4: converted, not rejected
    # required: 9 fields x 11 rows = 99 cells, 3 empty (policy_no on row 10, name and ID on row 11)
    assert (k["必填应填"], k["必填已填"]) == (99, 96) and k["必填项完整率"] == round(96 / 99, 4)
    # important: 6 fields x 4 loaded rows = 24 cells; product on rows 2, 3, 12; phone on rows 2, 4, 12
    assert (k["重要应填"], k["重要已填"]) == (24, 6) and k["重要项完整率"] == 0.25
    fields = card.fields.set_index("field")
    assert fields.loc["policy_no", "完整率"] == round(10 / 11, 4)
    assert (
        fields.loc["insured_id", "已填行数"] == 10 and fields.loc["company_code", "完整率"] == 1.0
    )
    assert (fields.loc["product_name", "已填行数"], fields.loc["product_name", "应填行数"]) == (
        3,
        4,
    )
    assert fields.loc["agent_code", "完整率"] == 0.0
    # score = 100 x (0.7 x 4/11 + 0.3 x 0.25) = 32.95…
    assert card.summary["质量得分"] == 33.0 and card.summary["等级"] == "差"
    assert card.summary["上次退回率"] is None  # first submission
    # the clean-up list: every rejected reason with its rows, worst first, and the thin important fields
    cl = card.cleanup
    assert cl.iloc[0]["优先级"] == "高"
    excel = cl[cl["问题"] == "Excel科学计数法"].iloc[0]
    assert excel["行数"] == 1 and excel["示例行号"] == "5" and "文本" in excel["说明"]
    assert set(cl[cl["问题"] == "必填项为空"]["字段"]) == {
        "保单号",
        "被保险人姓名",
        "被保险人证件号码",
    }
    thin = cl[cl["问题"] == "重要字段填写率低"].set_index("字段")
    assert thin.loc["产品名称", "行数"] == 1 and thin.loc["代理人工号", "行数"] == 4


def test_change_since_previous_submission(campaign, tokenizer, tmp_path, first):
    ingest_paths(
        [write(tmp_path / "in2" / "C01" / "C01_意健险承保.csv", SECOND)],
        campaign,
        tokenizer=tokenizer,
    )
    card = card_of(campaign)
    (k,) = card.kinds.to_dict("records")
    assert (k["读取行数"], k["退回行数"], k["重复行"], k["Excel损坏"], k["校验位错误"]) == (
        7,
        1,
        1,
        0,
        0,
    )
    assert (k["上次读取行数"], k["上次退回行数"], k["上次Excel损坏"], k["上次校验位错误"]) == (
        11,
        7,
        1,
        1,
    )
    assert k["上次退回率"] == round(7 / 11, 4) and k["退回率"] == round(1 / 7, 4)
    assert k["退回率变化(百分点)"] == round(100 * (round(1 / 7, 4) - round(7 / 11, 4)), 2)  # -49.35
    s = card.summary
    assert s["重报类型数"] == 1 and s["上次退回率"] == round(7 / 11, 4)


def test_league_table_and_workbooks(campaign, tokenizer, tmp_path, first):
    ingest_paths(
        [write(tmp_path / "in3" / "C02" / "C02_意健险承保.csv", C02)], campaign, tokenizer=tokenizer
    )
    con = duckdb.connect(str(campaign.warehouse), read_only=True)
    try:
        cards, written = write_scorecards(con, campaign, tmp_path / "q")
    finally:
        con.close()
    league = league_table(cards)
    # C02: all loaded, 4 of 12 important cells (product, phone on both rows): 100 x (0.7 + 0.3/3) = 80.0
    assert list(league["公司"]) == ["C02", "C01"] and list(league["排名"]) == [1, 2]
    assert league.iloc[0]["质量得分"] == 80.0 and league.iloc[0]["等级"] == "中"
    assert {p.name for p in written} == {
        "数据质量记分卡_C01.xlsx",
        "数据质量记分卡_C02.xlsx",
        "数据质量排行榜_2019.xlsx",
    }
    wb = openpyxl.load_workbook(tmp_path / "q" / "数据质量记分卡_C01.xlsx")
    assert wb.sheetnames == ["数据质量记分卡", "字段完整率", "退回原因"]
    # shares are numbers shown as percentages (0.6364 → 63.6%), not raw fractions
    ws = wb["数据质量记分卡"]
    head = next(r for r in ws.iter_rows() if r[0].value == "数据类型")
    share = next(c for c in head if c.value == "退回率")
    value = ws.cell(row=share.row + 1, column=share.column)
    assert value.value == round(7 / 11, 4) and value.number_format == "0.0%"


def test_receipt_carries_the_scorecard(first):
    wb = openpyxl.load_workbook(first.receipts["C01"], read_only=True)
    rows = list(wb["数据质量记分卡"].iter_rows(values_only=True))
    cells = {r[0]: r[1] for r in rows if len(r) > 1 and r[0]}
    assert cells["质量得分 score"] == 33.0 and cells["退回率 rejected share"] == "63.6%"
    assert any(r and r[0] == "整改清单 clean-up list" for r in rows)
    summary = {
        r[0]: r[1] for r in wb["回执汇总"].iter_rows(values_only=True) if len(r) > 1 and r[0]
    }
    assert summary["经办人 operator"] == "未配置 (not configured)"
