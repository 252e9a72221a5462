"""The rule library: one test over every discovered rule, metadata checks, and per rule a case
that must fire and a look-alike that must not, with the evidence computed by hand."""

from __future__ import annotations

import re

import pytest
from rulefix import D, Fix, T

from workbench.contract import KINDS
from workbench.engine import Engine
from workbench.errors import RuleError
from workbench.rules import (
    BY_ROW,
    discover,
    load_rule,
    load_rule_id,
    output_columns,
    portability_problems,
    step_names,
)
from workbench.rules_doc import RULES_MD, catalogue_markdown
from workbench.taxonomy import FRAUD_KINDS, HIGH_RISK_CATEGORIES

CATALOGUE = discover()


@pytest.fixture
def fix(tmp_path):
    f = Fix(tmp_path)
    yield f
    f.close()


def run(fix, rule_id, **params):
    return Engine(fix.con).fetch(CATALOGUE[rule_id], params)


def clues(df) -> dict:
    """clue_key → {'records': {(company, kind, no)}, 'metric1', 'metric2', 'evidence', 'entities'}."""
    out = {}
    for key, g in df.groupby("clue_key"):
        assert g["evidence_zh"].nunique() == 1, f"{key}: evidence differs between rows"
        out[key] = dict(
            records=set(zip(g.company_code, g.record_kind, g.record_no, strict=True)),
            metric1=float(g.metric1.iloc[0]),
            metric2=None if g.metric2.isna().all() else float(g.metric2.iloc[0]),
            evidence=g.evidence_zh.iloc[0],
            entities=set(zip(g.entity_type, g.entity_token, strict=True)) - {(None, None)},
            amount=float(
                g.drop_duplicates(["company_code", "record_kind", "record_no"]).amount.sum()
            ),
        )
    return out


def only(df) -> dict:
    c = clues(df)
    assert len(c) == 1, f"expected one clue, got {list(c)}"
    return next(iter(c.values()))


def record_nos(df) -> set:
    return set(df.record_no)


# --- the catalogue ------------------------------------------------------------------------------


def test_every_fraud_kind_has_a_rule():
    covered = {r.fraud_kind for r in CATALOGUE.values()} - {BY_ROW}
    assert covered == set(FRAUD_KINDS)


def test_high_risk_categories_derivable_are_supported():
    supported = {h for r in CATALOGUE.values() for h in r.high_risk}
    # deliberate_fraud comes from refusals, misconduct is not derivable (see scoring.HIGH_RISK_DERIVATION)
    assert supported == set(HIGH_RISK_CATEGORIES) - {"deliberate_fraud", "misconduct"}


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_every_rule(rule_id, fix):
    """Metadata validates; SQL runs on empty migrated tables; one output shape; params all used."""
    rule = load_rule(CATALOGUE[rule_id].path)
    assert rule.id == rule.path.stem
    assert rule.used_params == set(rule.params)
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", rule.sql, re.I)) & set(KINDS)
    assert read == set(rule.tables), (
        "the `tables` header must list exactly the tables the SQL reads"
    )
    assert not portability_problems(rule.sql)
    steps = step_names(rule.sql)
    assert len(steps) >= 2 and steps[-1] == "out_rows"
    engine = Engine(fix.con)
    with engine.period("campaign"):
        engine.run_rule(rule, rule.bind())
    assert engine.output_shape() == [(c, t) for c, t, _ in output_columns(rule)]
    if "pre2017" in rule.periods:
        with engine.period("pre2017"):
            engine.run_rule(rule, rule.bind())
    assert set(engine.steps(rule)) == set(steps)


def test_rules_doc_is_current():
    assert RULES_MD.read_text(encoding="utf-8") == catalogue_markdown(CATALOGUE), (
        "docs/rules.md is stale: run `workbench rules --write-docs`"
    )


def _rule_file(tmp_path, text, name="auto/my_rule.sql"):
    path = tmp_path / "rules" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


GOOD = (
    CATALOGUE["auto_loss_near_end"]
    .path.read_text(encoding="utf-8")
    .replace("auto_loss_near_end", "my_rule")
)


def test_metadata_is_a_closed_schema(tmp_path):
    load_rule(_rule_file(tmp_path, GOOD))
    with pytest.raises(RuleError, match="unknown key"):
        load_rule(_rule_file(tmp_path, "-- descritpion: typo\n" + GOOD))
    with pytest.raises(RuleError, match="file name"):
        load_rule(_rule_file(tmp_path, GOOD, "auto/other_name.sql"))
    with pytest.raises(RuleError, match="fraud_kind"):
        load_rule(
            _rule_file(tmp_path, GOOD.replace("fraud_kind: auto_staged", "fraud_kind: nonsense"))
        )
    with pytest.raises(RuleError, match="severity"):
        load_rule(_rule_file(tmp_path, GOOD.replace("severity: 2", "severity: high")))


def test_params_declared_and_used(tmp_path):
    with pytest.raises(RuleError, match="undeclared"):
        load_rule(_rule_file(tmp_path, GOOD.replace("<= $max_days", "<= $max_dayz")))
    with pytest.raises(RuleError, match="not used"):
        load_rule(_rule_file(tmp_path, GOOD.replace("<= $max_days", "<= 15")))
    required = GOOD.replace("--     default: 15\n", "")
    rule = load_rule(_rule_file(tmp_path, required))
    assert rule.params["max_days"].required
    with pytest.raises(RuleError, match="needs parameter"):
        rule.bind()
    assert rule.bind({"max_days": 3}) == {"max_days": 3}
    with pytest.raises(RuleError, match="no parameter"):
        rule.bind({"max_days": 3, "other": 1})
    with pytest.raises(RuleError, match="must be int"):
        CATALOGUE["auto_loss_near_end"].bind({"max_days": "15"})


def test_duplicate_ids_refused(tmp_path):
    _rule_file(tmp_path, GOOD)
    _rule_file(tmp_path, GOOD.replace("line: auto", "line: agri"), "agri/my_rule.sql")
    with pytest.raises(RuleError):
        discover(tmp_path / "rules")


def test_load_rule_id_reads_one_rule(tmp_path):
    """Running one rule reads its file alone, with the same checks as the whole library."""
    one = load_rule_id("ah_multi_company_cover")
    assert one.sql == CATALOGUE["ah_multi_company_cover"].sql
    assert one.params == CATALOGUE["ah_multi_company_cover"].params
    _rule_file(tmp_path, GOOD)
    assert load_rule_id("my_rule", tmp_path / "rules").line == "auto"
    with pytest.raises(RuleError, match="no rule 'nope'"):
        load_rule_id("nope", tmp_path / "rules")
    with pytest.raises(RuleError, match="not a rule id"):
        load_rule_id("../auto/my_rule", tmp_path / "rules")
    _rule_file(tmp_path, GOOD.replace("line: auto", "line: agri"), "agri/my_rule.sql")
    with pytest.raises(RuleError, match="duplicate rule id my_rule"):
        load_rule_id("my_rule", tmp_path / "rules")
    lax = GOOD.replace("my_rule", "lax_rule").replace("SELECT", "SELECT *,", 1)
    _rule_file(tmp_path, lax, "auto/lax_rule.sql")
    with pytest.raises(RuleError, match="not in the portable SQL subset"):
        load_rule_id("lax_rule", tmp_path / "rules")


