"""The campaign steps on the small synthetic province: pre-2017 Attachments 3/4 hold the company's
planted pre-2017 scenarios, dispatch writes one workbook per company with its own clues only, and the
national re-screening file goes out and comes back."""

from __future__ import annotations

import shutil

import duckdb
import openpyxl
import pandas as pd
import pytest

from workbench import campaigns
from workbench.fixture import ensure_fixture
from workbench.lifecycle import LifecycleStore


@pytest.fixture(scope="module")
def screened(tmp_path_factory):
    from workbench.config import load_campaign
    from workbench.warehouse import PROJECT_ROOT

    campaign = load_campaign(PROJECT_ROOT / "campaign.toml")
    src = ensure_fixture(campaign)
    work = tmp_path_factory.mktemp("campaigns")
    wh = work / "warehouse.duckdb"
    shutil.copy(src, wh)
    con = duckdb.connect(str(wh))
    campaigns.run_top_down(con)
    campaigns.run_cross_comparison(con)
    campaigns.run_known_cases(con)
    campaigns.run_pre2017(con)
    truth = src.parent / "province" / "ground_truth"
    yield campaign, con, truth, work
    con.close()


def test_attachment3_holds_each_company_planted_pre2017_scenarios(screened):
    campaign, con, truth, _ = screened
    scenarios = pd.read_csv(truth / "scenarios.csv", dtype=str, encoding="utf-8-sig")
    records = pd.read_csv(truth / "records.csv", dtype=str, encoding="utf-8-sig")
    pre = records[records.scenario_id.isin(scenarios[scenarios.period == "pre2017"].scenario_id)
                  & (records.kind == "ah_claim_hist")]
    assert len(pre) > 0
    for company, grp in pre.groupby("company_code"):
        att3 = campaigns.attachment3(con, company)
        assert set(att3["公司代码"]) <= {company}
        listed = {no for cell in att3["赔案号"].dropna() for no in cell.split(";")}
        for sid, claims in grp.groupby("scenario_id"):
            assert listed & set(claims.record_no), f"{company}: pre-2017 scenario {sid} missing from Attachment 3"
        assert set(att3["疑似欺诈类型"]) <= {"虚假身故", "虚假伤残", "虚假医疗", "多头投保"}
        assert not att3["涉案人员证件号码"].str.fullmatch(r"\d{17}[\dX]").any()  # masked


def test_attachment4_lists_high_risk_persons_by_category(screened):
    _, con, _, _ = screened
    att4 = campaigns.attachment4(con)
    assert len(att4) > 0
    assert set(att4["风险类别"]) <= {"行为失当", "医疗滥用", "隐瞒信息", "财务欠款", "蓄意骗保", "医疗票据重复理赔"}
    assert att4["证件号码"].str.contains(r"\*{8}").all()


def test_national_rescreening_round_trip(screened, tmp_path):
    campaign, con, _, _ = screened
    path = campaigns.export_for_national(con, tmp_path, campaign)
    df = pd.read_excel(path, sheet_name="复筛人员", dtype=str, engine="calamine")
    assert df["人员令牌"].is_unique and len(df) > 0
    df.loc[df.index[0], "全国复筛结果"] = "外省命中"
    df.loc[df.index[0], "外省涉及公司数"] = "4"
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="复筛人员", index=False)
    assert campaigns.import_national_results(con, path) == 1
    assert con.execute("SELECT result, other_province_companies FROM national_rescreen").fetchall() == [("外省命中", 4)]


def test_dispatch_writes_each_company_its_own_clues(screened):
    campaign, con, _, work = screened
    store = LifecycleStore(work / "lifecycle.sqlite")
    codes = list(campaigns.companies(con)["company_code"])
    results = [campaigns.dispatch_company(con, campaign, c, work / "wb", store=store) for c in codes]
    results = [r for r in results if r is not None]
    assert results
    for res in results:
        wb = openpyxl.load_workbook(res.path, read_only=True)
        rows = list(wb["线索清单"].iter_rows(min_row=2, values_only=True))
        assert {r[1] for r in rows} <= {res.company}
        own = {n for r in rows for cell in (r[9], r[10]) if cell for n in str(cell).split(";")}
        others = set(con.execute("SELECT record_no FROM clue_records WHERE company_code <> ?", [res.company]).df()
                     .record_no) - set(con.execute("SELECT record_no FROM clue_records WHERE company_code = ?",
                                                   [res.company]).df().record_no)
        assert not (own & others)
    d = store.dispatches()
    assert set(d.company_code) == {r.company for r in results}
    assert (store.current_states()["state"] == "dispatched").all()
