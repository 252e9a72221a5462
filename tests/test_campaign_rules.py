"""The form-driven rules: national-platform clues (top-down) and companies' known cases (Attachment 5).

Each rule must fire on a matching case and stay silent on a look-alike; the fraud kind of each row
comes from the form (``fraud_kind: by_row``) and is checked against the rule's line.
"""

from __future__ import annotations

import pytest
from rulefix import D, Fix, T
from test_rules import clues, only, run

from workbench.engine import Engine
from workbench.errors import RuleError
from workbench.rules import discover
from workbench.screen import screen


@pytest.fixture
def fix(tmp_path):
    f = Fix(tmp_path)
    yield f
    f.close()


def test_top_down_auto_matches_claim_and_counts_the_vehicle_elsewhere(fix):
    fix.add("auto_policy", policy_no="P1", vin="v1")
    fix.add("auto_claim", policy_no="P1", claim_no="K1", vin="v1", paid_amount=8000.0,
            accident_time=T("2019-01-08 22:00"))
    fix.add("auto_claim", company_code="C02", policy_no="Q1", claim_no="K2", vin="v1")
    fix.add("auto_claim", company_code="C03", policy_no="Q2", claim_no="K3", vin="v1")
    fix.add("platform_clue_auto", platform_clue_no="PC1", company_code="C01", claim_no="K1", vin="v1",
            person_id="p9", risk_type_code="R201", risk_type="修理厂案均赔款及换件比例异常")
    # look-alike: a platform clue naming a claim the company never submitted, for a vehicle it never insured
    fix.add("platform_clue_auto", platform_clue_no="PC2", company_code="C01", claim_no="NOPE", vin="v7",
            risk_type="同一车辆短期内多次出险")
    df = run(fix, "top_down_platform_auto")
    c = only(df)
    assert c["records"] == {("C01", "auto_claim", "K1"), ("C01", "platform_clue_auto", "PC1")}
    assert c["metric1"] == 2 and c["metric2"] == 3 and c["amount"] == 8000
    assert c["evidence"] == ("全国车险反欺诈信息系统线索PC1(修理厂案均赔款及换件比例异常)，匹配本公司赔案K1；"
                             "该车另在2家其他公司有2起赔案")
    assert set(df.fraud_kind) == {"auto_repair_inflation"}


def test_top_down_auto_falls_back_to_the_vehicle_and_reads_the_kind(fix):
    fix.add("auto_claim", policy_no="P1", claim_no="K1", vin="v1")
    fix.add("platform_clue_auto", platform_clue_no="PC3", company_code="C01", claim_no="OLD-NO", vin="v1",
            risk_type_code="R301", risk_type="人伤案件同一委托代理人集中")
    df = run(fix, "top_down_platform_auto")
    assert ("C01", "auto_claim", "K1") in only(df)["records"]
    assert set(df.fraud_kind) == {"auto_injury_broker"}
    assert "该车在其他公司无赔案" in only(df)["evidence"]


def test_top_down_agri_matches_claim_else_policy(fix):
    fix.add("agri_policy", policy_no="GP1", farmer_id="f1")
    fix.add("agri_policy", company_code="C02", policy_no="GQ1", farmer_id="f1")
    fix.add("agri_claim", policy_no="GP1", claim_no="GC1", farmer_id="f1", paid_amount=1200.0)
    fix.add("platform_clue_agri", platform_clue_no="NA1", company_code="C01", claim_no="GC1", risk_type="重复投保")
    fix.add("platform_clue_agri", platform_clue_no="NA2", company_code="C01", policy_no="GP1",
            risk_type="承保数量超过确权面积或存栏量")
    fix.add("platform_clue_agri", platform_clue_no="NA3", company_code="C01", policy_no="NONE", risk_type="其他")
    df = run(fix, "top_down_platform_agri")
    c = clues(df)
    assert set(c) == {"NA1", "NA2"}
    assert c["NA1"]["records"] == {("C01", "agri_claim", "GC1"), ("C01", "platform_clue_agri", "NA1")}
    assert c["NA2"]["records"] == {("C01", "agri_policy", "GP1"), ("C01", "platform_clue_agri", "NA2")}
    assert c["NA1"]["metric1"] == 1 and "该农户另在其他公司有1张保单" in c["NA1"]["evidence"]
    kinds = dict(zip(df.clue_key, df.fraud_kind, strict=True))
    assert kinds == {"NA1": "agri_duplicate", "NA2": "agri_fictitious"}