def test_portability_lint():
    assert portability_problems("WITH a AS (SELECT list(x ORDER BY y) AS l FROM t) SELECT l FROM a")
    assert portability_problems(
        "WITH a AS (SELECT date_diff('month', d, e) AS m FROM t) SELECT m FROM a"
    )
    assert portability_problems("WITH a AS (SELECT x / y AS r FROM t) SELECT r FROM a")
    assert not portability_problems(
        "WITH a AS (SELECT x / NULLIF(y, 0) AS r, z / 10000.0 AS w FROM t) SELECT r, w FROM a"
    )
    assert portability_problems(
        "WITH a AS (SELECT list_transform(l, x -> x + 1) AS l FROM t) SELECT l FROM a"
    )


# --- auto (车险) ----------------------------------------------------------------------------------


def test_auto_loss_before_start(fix):
    fix.add("auto_policy", policy_no="P1", start_date=D("2019-01-10"))
    fix.add(
        "auto_claim",
        policy_no="P1",
        claim_no="K1",
        accident_time=T("2019-01-08 10:00"),
        paid_amount=20000.0,
    )
    # look-alike: an accident on the start day itself (left to auto_loss_before_issue)
    fix.add("auto_policy", policy_no="P4", start_date=D("2019-01-10"))
    fix.add("auto_claim", policy_no="P4", claim_no="K4", accident_time=T("2019-01-10 08:00"))
    c = only(run(fix, "auto_loss_before_start"))
    assert c["records"] == {("C01", "auto_claim", "K1"), ("C01", "auto_policy", "P1")}
    assert c["evidence"] == "出险日期2019-01-08早于起保日期2019-01-10(早2天)，赔付20000元"
    assert c["metric1"] == 2 and c["amount"] == 20000


def test_auto_loss_before_issue(fix):
    fix.add(
        "auto_policy", policy_no="P2", start_date=D("2019-03-01"), issue_time=T("2019-03-01 15:00")
    )
    fix.add("auto_claim", policy_no="P2", claim_no="K2", accident_time=T("2019-03-01 09:05"))
    # look-alikes: issued the evening before; accident on the start day with no issue time
    fix.add(
        "auto_policy", policy_no="P3", start_date=D("2019-03-01"), issue_time=T("2019-02-28 10:00")
    )
    fix.add("auto_claim", policy_no="P3", claim_no="K3", accident_time=T("2019-03-01 09:00"))
    fix.add("auto_policy", policy_no="P4", start_date=D("2019-01-10"))
    fix.add("auto_claim", policy_no="P4", claim_no="K4", accident_time=T("2019-01-10 08:00"))
    c = only(run(fix, "auto_loss_before_issue"))
    assert c["records"] == {("C01", "auto_claim", "K2"), ("C01", "auto_policy", "P2")}
    assert c["evidence"] == "起保当日(2019-03-01)出险，出险时间09:05早于签单时间15:00，赔付3000元"
    assert c["metric1"] == 355  # minutes


def test_auto_loss_near_start(fix):
    fix.add("auto_policy", policy_no="P1", vin="v1", start_date=D("2019-01-01"))
    fix.add(
        "auto_claim", policy_no="P1", claim_no="K1", vin="v1", accident_time=T("2019-01-05 10:00")
    )
    fix.add(
        "auto_policy",
        policy_no="P2a",
        vin="v2",
        start_date=D("2018-01-01"),
        end_date=D("2018-12-31"),
    )
    fix.add("auto_policy", policy_no="P2", vin="v2", start_date=D("2019-01-01"))  # a renewal
    fix.add(
        "auto_claim", policy_no="P2", claim_no="K2", vin="v2", accident_time=T("2019-01-05 10:00")
    )
    fix.add("auto_policy", policy_no="P3", vin="v3", start_date=D("2019-01-01"))
    fix.add(
        "auto_claim", policy_no="P3", claim_no="K3", vin="v3", accident_time=T("2019-01-09 10:00")
    )
    c = only(run(fix, "auto_loss_near_start"))
    assert c["records"] == {("C01", "auto_claim", "K1"), ("C01", "auto_policy", "P1")}
    assert c["evidence"] == "新保单起保后4天出险(起保2019-01-01，出险2019-01-05)，赔付3000元"
    assert c["metric1"] == 4 and c["entities"] == {("vehicle", "VN_v1")}


def test_auto_loss_near_end(fix):
    fix.add("auto_policy", policy_no="P1", end_date=D("2019-08-31"))
    fix.add("auto_claim", policy_no="P1", claim_no="K1", accident_time=T("2019-08-20 10:00"))
    fix.add("auto_policy", policy_no="P2", end_date=D("2019-08-31"))
    fix.add("auto_claim", policy_no="P2", claim_no="K2", accident_time=T("2019-08-15 10:00"))
    c = only(run(fix, "auto_loss_near_end"))
    assert c["evidence"] == "终保前11天出险(终保2019-08-31，出险2019-08-20)，赔付3000元"
    assert c["metric1"] == 11


def test_auto_loss_after_endorsement(fix):
    fix.add("auto_policy", policy_no="P1", endorsement_date=D("2019-01-01"))
    fix.add("auto_claim", policy_no="P1", claim_no="K1", accident_time=T("2019-01-10 10:00"))
    fix.add("auto_policy", policy_no="P2", endorsement_date=D("2019-01-01"))
    fix.add("auto_claim", policy_no="P2", claim_no="K2", accident_time=T("2019-01-20 10:00"))
    c = only(run(fix, "auto_loss_after_endorsement"))
    assert c["evidence"] == "加保批改(2019-01-01)后9天出险，赔付3000元"
    assert ("C01", "auto_claim", "K1") in c["records"]


def test_auto_vehicle_repeat(fix):
    for co, no, when in (
        ("C01", "K1", "2019-01-01 08:00"),
        ("C02", "K2", "2019-02-01 08:00"),
        ("C02", "K2b", "2019-02-01 08:00"),
        ("C01", "K3", "2019-03-15 08:00"),
    ):
        fix.add("auto_claim", company_code=co, claim_no=no, vin="v1", accident_time=T(when))
    for no, when in (
        ("K4", "2019-01-01 08:00"),
        ("K5", "2019-03-01 08:00"),
        ("K6", "2019-05-01 08:00"),
    ):
        fix.add("auto_claim", claim_no=no, vin="v2", accident_time=T(when))
    c = only(run(fix, "auto_vehicle_repeat"))
    assert {r[2] for r in c["records"]} == {"K1", "K2", "K2b", "K3"}
    assert (c["metric1"], c["metric2"]) == (3, 3)  # the compulsory+commercial pair counts once
    assert c["evidence"] == "同一车辆90天内出险3次、365天内出险3次，涉及2家公司，累计赔付1.2万元"


