"""Attachments 1 and 2 and rule effectiveness against hand-computed values."""

from __future__ import annotations

import pytest
from test_workbook import warehouse  # noqa: F401  (fixture)

from workbench.lifecycle import LifecycleStore
from workbench.report import attachment1, attachment2, clue_outcomes, rule_effectiveness


@pytest.fixture
def outcomes(warehouse, tmp_path):  # noqa: F811
    store = LifecycleStore(tmp_path / "lc.sqlite")
    # A: dispatched to C01 and C02; C01 confirms (130,000 involved, 20,000 recovered) and refers it itself;
    # B: dispatched to C01, excluded; Z: dispatched to C02, panel refers it.
    store.record_events(["CL0000000000000A", "CL0000000000000B", "CL0000000000000Z"], "dispatched", "协会")
    sql = store.connection
    sql.execute("INSERT INTO feedback (clue_id, company_code, conclusion, amount_involved, amount_recovered, "
                "referred_to_police, referral_date, police_case_no, imported_at) VALUES "
                "('CL0000000000000A', 'C01', '确认欺诈', 130000, 20000, '是', '2019-09-01', 'JL-1', '2019-08-20'),"
                "('CL0000000000000B', 'C01', '排除欺诈', NULL, NULL, '否', NULL, NULL, '2019-08-20'),"
                "('CL0000000000000Z', 'C02', '核查中', 50000, NULL, '否', NULL, NULL, '2019-08-21')")
    store.record_event("CL0000000000000A", "referred", "C01", "公司自行移送")
    store.record_event("CL0000000000000Z", "evidence_returned", "C02")
    store.record_verdict("CL0000000000000Z", "refer", "证据充分", ["专家甲", "专家乙"], "秘书")
    return clue_outcomes(warehouse, store), warehouse, store


def test_attachment1_by_company_and_line(outcomes):
    out, _, _ = outcomes
    by_company = attachment1(out, "company").set_index("公司")
    # C01 sees A (confirmed, referred, case JL-1) and B (not fraud); C02 sees A and Z (both referred).
    assert by_company.loc["C01", "下发线索数"] == 2 and by_company.loc["C01", "确认欺诈数"] == 1
    assert by_company.loc["C01", "排除欺诈数"] == 1 and by_company.loc["C01", "立案数"] == 1
    assert by_company.loc["C02", "移送公安数"] == 2
    assert by_company.loc["C01", "涉案金额(元)"] == 130000 and by_company.loc["C01", "挽损金额(元)"] == 20000
    assert by_company.loc["C02", "涉案金额(元)"] == 180000  # a cross-company clue counts for each company
    assert by_company.loc["合计", "下发线索数"] == 3  # ... but once in the total
    by_line = attachment1(out, "line").set_index("险种")
    assert by_line.loc["合计", "下发线索数"] == 3 and by_line.loc["合计", "确认欺诈数"] == 2
    assert by_line.loc["合计", "涉案金额(元)"] == 180000


def test_attachment2_lists_panel_and_company_referrals(outcomes):
    _, con, store = outcomes
    a2 = attachment2(con, store).set_index("线索编号")
    assert set(a2.index) == {"CL0000000000000A", "CL0000000000000Z"}
    assert a2.loc["CL0000000000000A", "移送方式"] == "公司自行移送"
    assert a2.loc["CL0000000000000A", "公安立案编号"] == "JL-1"
    assert a2.loc["CL0000000000000A", "移送日期"] == "2019-09-01"
    assert a2.loc["CL0000000000000Z", "移送方式"] == "协会研判移送"
    assert a2["涉案金额(元)"].sum() == 130000 + 800000  # Z has no company amount: the clue's amount is used


def test_rule_effectiveness(outcomes):
    out, _, _ = outcomes
    eff = rule_effectiveness(out).set_index("rule_id")
    row = eff.loc["ah_multi_company_cover"]
    assert (row["下发"], row["已有结论"], row["确认"], row["排除"]) == (3, 3, 2, 1)
    assert row["确认率"] == pytest.approx(0.667)


def test_referral_package_holds_the_case_and_verifies(outcomes, campaign, tmp_path):
    import openpyxl

    from workbench.errors import WorkbenchError
    from workbench.package import verify_package
    from workbench.referral import referral_package

    _, con, store = outcomes
    folder = referral_package(con, store, campaign, "CL0000000000000Z", tmp_path / "ref", operator="王经办")
    assert verify_package(folder).ok
    (form,) = (folder / "files").glob("*.xlsx")
    wb = openpyxl.load_workbook(form)
    assert {"案件移送表", "涉案记录", "研判意见", "证据目录", "流转记录"} <= set(wb.sheetnames)
    summary = {r[0]: r[1] for r in wb["案件移送表"].iter_rows(min_row=2, values_only=True)}
    assert summary["线索编号"] == "CL0000000000000Z" and summary["经办人"] == "王经办"
    assert summary["涉案金额(元)"] == 50000
    verdict = list(wb["研判意见"].iter_rows(min_row=2, values_only=True))
    assert verdict[0][0] == "移送公安" and verdict[0][2] == "专家甲、专家乙"
    records = list(wb["涉案记录"].iter_rows(min_row=2, values_only=True))
    assert [r[:3] for r in records] == [("C02", "ah_policy", "P-C02-9")]
    assert records[0][4] == "张*三 220102********1239"  # masked only
    with pytest.raises(WorkbenchError, match="尚未决定移送"):
        referral_package(con, store, campaign, "CL0000000000000B", tmp_path / "ref")