def test_known_case_ah_finds_the_same_person_and_account_at_other_companies(fix):
    fix.add("att5_clue", company_code="C01", clue_no="X1", line="意健险", fraud_type="虚假意外身故",
            case_status="疑似线索", description="d", person_id="p1", payee_account="a1")
    fix.add("ah_policy", company_code="C02", policy_no="AP2", insured_id="p1")
    fix.add("ah_claim", company_code="C03", claim_no="AC3", insured_id="p7", payee_account="a1", paid_amount=90000.0)
    fix.add("ah_policy", company_code="C01", policy_no="AP1", insured_id="p1")  # the reporter's own: not new
    # look-alike: another company's report about a different person
    fix.add("att5_clue", company_code="C04", clue_no="Y1", line="意健险", fraud_type="多头投保",
            case_status="疑似线索", description="d", person_id="p8")
    c = only(run(fix, "known_case_ah"))
    assert c["records"] == {("C02", "ah_policy", "AP2"), ("C03", "ah_claim", "AC3"), ("C01", "att5_clue", "X1")}
    assert c["metric1"] == 2 and c["metric2"] == 2
    assert c["evidence"] == "C01报送的附表5线索X1(虚假意外身故)涉及的人员/账户/代理人/医院在其他2家公司另有2条记录"
    assert set(run(fix, "known_case_ah").fraud_kind) == {"ah_fake_death"}


def test_known_case_auto_links_plate_and_representative_not_hub_shops(fix):
    fix.add("att5_clue", company_code="C01", clue_no="X2", line="车险", fraud_type="人伤黄牛代理索赔",
            case_status="已破获案件", description="d", plate="吉A12345", agent_name="rep1", repair_shop_name="大厂")
    fix.add("auto_claim", company_code="C02", policy_no="Q1", claim_no="K2", plate="吉A12345")
    fix.add("auto_claim", company_code="C03", policy_no="Q2", claim_no="K3", representative_name="rep1")
    for i in range(3):  # a shop every insurer uses is a hub
        fix.add("auto_claim", company_code="C05", policy_no=f"Q9{i}", claim_no=f"K9{i}", repair_shop_name="大厂")
    c = only(run(fix, "known_case_auto"))
    assert {r[2] for r in c["records"]} == {"K2", "K3", "X2"}  # the shop links nothing here
    assert set(run(fix, "known_case_auto").fraud_kind) == {"auto_injury_broker"}
    # the shop's claims at other companies are a separate, weak lead; a hub shop links nothing
    assert run(fix, "known_case_auto_shop", max_hub_claims=2).empty
    s = only(run(fix, "known_case_auto_shop"))
    assert {r[2] for r in s["records"]} == {"K90", "K91", "K92", "X2"}
    assert s["metric1"] == 1 and s["metric2"] == 3


def test_known_case_agri_account_and_assistant(fix):
    fix.add("att5_clue", company_code="C09", clue_no="X3", line="农险", fraud_type="同一账户接收多人赔款",
            case_status="疑似线索", description="d", payee_account="acc", agent_name="li")
    fix.add("agri_claim", company_code="C02", policy_no="GQ", claim_no="GC2", payee_account="acc")
    fix.add("agri_policy", company_code="C03", policy_no="GP3", assistant_name="li")
    c = only(run(fix, "known_case_agri"))
    assert {r[2] for r in c["records"]} == {"GC2", "GP3", "X3"}


def test_by_row_kinds_must_belong_to_the_rule_line(fix, tmp_path):
    rule = discover()["top_down_platform_auto"]
    bad = tmp_path / "rules" / "auto"
    bad.mkdir(parents=True)
    (bad / "top_down_platform_auto.sql").write_text(
        rule.path.read_text(encoding="utf-8").replace("'auto_staged' END AS kind", "'agri_duplicate' END AS kind"),
        encoding="utf-8")
    fix.add("auto_claim", policy_no="P1", claim_no="K1", vin="v1")
    fix.add("platform_clue_auto", platform_clue_no="PC1", company_code="C01", claim_no="K1", risk_type="夜间单方事故")
    with pytest.raises(RuleError, match="不属于"):
        screen(fix.con, rules_dir=tmp_path / "rules", rings=False)
    assert Engine(fix.con)  # the connection is still usable
    _ = D  # keep the helper import used