def test_auto_person_multi_role(fix):
    fix.add(
        "auto_claim",
        company_code="C01",
        claim_no="K1",
        vin="v1",
        driver_id="p1",
        accident_time=T("2019-01-01 08:00"),
    )
    fix.add(
        "auto_claim",
        company_code="C02",
        claim_no="K2",
        vin="v2",
        injured_id="p1",
        accident_time=T("2019-02-01 08:00"),
    )
    fix.add("auto_policy", company_code="C03", policy_no="P3", vin="v3", owner_id="p1")
    fix.add(
        "auto_claim",
        company_code="C03",
        claim_no="K3",
        policy_no="P3",
        vin="v3",
        accident_time=T("2019-03-01 08:00"),
    )
    for i, when in enumerate(("2019-01-01", "2019-02-01", "2019-03-01")):  # one insurer only
        fix.add("auto_claim", claim_no=f"M{i}", driver_id="p2", accident_time=T(f"{when} 09:00"))
    for i, co in enumerate(
        ("C01", "C02", "C02")
    ):  # an owner driving and paid for his own car: one role
        fix.add(
            "auto_claim",
            company_code=co,
            claim_no=f"N{i}",
            vin="v9",
            driver_id="p3",
            payee_id="p3",
            payee_relation="本人",
            accident_time=T(f"2019-0{i + 1}-05 09:00"),
        )
    c = only(run(fix, "auto_person_multi_role"))
    assert {r[2] for r in c["records"]} == {"K1", "K2", "K3"}
    assert (c["metric1"], c["metric2"]) == (3, 3)
    assert (
        c["evidence"]
        == "同一人员180天内涉及3起事故(身份3种：他车驾驶员、伤者、本车车主)，涉及3家公司"
    )


def test_auto_injured_repeat(fix):
    fix.add(
        "auto_claim",
        company_code="C01",
        claim_no="K1",
        vin="v1",
        injured_id="p1",
        injury_amount=8000.0,
    )
    fix.add(
        "auto_claim",
        company_code="C02",
        claim_no="K2",
        vin="v2",
        injured_id="p1",
        injury_amount=12000.0,
    )
    fix.add(
        "auto_claim", claim_no="K3", vin="v3", injured_id="p2", accident_time=T("2019-01-01 08:00")
    )
    fix.add(
        "auto_claim", claim_no="K4", vin="v3", injured_id="p2", accident_time=T("2019-02-01 08:00")
    )
    fix.add(
        "auto_claim", claim_no="K5", vin="v4", injured_id="p3", driver_id="p3"
    )  # hurt in own car
    fix.add("auto_claim", claim_no="K6", vin="v5", injured_id="p3")
    c = only(run(fix, "auto_injured_repeat"))
    assert {r[2] for r in c["records"]} == {"K1", "K2"}
    assert (
        c["evidence"]
        == "同一伤者在2辆不同车辆的2起事故中受伤索赔，涉及2家公司，人伤赔款合计2.0万元"
    )
    assert (c["metric1"], c["metric2"]) == (2, 2)


def _owned_claim(fix, n, owner, **claim):
    fix.add("auto_policy", policy_no=f"P{n}", owner_id=owner)
    fix.add("auto_claim", policy_no=f"P{n}", claim_no=f"K{n}", **claim)


def test_auto_shared_reporter_phone(fix):
    for n, owner in enumerate(("o1", "o2", "o3")):
        _owned_claim(fix, n, owner, reporter_phone="t1")
    for n in range(3, 6):  # one owner with three cars
        _owned_claim(fix, n, "o4", reporter_phone="t2")
    for n, owner in enumerate(
        ("o5", "o6", "o7"), start=6
    ):  # the family head driving, his own phone
        _owned_claim(fix, n, owner, reporter_phone="t3", driver_phone="t3")
    c = only(run(fix, "auto_shared_reporter_phone"))
    assert {r[2] for r in c["records"]} == {"K0", "K1", "K2"}
    assert (
        c["evidence"]
        == "同一报案电话(非当事人本人电话)为3个不同车主/车辆报案3次，涉及1家公司，累计赔付0.9万元"
    )


def test_auto_shared_payee_account(fix):
    for n, owner in enumerate(("o1", "o2", "o3")):
        _owned_claim(fix, n, owner, payee_account="a1", payee_relation="其他")
    for n, owner in enumerate(("o4", "o5", "o6"), start=3):  # a repair shop paid directly
        _owned_claim(fix, n, owner, payee_account="a2", payee_relation="修理厂")
    for n, owner in enumerate(("o7", "o8", "o9"), start=6):  # family members paid into one account
        _owned_claim(fix, n, owner, payee_account="a3", payee_relation="配偶")
    c = only(run(fix, "auto_shared_payee_account"))
    assert c["entities"] == {("account", "AC_a1")}
    assert (
        c["evidence"]
        == "同一领款账户以非本人、非亲属身份接收3个不同车主/车辆的3笔赔款，涉及1家公司，合计0.9万元"
    )
    assert c["metric2"] == 9000


def test_auto_context_flags(fix):
    fix.add(
        "auto_claim",
        claim_no="K1",
        accident_time=T("2019-01-10 23:30"),
        accident_type="单方事故",
        police_record="否",
        report_time=T("2019-01-14 09:00"),
    )
    fix.add(
        "auto_claim",
        claim_no="K2",
        accident_time=T("2019-01-10 23:30"),
        accident_type="单方事故",
        police_record="是",
        report_time=T("2019-01-11 09:00"),
    )
    c = only(run(fix, "auto_context_flags"))
    assert (
        c["evidence"]
        == "同一赔案4项红旗：夜间出险、单方事故、无交警事故认定、超48小时报案，赔付3000元"
    )
    assert c["metric1"] == 4


def test_auto_repair_shop_outlier(fix):
    for shop, paid in (
        ("S1", 2900),
        ("S2", 3000),
        ("S3", 3100),
        ("S4", 3000),
        ("S5", 2950),
        ("S6", 3050),
        ("BAD", 9000),
    ):
        for i in range(2):
            fix.add(
                "auto_claim",
                claim_no=f"{shop}-{i}",
                repair_shop_code=shop,
                repair_shop_name=f"{shop}修理厂",
                accident_region_code="220102",
                paid_amount=float(paid) + 20000.0,  # injury payouts are not the shop's bill
                parts_amount=paid / 2,
                labor_amount=paid / 2,
            )
    fix.add("auto_claim", claim_no="INJ", repair_shop_code="S1", injury_amount=50000.0)  # no bill
    c = only(run(fix, "auto_repair_shop_outlier", min_claims=2))
    assert {r[2] for r in c["records"]} == {"BAD-0", "BAD-1"}
    # others: mean 3000, sample sd sqrt(25000/5) = 70.71 → z = 6000 / 70.71 = 84.85
    assert c["metric1"] == pytest.approx(6000 / 5000**0.5)
    assert c["amount"] == 12000  # the excess over the peer average, per claim 6000
    assert c["evidence"] == (
        "修理厂BAD修理厂共2个维修赔案，案均维修金额9000元(同城同业3000元，标准分84.9)，"
        "换件占比50%(同业50%，标准分0.0)"
    )


def test_auto_injury_representative(fix):
    for co, no, inj, when in (
        ("C01", "K1", "i1", "2019-01-01"),
        ("C02", "K2", "i2", "2019-04-01"),
        ("C03", "K3", "i3", "2019-09-01"),
    ):
        fix.add(
            "auto_claim",
            company_code=co,
            claim_no=no,
            injury="是",
            injured_id=inj,
            injury_amount=10000.0,
            representative_name="r1",
            representative_org="某某法律服务所",
            accident_time=T(f"{when} 08:00"),
            litigation="是" if no == "K1" else "否",
        )
    for no, when in (("L1", "2018-01-01"), ("L2", "2018-08-01"), ("L3", "2019-03-01")):
        fix.add(
            "auto_claim",
            claim_no=no,
            injury="是",
            injured_id=f"j{no}",
            representative_name="r2",
            accident_time=T(f"{when} 08:00"),
        )
    c = only(run(fix, "auto_injury_representative"))
    assert {r[2] for r in c["records"]} == {"K1", "K2", "K3"}
    assert c["evidence"] == (
        "同一委托代理人r1*(某某法律服务所)365天内代理3起人伤案件(伤者3人，诉讼1起)，"
        "涉及3家公司，人伤赔款合计3.0万元"
    )
    assert (c["metric1"], c["metric2"]) == (3, 3)


def test_auto_disability_reassessment(fix):
    fix.add(
        "auto_claim",
        claim_no="K1",
        injured_id="i1",
        assessment_count=3,
        disability_grade="9",
        litigation="是",
        injury_amount=50000.0,
    )
    fix.add("auto_claim", claim_no="K2", injured_id="i2", assessment_count=1, disability_grade="9")
    c = only(run(fix, "auto_disability_reassessment"))
    assert c["evidence"] == "伤残鉴定3次后评定为9级伤残(诉讼理赔)，人伤赔款50000元"
    assert (c["metric1"], c["metric2"]) == (3, 9)


# --- agriculture (农险) ---------------------------------------------------------------------------


def test_agri_duplicate_farmer_subject(fix):
    fix.add("agri_policy", company_code="C01", policy_no="G1", farmer_id="f1")
    fix.add(
        "agri_policy",
        company_code="C02",
        policy_no="G2",
        farmer_id="f1",
        start_date=D("2019-06-01"),
        end_date=D("2019-11-30"),
    )
    fix.add("agri_policy", company_code="C01", policy_no="G3", farmer_id="f2")
    fix.add("agri_policy", company_code="C02", policy_no="G4", farmer_id="f2", subject="大豆")
    fix.add(
        "agri_policy",
        company_code="C01",
        policy_no="G5",
        farmer_id="f3",
        start_date=D("2018-05-01"),
        end_date=D("2018-10-31"),
    )
    fix.add("agri_policy", company_code="C02", policy_no="G6", farmer_id="f3")
    c = only(run(fix, "agri_duplicate_farmer_subject"))
    assert c["records"] == {("C01", "agri_policy", "G1"), ("C02", "agri_policy", "G2")}
    assert c["evidence"] == "同一农户以同一标的(玉米)在2家公司投保2张保单，保险期间最长重叠153天"
    assert (c["metric1"], c["metric2"]) == (2, 153)


def test_agri_duplicate_parcel_tag(fix):
    fix.add(
        "agri_policy",
        company_code="C01",
        policy_no="G1",
        farmer_id="f1",
        parcel_codes="PC009;PC001",
    )
    fix.add("agri_policy", company_code="C02", policy_no="G2", farmer_id="f2", parcel_codes="PC001")
    fix.add(
        "agri_policy",
        policy_no="G3",
        parcel_codes="PC002",
        start_date=D("2018-05-01"),
        end_date=D("2018-10-31"),
    )
    fix.add("agri_policy", policy_no="G4", parcel_codes="PC002")
    c = only(run(fix, "agri_duplicate_parcel_tag"))
    assert c["records"] == {("C01", "agri_policy", "G1"), ("C02", "agri_policy", "G2")}
    assert ("parcel", "PC001") in c["entities"]
    assert c["evidence"] == "同一地块PC001出现在2张保险期间重叠的保单中，涉及2家公司"


def test_agri_area_exceeds_roster(fix):
    fix.add("land_roster", farmer_id="f1", parcel_code="L1", registered_area=10.0)
    fix.add("land_roster", farmer_id="f1", parcel_code="L2", registered_area=5.0)
    fix.add("agri_policy", company_code="C01", policy_no="G1", farmer_id="f1", insured_area=10.0)
    fix.add("agri_policy", company_code="C02", policy_no="G2", farmer_id="f1", insured_area=8.0)
    fix.add("land_roster", farmer_id="f2", parcel_code="L3", registered_area=10.0)
    fix.add("agri_policy", policy_no="G3", farmer_id="f2", insured_area=10.4)
    c = only(run(fix, "agri_area_exceeds_roster"))
    assert {r[2] for r in c["records"]} == {"G1", "G2"}
    assert c["evidence"] == "2019年在2家公司承保面积合计18.0亩，确权面积15.0亩，为1.20倍"
    assert c["metric1"] == pytest.approx(1.2)


def test_agri_not_on_roster(fix):
    for farmer in ("r1", "r2"):
        fix.add("land_roster", farmer_id=farmer, village_code="220122001001", registered_area=10.0)
    fix.add(
        "agri_policy",
        policy_no="G1",
        farmer_id="ghost",
        village_code="220122001001",
        village_name="一村",
    )
    fix.add("agri_claim", policy_no="G1", claim_no="GC1", farmer_id="ghost")
    fix.add(
        "agri_policy",
        policy_no="G2",
        farmer_id="r1",
        village_code="220122001001",
        village_name="一村",
    )
    fix.add(
        "agri_policy",
        policy_no="G3",
        farmer_id="x1",
        village_code="220122002002",
        village_name="二村",
    )
    c = only(run(fix, "agri_not_on_roster", min_roster_farmers=2))
    assert c["records"] == {("C01", "agri_policy", "G1"), ("C01", "agri_claim", "GC1")}
    assert c["evidence"] == "被保险农户不在一村土地确权/存栏名册中(名册共2户)，保险金额4000元"


def test_agri_shared_phone_farmers(fix):
    for i in range(5):
        fix.add("agri_policy", policy_no=f"G{i}", farmer_id=f"f{i}", farmer_phone="t1")
    for i in range(5, 9):
        fix.add("agri_policy", policy_no=f"G{i}", farmer_id=f"f{i}", farmer_phone="t2")
    c = only(run(fix, "agri_shared_phone_farmers"))
    assert {r[2] for r in c["records"]} == {f"G{i}" for i in range(5)}
    assert c["evidence"] == "5户农户共用同一联系电话投保5张保单，涉及1家公司，保险金额合计2.0万元"


def test_agri_ear_tag_reclaimed(fix):
    fix.add(
        "agri_claim", company_code="C01", claim_no="GC1", ear_tags="220122000000001;220122000000002"
    )
    fix.add("agri_claim", company_code="C02", claim_no="GC2", ear_tags="220122000000001")
    fix.add("agri_claim", claim_no="GC3", ear_tags="220122000000003")
    c = only(run(fix, "agri_ear_tag_reclaimed"))
    assert c["records"] == {("C01", "agri_claim", "GC1"), ("C02", "agri_claim", "GC2")}
    assert c["evidence"] == "同一耳标220122000000001在2个赔案中理赔，涉及2家公司"


def test_agri_death_without_disposal(fix):
    for n, disposal in ((1, None), (2, "D1")):
        fix.add(
            "agri_policy",
            policy_no=f"G{n}",
            category="养殖险",
            subject="能繁母猪",
            insured_heads=10,
        )
        fix.add(
            "agri_claim",
            policy_no=f"G{n}",
            claim_no=f"GC{n}",
            loss_cause="疫病",
            loss_heads=2,
            disposal_no=disposal,
        )
    fix.add("agri_policy", policy_no="G3")
    fix.add("agri_claim", policy_no="G3", claim_no="GC3", loss_area=5.0)
    c = only(run(fix, "agri_death_without_disposal"))
    assert c["records"] == {("C01", "agri_claim", "GC1")}
    assert c["evidence"] == "养殖死亡理赔2头，无无害化处理单号，赔付1500元"


def test_agri_uniform_payout(fix):
    for i in range(3):
        fix.add("agri_policy", policy_no=f"G{i}", village_code="V1", village_name="一村")
        fix.add(
            "agri_claim", policy_no=f"G{i}", claim_no=f"GC{i}", loss_area=10.0, paid_amount=1500.0
        )
    for i, paid in zip(range(3, 6), (1500.0, 1600.0, 1400.0), strict=True):
        fix.add("agri_policy", policy_no=f"G{i}", village_code="V2", village_name="二村")
        fix.add(
            "agri_claim", policy_no=f"G{i}", claim_no=f"GC{i}", loss_area=10.0, paid_amount=paid
        )
    c = only(run(fix, "agri_uniform_payout", min_claims=3))
    assert {r[2] for r in c["records"]} == {"GC0", "GC1", "GC2"}
    assert (
        c["evidence"]
        == "一村3户农户2019-07-20出险，亩均赔款均为150.00元(变异系数0.0000)，疑似平均赔付"
    )


def test_agri_claim_without_disaster(fix):
    fix.add("disaster_event", county_code="220122", event_type="洪涝")  # 2019-07-15 … 07-25
    fix.add(
        "agri_claim",
        claim_no="GC1",
        county_code="220122",
        loss_cause="洪涝",
        loss_date=D("2019-07-20"),
    )
    fix.add(
        "agri_claim",
        claim_no="GC2",
        county_code="220122",
        loss_cause="旱灾",
        loss_date=D("2019-07-20"),
    )
    fix.add(
        "agri_claim",
        claim_no="GC3",
        county_code="220122",
        loss_cause="洪涝",
        loss_date=D("2019-07-30"),
    )
    fix.add("agri_claim", claim_no="GC4", county_code="220122", loss_cause="意外")
    c = only(run(fix, "agri_claim_without_disaster"))
    assert c["records"] == {("C01", "agri_claim", "GC2")}
    assert (
        c["evidence"]
        == "以旱灾为由于2019-07-20出险，但该县(220122)前后7天内无旱灾灾害记录，赔付1500元"
    )


def test_agri_claim_without_disaster_silent_without_events(fix):
    fix.add("agri_claim", claim_no="GC2", county_code="220122", loss_cause="旱灾")
    assert run(fix, "agri_claim_without_disaster").empty


def test_agri_loss_exceeds_insured(fix):
    fix.add("agri_policy", policy_no="G1", insured_area=10.0)
    fix.add("agri_claim", policy_no="G1", claim_no="GC1", loss_area=6.0)
    fix.add("agri_claim", policy_no="G1", claim_no="GC2", loss_area=6.0)
    fix.add("agri_policy", policy_no="G2", insured_area=10.0)
    fix.add("agri_claim", policy_no="G2", claim_no="GC3", loss_area=10.0)
    c = only(run(fix, "agri_loss_exceeds_insured"))
    assert {r[2] for r in c["records"]} == {"GC1", "GC2"}
    assert c["evidence"] == "2个赔案累计受损面积12.0亩，超过承保面积10.0亩"


def test_agri_loss_before_start(fix):
    fix.add("agri_policy", policy_no="G1")
    fix.add("agri_claim", policy_no="G1", claim_no="GC1", loss_date=D("2019-04-25"))
    fix.add("agri_policy", policy_no="G2")
    fix.add("agri_claim", policy_no="G2", claim_no="GC2", loss_date=D("2019-05-01"))
    c = only(run(fix, "agri_loss_before_start"))
    assert c["records"] == {("C01", "agri_claim", "GC1"), ("C01", "agri_policy", "G1")}
    assert c["evidence"] == "出险日期2019-04-25早于起保日期2019-05-01(早6天)，赔付1500元"


def test_agri_loss_soon_after_start(fix):
    fix.add("agri_policy", policy_no="G1", category="养殖险", subject="育肥猪", insured_heads=20)
    fix.add(
        "agri_claim", policy_no="G1", claim_no="GC1", loss_date=D("2019-05-11"), loss_cause="疫病"
    )
    fix.add("agri_policy", policy_no="G2")
    fix.add("agri_claim", policy_no="G2", claim_no="GC2", loss_date=D("2019-05-20"))
    c = only(run(fix, "agri_loss_soon_after_start"))
    assert (
        c["evidence"] == "起保后10天出险(起保2019-05-01，出险2019-05-11)，处于观察期内，赔付1500元"
    )


def test_agri_disaster_before_start(fix):
    fix.add("disaster_event", county_code="220122", event_type="洪涝")  # 2019-07-15 … 07-25
    fix.add("agri_policy", policy_no="G1", start_date=D("2019-07-18"))
    fix.add("agri_claim", policy_no="G1", claim_no="GC1", loss_date=D("2019-07-22"))
    fix.add("agri_policy", policy_no="G2")
    fix.add("agri_claim", policy_no="G2", claim_no="GC2", loss_date=D("2019-07-22"))
    c = only(run(fix, "agri_disaster_before_start"))
    assert c["records"] == {("C01", "agri_claim", "GC1"), ("C01", "agri_policy", "G1")}
    assert (
        c["evidence"]
        == "当地洪涝灾害于2019-07-15开始，保单于2019-07-18才起保，并以该灾害于2019-07-22出险理赔1500元"
    )
    assert c["metric1"] == 3


def test_agri_shared_payee_account(fix):
    for i in range(3):
        fix.add(
            "agri_claim",
            claim_no=f"GC{i}",
            farmer_id=f"f{i}",
            payee_account="a1",
            payee_relation="其他",
        )
    for i in (3, 4):
        fix.add(
            "agri_claim",
            claim_no=f"GC{i}",
            farmer_id=f"f{i}",
            payee_account="a2",
            payee_relation="协保员",
        )
    for i in (5, 6):
        fix.add(
            "agri_claim",
            claim_no=f"GC{i}",
            farmer_id=f"f{i}",
            payee_account="a3",
            payee_relation="其他",
        )
    c = clues(run(fix, "agri_shared_payee_account"))
    assert set(c) == {"account:AC_a1", "account:AC_a2"}
    assert (
        c["account:AC_a1"]["evidence"]
        == "同一领款账户接收3户农户的赔款，合计0.45万元，涉及1家公司；领款人身份：其他"
    )
    assert c["account:AC_a2"]["evidence"] == (
        "同一领款账户接收2户农户的赔款，合计0.30万元，涉及1家公司"
        "(领款人为协保员/村干部)；领款人身份：协保员"
    )


# --- accident & health, life (意健险、寿险) -----------------------------------------------------------


def test_ah_multi_company_cover(fix):
    for co, start in (("C01", "2018-09-01"), ("C02", "2018-10-01"), ("C03", "2018-11-15")):
        fix.add(
            "ah_policy", company_code=co, policy_no=f"A{co}", insured_id="p1", start_date=D(start)
        )
    for co, start in (("C01", "2018-09-01"), ("C02", "2018-11-01"), ("C03", "2019-01-15")):
        fix.add(
            "ah_policy", company_code=co, policy_no=f"B{co}", insured_id="p2", start_date=D(start)
        )
    for co, line in (("C01", "意外险"), ("C02", "医疗险"), ("C03", "寿险")):
        fix.add("ah_policy", company_code=co, policy_no=f"C{co}", insured_id="p3", line=line)
    c = only(run(fix, "ah_multi_company_cover"))
    assert {r[2] for r in c["records"]} == {"AC01", "AC02", "AC03"}
    assert c["evidence"] == "同一被保险人75天内在3家公司投保意外险/医疗险3张，累计保额30.0万元"
    assert (c["metric1"], c["metric2"]) == (3, 300000)


def test_ah_multi_company_then_claim(fix):
    for co, start in (("C01", "2018-09-01"), ("C02", "2018-10-01"), ("C03", "2018-11-01")):
        fix.add(
            "ah_claim",
            company_code=co,
            claim_no=f"K{co}",
            insured_id="p1",
            policy_start_date=D(start),
        )
    for co, start in (("C01", "2018-01-01"), ("C02", "2018-06-01"), ("C03", "2018-09-01")):
        fix.add(
            "ah_claim",
            company_code=co,
            claim_no=f"L{co}",
            insured_id="p2",
            policy_start_date=D(start),
        )
    c = only(run(fix, "ah_multi_company_then_claim"))
    assert {r[2] for r in c["records"]} == {"KC01", "KC02", "KC03"}
    assert c["evidence"] == (
        "同一被保险人在3家公司61天内密集投保，末次投保后70天出险，向3家公司索赔3次，合计赔付1.5万元"
    )


def test_ah_multi_company_claims(fix):
    for co, loss in (("C01", "2019-01-10"), ("C02", "2019-03-01"), ("C03", "2019-06-01")):
        fix.add("ah_claim", company_code=co, claim_no=f"K{co}", insured_id="p1", loss_date=D(loss))
    for co, n in (("C01", 1), ("C01", 2), ("C02", 3)):
        fix.add("ah_claim", company_code=co, claim_no=f"L{n}", insured_id="p2")
    c = only(run(fix, "ah_multi_company_claims"))
    assert c["evidence"] == "同一被保险人365天内在3家公司理赔3次，累计赔付1.5万元"


def test_ah_frequent_hospitalisation(fix):
    for co, no, adm, dis in (
        ("C01", "K1", "2019-01-05", "2019-01-15"),
        ("C02", "K2", "2019-04-01", "2019-04-11"),
        ("C03", "K2b", "2019-04-01", "2019-04-11"),
        ("C02", "K3", "2019-08-01", "2019-08-06"),
    ):
        fix.add(
            "ah_claim",
            company_code=co,
            claim_no=no,
            insured_id="p1",
            admission_date=D(adm),
            discharge_date=D(dis),
            loss_type="住院医疗",
        )
    for no, adm in (("L1", "2018-01-01"), ("L2", "2018-07-01"), ("L3", "2019-02-15")):
        fix.add(
            "ah_claim", claim_no=no, insured_id="p2", admission_date=D(adm), discharge_date=D(adm)
        )
    c = only(run(fix, "ah_frequent_hospitalisation"))
    assert {r[2] for r in c["records"]} == {"K1", "K2", "K2b", "K3"}
    assert c["evidence"] == "365天内住院3次(累计住院25天)，向3家公司理赔4次，累计赔付2.0万元"
    assert (c["metric1"], c["metric2"]) == (3, 25)


def test_ah_long_stay_minor_injury(fix):
    fix.add(
        "ah_claim",
        claim_no="K1",
        diagnosis_code="S50.0",
        diagnosis="前臂挫伤",
        admission_date=D("2019-01-01"),
        discharge_date=D("2019-01-25"),
    )
    fix.add(
        "ah_claim",
        claim_no="K2",
        diagnosis_code="S50.0",
        diagnosis="前臂挫伤",
        admission_date=D("2019-01-01"),
        discharge_date=D("2019-01-16"),
    )
    fix.add(
        "ah_claim",
        claim_no="K3",
        diagnosis_code="S52.5",
        diagnosis="桡骨骨折",
        admission_date=D("2019-01-01"),
        discharge_date=D("2019-01-31"),
    )
    c = only(run(fix, "ah_long_stay_minor_injury"))
    assert c["records"] == {("C01", "ah_claim", "K1")}
    assert c["evidence"] == "轻微伤(S50.0前臂挫伤)住院24天(入院2019-01-01)，赔付5000元"


def test_ah_claim_soon_after_start(fix):
    fix.add(
        "ah_claim",
        claim_no="K1",
        insured_id="p1",
        policy_start_date=D("2019-01-01"),
        loss_date=D("2019-01-11"),
    )
    fix.add(
        "ah_policy",
        policy_no="OLD",
        insured_id="p2",
        start_date=D("2018-01-01"),
        end_date=D("2018-12-31"),
    )
    fix.add(
        "ah_policy",
        policy_no="NEW",
        insured_id="p2",
        start_date=D("2019-01-01"),
        end_date=D("2019-12-31"),
    )
    fix.add("ah_claim", claim_no="K2", policy_no="NEW", insured_id="p2", loss_date=D("2019-01-05"))
    fix.add(
        "ah_claim",
        claim_no="K3",
        insured_id="p3",
        policy_start_date=D("2019-01-01"),
        loss_date=D("2019-02-10"),
    )
    c = only(run(fix, "ah_claim_soon_after_start"))
    assert c["records"] == {("C01", "ah_claim", "K1")}
    assert (
        c["evidence"] == "保单生效后10天出险(意外医疗，起保2019-01-01，出险2019-01-11)，赔付5000元"
    )


def test_ah_injury_before_start(fix):
    fix.add(
        "ah_claim",
        claim_no="K1",
        insured_id="p1",
        policy_start_date=D("2019-01-10"),
        loss_date=D("2019-01-05"),
        claimed_amount=8000.0,
        paid_amount=0.0,
        decision="拒赔",
    )
    fix.add("ah_policy", policy_no="P2", insured_id="p2", start_date=D("2019-01-10"))
    fix.add(
        "ah_claim",
        claim_no="K2",
        policy_no="P2",
        insured_id="p2",
        loss_date=D("2019-01-12"),
        admission_date=D("2019-01-08"),
    )
    fix.add(
        "ah_claim",
        claim_no="K3",
        insured_id="p3",
        policy_start_date=D("2019-01-10"),
        loss_date=D("2019-01-10"),
    )
    c = clues(run(fix, "ah_injury_before_start"))
    assert set(c) == {"C01/K1", "C01/K2"}
    assert (
        c["C01/K1"]["evidence"]
        == "出险/入院日期2019-01-05早于保单起保日期2019-01-10(早5天)，索赔8000元"
    )
    assert c["C01/K2"]["metric1"] == 2 and c["C01/K1"]["amount"] == 8000


def test_ah_disability_prior_injury(fix):
    fix.add(
        "ah_claim",
        company_code="C01",
        claim_no="K1",
        insured_id="p1",
        loss_type="伤残",
        disability_grade="8",
        diagnosis_code="S82.1",
        loss_date=D("2018-03-01"),
        policy_start_date=D("2017-06-01"),
    )
    fix.add(
        "ah_claim",
        company_code="C02",
        claim_no="K2",
        insured_id="p1",
        loss_type="伤残",
        disability_grade="8",
        diagnosis_code="S82.2",
        loss_date=D("2019-02-01"),
        policy_start_date=D("2018-09-01"),
    )
    fix.add(
        "ah_claim",
        company_code="C01",
        claim_no="K3",
        insured_id="p2",
        loss_type="伤残",
        diagnosis_code="S82.1",
        loss_date=D("2018-03-01"),
        policy_start_date=D("2017-06-01"),
    )
    fix.add(
        "ah_claim",
        company_code="C02",
        claim_no="K4",
        insured_id="p2",
        loss_type="伤残",
        diagnosis_code="S42.0",
        loss_date=D("2019-02-01"),
        policy_start_date=D("2018-09-01"),
    )
    c = only(run(fix, "ah_disability_prior_injury"))
    assert c["records"] == {("C01", "ah_claim", "K1"), ("C02", "ah_claim", "K2")}
    assert c["evidence"] == (
        "伤残(诊断S82)已于2018-03-01出险并理赔，之后于2018-09-01在另一公司投保，"
        "又以同一伤情申请伤残赔付5000元"
    )
    assert c["metric1"] == 184


def test_ah_death_multi_company(fix):
    for co in ("C01", "C02"):
        fix.add(
            "ah_claim",
            company_code=co,
            claim_no=f"K{co}",
            insured_id="p1",
            insured_id_region="220102",
            loss_type="身故",
            loss_region_code="450102",
            death_certificate="是",
            payee_relation="配偶",
            policy_start_date=D("2015-01-01"),
            paid_amount=100000.0,
            claimed_amount=100000.0,
        )
        fix.add(
            "ah_claim",
            company_code=co,
            claim_no=f"L{co}",
            insured_id="p2",
            insured_id_region="220102",
            loss_type="身故",
            loss_region_code="220104",
            death_certificate="是",
            payee_relation="配偶",
            policy_start_date=D("2010-01-01"),
            paid_amount=100000.0,
            claimed_amount=100000.0,
        )
    c = only(run(fix, "ah_death_multi_company"))
    assert {r[2] for r in c["records"]} == {"KC01", "KC02"}
    assert c["evidence"] == "同一被保险人身故在2家公司理赔，合计20.0万元；疑点：异地身故"
    assert (c["metric1"], c["metric2"]) == (2, 1)


def test_ah_death_no_certificate(fix):
    death = dict(
        loss_type="身故", death_certificate="否", paid_amount=100000.0, claimed_amount=100000.0
    )
    fix.add("ah_claim", claim_no="K1", **death)
    fix.add("ah_claim", claim_no="K2", **dict(death, decision="拒赔", paid_amount=0.0))
    fix.add("ah_claim", claim_no="K3", **dict(death, paid_amount=5000.0))
    c = only(run(fix, "ah_death_no_certificate"))
    assert c["evidence"] == "身故(2019-01-10)无死亡医学证明即赔付100000元，该身故共在1家公司理赔"


def test_ah_death_shared_payee(fix):
    death = dict(loss_type="身故", paid_amount=100000.0, claimed_amount=100000.0)
    fix.add("ah_claim", claim_no="K1", insured_id="p1", payee_account="a1", **death)
    fix.add("ah_claim", claim_no="K2", insured_id="p2", payee_account="a1", **death)
    fix.add(
        "ah_claim", company_code="C01", claim_no="K3", insured_id="p3", payee_account="a2", **death
    )
    fix.add(
        "ah_claim", company_code="C02", claim_no="K4", insured_id="p3", payee_account="a2", **death
    )
    c = only(run(fix, "ah_death_shared_payee"))
    assert {r[2] for r in c["records"]} == {"K1", "K2"}
    assert {("person", "ID_p1"), ("person", "ID_p2"), ("account", "AC_a1")} == c["entities"]
    assert c["evidence"] == "同一领款人领取2名不同被保险人的身故金，合计20.0万元"


def test_ah_death_within_two_years(fix):
    fix.add(
        "ah_claim",
        claim_no="K1",
        loss_type="身故",
        policy_start_date=D("2018-06-01"),
        paid_amount=100000.0,
        claimed_amount=100000.0,
    )
    fix.add(
        "ah_claim",
        claim_no="K2",
        loss_type="身故",
        policy_start_date=D("2016-01-01"),
        paid_amount=100000.0,
        claimed_amount=100000.0,
    )
    fix.add(
        "ah_claim",
        claim_no="K3",
        loss_type="伤残",
        disability_grade="5",
        policy_start_date=D("2018-06-01"),
        paid_amount=100000.0,
        claimed_amount=100000.0,
    )
    c = only(run(fix, "ah_death_within_two_years"))
    assert c["records"] == {("C01", "ah_claim", "K1")}
    assert c["evidence"] == "保单生效后223天身故(起保2018-06-01)，赔付10.0万元"


def test_ah_duplicate_receipt(fix):
    for co in ("C01", "C02"):
        fix.add("ah_claim", company_code=co, claim_no=f"K{co}", insured_id="p1")
        fix.add(
            "medical_receipt",
            company_code=co,
            claim_no=f"K{co}",
            receipt_code="22010119",
            receipt_no="0000000123",
            amount=5000.0,
            claimed_amount=5000.0,
        )
    fix.add(
        "medical_receipt",
        company_code="C01",
        claim_no="KC01",
        receipt_code="22010119",
        receipt_no="0000000124",
    )
    c = only(run(fix, "ah_duplicate_receipt"))
    assert c["records"] == {
        ("C01", "ah_claim", "KC01"),
        ("C02", "ah_claim", "KC02"),
        ("C01", "medical_receipt", "22010119/0000000123"),
        ("C02", "medical_receipt", "22010119/0000000123"),
    }
    assert (
        c["evidence"]
        == "同一医疗票据(代码22010119，号码0000000123，金额5000元)在2家公司2个赔案中使用，累计理赔使用10000元"
    )
    assert (c["metric1"], c["metric2"]) == (2, 2.0)
    assert ("person", "ID_p1") in c["entities"] and c["amount"] == 10000


def test_ah_duplicate_receipt_fallback(fix):
    for co, amount in (("C01", 3000.0), ("C02", 3000.0), ("C03", 3001.0)):
        fix.add(
            "medical_receipt",
            company_code=co,
            claim_no=f"K{co}",
            hospital_code="H1",
            receipt_no="888",
            amount=amount,
            receipt_date=D("2019-01-15"),
        )
    c = only(run(fix, "ah_duplicate_receipt_fallback"))
    assert {r[:2] for r in c["records"]} == {
        ("C01", "ah_claim"),
        ("C02", "ah_claim"),
        ("C01", "medical_receipt"),
        ("C02", "medical_receipt"),
    }
    assert (
        c["evidence"]
        == "同一医院(H1)、同一号码888、同金额3000元、同日期2019-01-15的票据在2家公司2个赔案中使用"
    )


def test_ah_shared_payee_account(fix):
    for i in range(3):
        fix.add(
            "ah_claim",
            claim_no=f"K{i}",
            insured_id=f"p{i}",
            payee_account="a1",
            payee_relation="其他",
        )
    for i in range(3, 6):
        fix.add(
            "ah_claim",
            claim_no=f"K{i}",
            insured_id=f"p{i}",
            payee_account="a2",
            payee_relation="父母",
        )
    c = only(run(fix, "ah_shared_payee_account"))
    assert (
        c["evidence"] == "同一领款账户以非亲属身份领取3名被保险人的赔款，涉及1家公司，合计1.5万元"
    )


def test_life_minor_death_cap(fix):
    fix.add(
        "ah_policy",
        company_code="C01",
        policy_no="Y1",
        insured_id="c1",
        insured_id_birth=D("2012-03-01"),
        line="寿险",
        death_sum_insured=150000.0,
        start_date=D("2018-09-01"),
        end_date=D("2019-08-31"),
    )
    fix.add(
        "ah_policy",
        company_code="C02",
        policy_no="Y2",
        insured_id="c1",
        insured_id_birth=D("2012-03-01"),
        line="意外险",
        sum_insured=100000.0,
        start_date=D("2018-10-01"),
        end_date=D("2019-09-30"),
    )
    for co, si in (("C01", 200000.0), ("C02", 200000.0)):
        fix.add(
            "ah_policy",
            company_code=co,
            policy_no=f"Z{co}",
            insured_id="c2",
            insured_id_birth=D("2006-05-01"),
            line="寿险",
            death_sum_insured=si,
        )
    c = only(run(fix, "life_minor_death_cap"))
    assert c["records"] == {("C01", "ah_policy", "Y1"), ("C02", "ah_policy", "Y2")}
    assert (
        c["evidence"]
        == "未成年被保险人(投保时6岁)在2家公司同时有效的累计身故保额25.0万元，超过20.0万元上限"
    )
    assert (c["metric1"], c["metric2"]) == (250000, 6)


def test_life_income_mismatch(fix):
    adult = dict(insured_id_birth=D("1980-01-01"))
    fix.add(
        "ah_policy",
        company_code="C01",
        policy_no="Y1",
        insured_id="p1",
        line="寿险",
        sum_insured=500000.0,
        annual_income=30000.0,
        insured_occupation="农民",
        **adult,
    )
    fix.add(
        "ah_policy",
        company_code="C02",
        policy_no="Y2",
        insured_id="p1",
        line="意外险",
        sum_insured=300000.0,
        **adult,
    )
    fix.add(
        "ah_policy",
        policy_no="Y3",
        insured_id="p2",
        line="寿险",
        sum_insured=800000.0,
        annual_income=50000.0,
        **adult,
    )
    fix.add(
        "ah_policy", policy_no="Y4", insured_id="p3", line="寿险", sum_insured=5000000.0, **adult
    )
    fix.add(
        "ah_policy",
        policy_no="Y5",
        insured_id="p4",
        line="寿险",
        sum_insured=1000000.0,
        annual_income=0.0,
        **adult,
    )
    c = clues(run(fix, "life_income_mismatch"))
    assert set(c) == {"insured:ID_p1", "insured:ID_p4"}
    assert (
        c["insured:ID_p1"]["evidence"]
        == "在2家公司累计寿险/意外险保额80.0万元，为申报年收入3.0万元的26.7倍(职业：农民)"
    )
    assert c["insured:ID_p4"]["evidence"] == "在1家公司累计寿险/意外险保额100.0万元，申报无收入"


def test_every_rule_has_a_fixture_test():
    from pathlib import Path

    sources = [open(__file__, encoding="utf-8").read(),
               (Path(__file__).parent / "test_campaign_rules.py").read_text(encoding="utf-8")]
    tested = {name for src in sources for name in re.findall(r"def test_([a-z0-9_]+)\(fix\)", src)}
    tested |= {name for src in sources for name in re.findall(r'run\(fix, "([a-z0-9_]+)"', src)}
    missing = sorted(r for r in CATALOGUE if r not in tested)
    assert not missing, f"rules without a fires / does-not-fire test: {missing}"
