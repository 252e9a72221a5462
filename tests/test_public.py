"""Public datasets (公开数据集): the mapping into the contract, both evaluations, the public rules.

The samples under ``tests/data/public/`` are rows copied from the real files (see the SOURCE.txt
there); the expected values below were worked out by hand from those rows.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import secrets
from pathlib import Path

import numpy as np
import pytest
from rulefix import D, Fix, T

from workbench.cli import main
from workbench.config import load_campaign
from workbench.contract import KINDS
from workbench.engine import Engine
from workbench.protect import Tokenizer
from workbench.public import DATASETS, get_dataset
from workbench.public import scorecard as sc
from workbench.public.datasets import ingest_dataset, public_campaign
from workbench.public.evaluate import RULES_PUBLIC_DIR, evaluate_public
from workbench.rules import discover, load_rule, output_columns, portability_problems, step_names
from workbench.warehouse import PROJECT_ROOT, connect

DATA = Path(__file__).parent / "data" / "public"
VEHICLE_CSV = DATA / "vehicle_fraud_oracle" / "fraud_oracle.csv"
MEDICARE = DATA / "medicare_provider_fraud"
PUBLIC_RULES = discover(RULES_PUBLIC_DIR)
RAW_ID = re.compile(r"BENE\d|PHY\d")


def _csv(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def campaign():
    return load_campaign(PROJECT_ROOT / "campaign.toml")


def _load(name: str, tmp_path: Path, campaign):
    ds = get_dataset(name)
    camp = public_campaign(campaign, ds, tmp_path / name)
    con = connect(camp.warehouse)
    summary = ingest_dataset(ds, ds.data_dir(DATA), con, camp, Tokenizer(secrets.token_bytes(32)))
    return con, summary


@pytest.fixture(scope="module")
def vehicle(tmp_path_factory, campaign):
    con, summary = _load("vehicle", tmp_path_factory.mktemp("pub"), campaign)
    yield con, summary
    con.close()


@pytest.fixture(scope="module")
def medicare(tmp_path_factory, campaign):
    con, summary = _load("medicare", tmp_path_factory.mktemp("pub"), campaign)
    yield con, summary
    con.close()


def _varchar_values(con):
    """Every VARCHAR value in every table of the warehouse."""
    cols = con.execute(
        "SELECT table_name, column_name FROM information_schema.columns WHERE data_type = 'VARCHAR' "
        "AND table_schema = 'main'"
    ).fetchall()
    for table, column in cols:
        for (v,) in con.execute(
            f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL'
        ).fetchall():
            yield table, column, v


# --- the vehicle mapping ------------------------------------------------------------------------


def test_vehicle_rows_and_rejects(vehicle):
    con, summary = vehicle
    raw = _csv(VEHICLE_CSV)
    assert len(raw) == 407
    rows = summary.rows.set_index("kind")
    assert rows.loc["auto_policy", "rows_loaded"] == 407
    assert rows.loc["public_auto_claim_extra", "rows_loaded"] == 407
    # PolicyNumber 1517 has MonthClaimed = 0 (a quirk of the original): no claim date, rejected
    assert (
        rows.loc["auto_claim", "rows_loaded"] == 406
        and rows.loc["auto_claim", "rows_rejected"] == 1
    )
    assert con.execute("SELECT count(*) FROM auto_claim WHERE claim_no = '1517'").fetchone()[0] == 0
    assert set(summary.rejects["field"]) == {"report_time", "close_date"}
    assert set(summary.rejects["code"]) == {"missing_required"}


def test_vehicle_sums_and_counts_match_the_raw_file(vehicle):
    con, _ = vehicle
    raw = [r for r in _csv(VEHICLE_CSV) if r["PolicyNumber"] != "1517"]
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM auto_claim WHERE liability = '全责'") == sum(
        r["Fault"] == "Policy Holder" for r in raw
    )
    assert q("SELECT count(*) FROM auto_claim WHERE coverage = '交强险'") == sum(
        r["BasePolicy"] == "Liability" for r in raw
    )
    assert q("SELECT count(*) FROM auto_claim WHERE police_record = '是'") == sum(
        r["PoliceReportFiled"] == "Yes" for r in raw
    )
    everything = _csv(VEHICLE_CSV)
    assert q("SELECT sum(deductible) FROM public_auto_claim_extra") == sum(
        float(r["Deductible"]) for r in everything
    )
    assert q("SELECT count(*) FROM public_auto_claim_extra WHERE address_change_months = 6") == sum(
        r["AddressChange_Claim"] == "under 6 months" for r in everything
    )
    assert q("SELECT count(*) FROM public_auto_claim_extra WHERE channel_type = '内部'") == sum(
        r["AgentType"] == "Internal" for r in everything
    )
    # one surrogate vehicle per policy, the same token on the policy and the claim
    assert q("SELECT count(DISTINCT vin_token) FROM auto_policy") == 407
    assert (
        q(
            "SELECT count(*) FROM auto_claim c JOIN auto_policy p USING (policy_no) WHERE c.vin_token <> p.vin_token"
        )
        == 0
    )


def test_vehicle_known_records(vehicle):
    con, _ = vehicle
    # PolicyNumber 1: Dec, week 5, Wednesday, 1994. Week 5 = Dec 29 (Thu) .. Jan 4; its Wednesday is
    # Jan 4, in the next month, so one week back: 1994-12-28. Claimed Jan, week 1, Tuesday: Jan is
    # before Dec, so 1995; Jan 1 1995 is a Sunday, the Tuesday of days 1-7 is 1995-01-03.
    # Days_Policy_Accident 'more than 30' -> start 183 days before: 1994-06-28; end +364: 1995-06-27.
    # AgeOfVehicle '3 years' -> registration 1096 days before the accident: 1991-12-28.
    c = con.execute(
        "SELECT accident_time, report_time, close_date, coverage, liability, police_record, "
        "accident_place, surveyor, paid_amount FROM auto_claim WHERE claim_no = '1'"
    ).fetchone()
    assert c == (
        dt.datetime(1994, 12, 28),
        dt.datetime(1995, 1, 3),
        dt.date(1995, 1, 3),
        "交强险",
        "全责",
        "否",
        "城区 Urban",
        "12",
        0.0,
    )
    p = con.execute(
        "SELECT start_date, end_date, first_registration_date, new_vehicle_price, vehicle_model, "
        "owner_id_type, premium FROM auto_policy WHERE policy_no = '1'"
    ).fetchone()
    assert p == (
        dt.date(1994, 6, 28),
        dt.date(1995, 6, 27),
        dt.date(1991, 12, 28),
        75000.0,
        "Honda Sport",
        "其他",
        0.0,
    )
    x = con.execute(
        "SELECT base_policy, vehicle_category, deductible, past_claims_min, witness_present, "
        "channel_type, address_change_band, address_change_months FROM public_auto_claim_extra "
        "WHERE claim_no = '1'"
    ).fetchone()
    assert x == ("责任险", "跑车", 300.0, 0, "否", "外部", "1 year", 12)
    # PolicyNumber 2: Jan, week 3 (Jan 15 1994 is a Saturday), Wednesday -> 1994-01-19;
    # claimed Jan, week 4 (Jan 22, Saturday), Monday -> 1994-01-24
    assert con.execute(
        "SELECT accident_time, report_time, coverage FROM auto_claim WHERE claim_no = '2'"
    ).fetchone() == (dt.datetime(1994, 1, 19), dt.datetime(1994, 1, 24), "商业险")


def test_vehicle_labels_are_never_staged(tmp_path):
    ds = get_dataset("vehicle")
    files = ds.stage(ds.data_dir(DATA), tmp_path)
    for path in files.values():
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert "FraudFound" not in header
    labels = ds.labels(ds.data_dir(DATA))
    assert len(labels) == 407 and labels["label"].sum() == 27


# --- the Medicare mapping -----------------------------------------------------------------------


def test_medicare_rows_and_sums(medicare):
    con, summary = medicare
    claims = _csv(MEDICARE / "Train_Inpatientdata-sample.csv")
    benes = {r["BeneID"] for r in claims}
    rows = summary.rows.set_index("kind")
    for kind in ("ah_claim", "medical_receipt", "public_inpatient_extra"):
        assert rows.loc[kind, "rows_loaded"] == len(claims) == 396
    # only the beneficiaries with a claim: the three extra rows of the sample are not loaded
    assert (
        rows.loc["public_beneficiary", "rows_read"]
        == rows.loc["public_beneficiary", "rows_loaded"]
        == len(benes)
    )
    assert len(summary.rejects) == 0
    q = lambda sql: con.execute(sql).fetchone()[0]  # noqa: E731
    paid = sum(float(r["InscClaimAmtReimbursed"]) for r in claims)
    deductible = sum(
        float(r["DeductibleAmtPaid"]) for r in claims if r["DeductibleAmtPaid"] != "NA"
    )
    assert q("SELECT sum(paid_amount) FROM ah_claim") == pytest.approx(paid)
    assert q("SELECT sum(claimed_amount) FROM ah_claim") == pytest.approx(paid + deductible)
    assert q("SELECT sum(amount) FROM medical_receipt") == pytest.approx(paid + deductible)
    assert q("SELECT count(DISTINCT hospital_code) FROM ah_claim") == 30
    assert q("SELECT count(DISTINCT insured_id_token) FROM ah_claim") == len(benes)
    # every insured token is a beneficiary token
    assert (
        q(
            "SELECT count(*) FROM ah_claim c LEFT JOIN public_beneficiary b ON b.bene_id_token = "
            "c.insured_id_token WHERE b.bene_id_token IS NULL"
        )
        == 0
    )


def test_medicare_known_record(medicare):
    con, _ = medicare
    # "BENE11502","CLM39428",2009-02-21,2009-03-06,"PRV51173",29000,"PHY357512","PHY324695",NA,
    # 2009-02-21,"4241",1068,2009-03-06,"303","4241","4233","5185","70709","V4581","4168","78843",
    # "5679","42731",NA,3533,4210,NA,...
    c = con.execute(
        "SELECT line, loss_type, loss_date, admission_date, discharge_date, hospital_code, "
        "diagnosis_code, report_date, close_date, claimed_amount, paid_amount, insured_id_type "
        "FROM ah_claim WHERE claim_no = 'CLM39428'"
    ).fetchone()
    assert c == (
        "医疗险",
        "住院医疗",
        dt.date(2009, 2, 21),
        dt.date(2009, 2, 21),
        dt.date(2009, 3, 6),
        "PRV51173",
        "4241",
        dt.date(2009, 3, 6),
        dt.date(2009, 3, 6),
        30068.0,
        29000.0,
        "其他",
    )
    r = con.execute(
        "SELECT receipt_no, hospital_name, receipt_date, amount, claimed_amount FROM medical_receipt "
        "WHERE claim_no = 'CLM39428'"
    ).fetchone()
    assert r == ("39428", "PRV51173", dt.date(2009, 3, 6), 30068.0, 29000.0)
    x = con.execute(
        "SELECT drg_code, admit_diagnosis_code, diagnosis_codes, procedure_codes, deductible_paid, "
        "attending_physician_id_token IS NOT NULL, operating_physician_id_token IS NOT NULL, "
        "other_physician_id_token IS NULL, attending_physician_id_mask FROM public_inpatient_extra "
        "WHERE claim_no = 'CLM39428'"
    ).fetchone()
    assert x == (
        "303",
        "4241",
        "4241;4233;5185;70709;V4581;4168;78843;5679;42731",
        "3533;4210",
        1068.0,
        True,
        True,
        True,
        "P********",
    )


def test_medicare_no_raw_identifier_and_no_label_in_the_warehouse(medicare):
    con, _ = medicare
    for table, column, value in _varchar_values(con):
        assert not RAW_ID.search(str(value)), f"raw identifier in {table}.{column}"
    names = {
        c for (c,) in con.execute("SELECT column_name FROM information_schema.columns").fetchall()
    }
    assert not [n for n in names if "potentialfraud" in n.lower() or "fraudfound" in n.lower()]


# --- both evaluations run ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["vehicle", "medicare"])
def test_evaluation_runs_on_the_sample(name, tmp_path, campaign):
    result = evaluate_public(get_dataset(name), campaign, data_root=DATA, out_dir=tmp_path)
    c = result.counts
    assert c["labelled"] == (407 if name == "vehicle" else 35)
    assert c["tune"] + c["held_out"] == c["in_data"]
    assert abs(c["tune"] - c["held_out"]) <= 30  # halves of the labelled units
    first = result.summary.iloc[0]
    assert first["score"].startswith("综合评分") and 0.0 <= first["roc_auc"] <= 1.0
    expected_rules = set(DATASETS[name].province_rules) | {
        r.id for r in PUBLIC_RULES.values() if r.line in DATASETS[name].public_lines
    }
    assert expected_rules <= set(result.rules["rule"])
    assert (result.rules["points"] >= 0).all()
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    metrics = json.loads((tmp_path / "metrics.json").read_text(encoding="utf-8"))
    assert metrics["dataset"] == name and metrics["seed"] == 20190701
    for text in (report, json.dumps(metrics)):
        assert not RAW_ID.search(text) and "PRV5" not in text  # aggregates only
    assert (tmp_path / "tuned_params.yaml").exists()
    # the clues are the product's own: screened through workbench.screen with a run record
    con = connect(tmp_path / "warehouse.duckdb", read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM screen_runs WHERE status = 'done'").fetchone()[
            0
        ] == (2 if DATASETS[name].province_rules else 1)
    finally:
        con.close()


def test_cli_evaluate_public(tmp_path, capsys):
    assert main(["evaluate-public", "vehicle", "--data", str(DATA), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "ROC AUC" in out and "综合评分" in out and "report.md" in out


def test_missing_data_folder_is_a_clear_error(tmp_path, capsys):
    assert (
        main(["evaluate-public", "medicare", "--data", str(tmp_path), "--out", str(tmp_path / "o")])
        == 2
    )
    assert "--data" in capsys.readouterr().err


# --- the scorecard ------------------------------------------------------------------------------


def test_roc_auc_and_lift_by_hand():
    y = np.array([0, 0, 1, 1])
    assert sc.roc_auc([0.1, 0.2, 0.3, 0.4], y) == 1.0
    assert sc.roc_auc([0.4, 0.3, 0.2, 0.1], y) == 0.0
    assert sc.roc_auc([1, 1, 1, 1], y) == 0.5
    assert sc.roc_auc([0.1, 0.5, 0.5, 0.9], y) == 0.875  # one tied pair counts half: (3 + 0.5) / 4
    # 10 units, 2 frauds; top 10% = 1 unit, the best-scored one is a fraud: rate 1 / base 0.2 = 5
    s = np.arange(10.0)
    yy = np.array([0] * 8 + [1, 1])
    assert sc.lift_at(s, yy, 0.10) == pytest.approx(5.0)
    # ties at the cut count at their group's fraud rate: all tied -> lift 1
    assert sc.lift_at(np.ones(10), yy, 0.10) == pytest.approx(1.0)


def test_split_is_fixed_and_a_half():
    keys = [f"k{i}" for i in range(101)]
    a = sc.split_half(keys, 7)
    assert a.sum() == 50
    assert (
        sc.split_half(list(reversed(keys)), 7)[::-1] == a
    ).all()  # order of the input does not matter
    assert not (sc.split_half(keys, 8) == a).all()


def test_weights_are_non_negative():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(2000, 3)).astype(float)
    logit = -2 + 1.5 * x[:, 0] - 1.0 * x[:, 1]  # feature 1 is protective, feature 2 is noise
    y = (rng.random(2000) < 1 / (1 + np.exp(-logit))).astype(int)
    _, w = sc.fit_weights(x, y)
    assert w[0] > 1.0 and w[1] == 0.0 and w[2] >= 0.0
    assert sc.points([0.254, 1.0]).tolist() == [2.5, 10.0]


# --- the public rules: every rule, and per rule a case that fires and a look-alike that does not ---


@pytest.fixture
def fix(tmp_path):
    f = Fix(tmp_path)
    yield f
    f.close()


def run(fix, rule_id, **params):
    return Engine(fix.con).fetch(PUBLIC_RULES[rule_id], params)


def claims_of(df) -> set:
    return set(df.loc[df.record_kind.isin(["auto_claim", "ah_claim"]), "record_no"])


@pytest.mark.parametrize("rule_id", sorted(PUBLIC_RULES))
def test_every_public_rule(rule_id, fix):
    rule = load_rule(PUBLIC_RULES[rule_id].path)
    assert rule.id.startswith("pub_") and rule.used_params == set(rule.params)
    read = set(re.findall(r"\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)", rule.sql, re.I)) & set(KINDS)
    assert read == set(rule.tables)
    assert not portability_problems(rule.sql)
    assert step_names(rule.sql)[-1] == "out_rows"
    engine = Engine(fix.con)
    engine.run_rule(rule, rule.bind())
    assert engine.output_shape() == [(c, t) for c, t, _ in output_columns(rule)]


def test_public_rules_do_not_collide_with_the_province_rules():
    assert not set(PUBLIC_RULES) & set(discover())


def test_every_public_rule_and_dataset_is_documented():
    doc = (PROJECT_ROOT / "docs" / "public.md").read_text(encoding="utf-8")
    for rid in PUBLIC_RULES:
        assert f"`{rid}`" in doc, rid
    for name in DATASETS:
        assert f"evaluate-public {name}" in doc


def _auto(fix, no, extra=None, **claim):
    fix.add("auto_claim", claim_no=no, policy_no=no, vin=f"v{no}", **claim)
    fix.add("public_auto_claim_extra", company_code="C01", claim_no=no, **(extra or {}))


def test_pub_auto_at_fault_own_damage(fix):
    _auto(fix, "A", {"base_policy": "全险"}, liability="全责", coverage="商业险")
    _auto(fix, "B", {"base_policy": "责任险"}, liability="全责", coverage="交强险")
    _auto(fix, "C", {"base_policy": "碰撞险"}, liability="无责", coverage="商业险")
    df = run(fix, "pub_auto_at_fault_own_damage")
    assert claims_of(df) == {"A"} and df.metric1.iloc[0] == 2.0
    assert "全险" in df.evidence_zh.iloc[0]


def test_pub_auto_comprehensive_cover(fix):
    _auto(fix, "A", {"base_policy": "全险"})
    _auto(fix, "B", {"base_policy": "碰撞险"})
    assert claims_of(run(fix, "pub_auto_comprehensive_cover")) == {"A"}


def test_pub_auto_recent_address_change(fix):
    _auto(fix, "A", {"address_change_months": 6, "address_change_band": "under 6 months"})
    _auto(fix, "B", {"address_change_months": 12})
    _auto(fix, "C", {})
    assert claims_of(run(fix, "pub_auto_recent_address_change")) == {"A"}
    assert claims_of(run(fix, "pub_auto_recent_address_change", max_months=36)) == {"A", "B"}


def test_pub_auto_context_red_flags(fix):
    _auto(
        fix,
        "A",
        {"witness_present": "否"},
        police_record="否",
        accident_place="乡村 Rural",
        accident_time=T("2019-01-01 00:00"),
        report_time=T("2019-01-10 00:00"),
    )
    _auto(
        fix,
        "B",
        {"witness_present": "否"},
        police_record="否",
        accident_place="城区 Urban",
        accident_time=T("2019-01-01 00:00"),
        report_time=T("2019-01-02 00:00"),
    )
    df = run(fix, "pub_auto_context_red_flags")
    assert claims_of(df) == {"A"} and df.metric1.iloc[0] == 4.0
    assert claims_of(run(fix, "pub_auto_context_red_flags", min_flags=2)) == {"A", "B"}


def test_pub_auto_external_agent(fix):
    _auto(fix, "A", {"channel_type": "外部"})
    _auto(fix, "B", {"channel_type": "内部"})
    assert claims_of(run(fix, "pub_auto_external_agent")) == {"A"}


def test_pub_auto_claims_history_rules(fix):
    _auto(fix, "A", {"past_claims_min": 0})
    _auto(fix, "B", {"past_claims_min": 1})
    _auto(fix, "C", {"past_claims_min": 5})
    assert claims_of(run(fix, "pub_auto_no_claim_history")) == {"A"}
    assert claims_of(run(fix, "pub_auto_repeat_claimant")) == {"C"}
    assert claims_of(run(fix, "pub_auto_repeat_claimant", min_past_claims=1)) == {"B", "C"}


def test_pub_auto_high_value_vehicle(fix):
    for no, price in (("A", 75000.0), ("B", 24500.0)):
        fix.add("auto_policy", policy_no=no, vin=f"v{no}", new_vehicle_price=price)
        fix.add("auto_claim", claim_no=no, policy_no=no, vin=f"v{no}")
    assert claims_of(run(fix, "pub_auto_high_value_vehicle")) == {"A"}


def _stay(fix, no, person, hospital, adm, dis, paid=5000.0, **extra):
    fix.add(
        "ah_claim",
        claim_no=no,
        insured_id=person,
        hospital_code=hospital,
        admission_date=D(adm),
        discharge_date=D(dis),
        loss_date=D(adm),
        report_date=D(dis),
        close_date=D(dis),
        paid_amount=paid,
        claimed_amount=paid,
    )
    fix.add("public_inpatient_extra", company_code="C01", claim_no=no, **extra)


def test_pub_med_overlapping_stays(fix):
    _stay(fix, "A1", "p1", "H1", "2009-03-01", "2009-03-10")
    _stay(fix, "A2", "p1", "H2", "2009-03-07", "2009-03-12")  # 3 nights overlap, other hospital
    _stay(fix, "B1", "p2", "H1", "2009-03-01", "2009-03-05")
    _stay(fix, "B2", "p2", "H2", "2009-03-05", "2009-03-09")  # a transfer on the day: no overlap
    df = run(fix, "pub_med_overlapping_stays")
    assert claims_of(df) == {"A1", "A2"} and df.clue_key.nunique() == 1
    assert (df.metric1.iloc[0], df.metric2.iloc[0]) == (3.0, 1.0)
    assert set(df.loc[df.entity_type == "hospital", "entity_token"]) == {"H1", "H2"}


def test_pub_med_claim_after_death(fix):
    _stay(fix, "A", "p1", "H1", "2009-03-05", "2009-03-08")
    _stay(fix, "B", "p2", "H1", "2009-02-20", "2009-02-25")
    fix.add("public_beneficiary", bene_id="p1", death_date=D("2009-03-01"))
    fix.add("public_beneficiary", bene_id="p2", death_date=D("2009-03-01"))
    df = run(fix, "pub_med_claim_after_death")
    assert claims_of(df) == {"A"} and df.metric1.iloc[0] == 4.0


@pytest.mark.parametrize("rule_id", ["pub_med_los_peer_outlier", "pub_med_amount_peer_outlier"])
def test_pub_med_peer_outliers(rule_id, fix):
    for i in range(20):  # a DRG group of 20 ordinary stays: 5 days, 5,000 (two of 6 days, 6,000)
        day = 6 if i < 2 else 5
        _stay(
            fix,
            f"N{i}",
            f"p{i}",
            "H1",
            "2009-03-01",
            f"2009-03-{1 + day:02d}",
            paid=1000.0 * day,
            drg_code="100",
        )
    _stay(
        fix, "X", "px", "H2", "2009-03-01", "2009-03-31", paid=30000.0, drg_code="100"
    )  # 30 days, 30,000
    _stay(
        fix, "Y", "py", "H2", "2009-03-01", "2009-03-31", paid=30000.0, drg_code="200"
    )  # a group of one
    assert claims_of(run(fix, rule_id)) == {"X"}
    assert claims_of(run(fix, rule_id, min_peer_claims=30)) == set()


def test_pub_med_physician_rules(fix):
    for i, hospital in enumerate(("H1", "H2", "H3")):
        _stay(
            fix, f"D{i}", f"p{i}", hospital, "2009-03-01", "2009-03-05", attending_physician_id="d1"
        )
    for i, hospital in enumerate(("H1", "H2")):
        _stay(
            fix, f"E{i}", f"q{i}", hospital, "2009-03-01", "2009-03-05", attending_physician_id="d2"
        )
    df = run(fix, "pub_med_shared_physician")
    assert claims_of(df) == {"D0", "D1", "D2"} and df.metric1.iloc[0] == 3.0
    assert set(df.loc[df.role == "attending_physician", "entity_type"]) == {"agent"}
    assert claims_of(run(fix, "pub_med_physician_high_volume", min_claims=3)) == {"D0", "D1", "D2"}
    assert claims_of(run(fix, "pub_med_physician_high_volume", min_claims=2)) == {
        "D0",
        "D1",
        "D2",
        "E0",
        "E1",
    }


def test_pub_med_cloned_claims(fix):
    for i in range(3):
        _stay(
            fix,
            f"C{i}",
            f"p{i}",
            "H1",
            "2009-03-01",
            "2009-03-05",
            diagnosis_codes="4019;4280;25000",
            procedure_codes="3893",
        )
    for i in range(2):  # same codes, two persons only
        _stay(
            fix, f"T{i}", f"q{i}", "H1", "2009-03-01", "2009-03-05", diagnosis_codes="486;4019;5990"
        )
    for i in range(3):  # three persons, but only two codes: coincidence
        _stay(fix, f"S{i}", f"r{i}", "H1", "2009-03-01", "2009-03-05", diagnosis_codes="486;4019")
    df = run(fix, "pub_med_cloned_claims")
    assert claims_of(df) == {"C0", "C1", "C2"} and df.metric1.iloc[0] == 3.0


def test_pub_med_many_hospitals(fix):
    for i, (hospital, day) in enumerate(
        (("H1", "2009-01-05"), ("H2", "2009-05-05"), ("H3", "2009-11-05"))
    ):
        _stay(fix, f"A{i}", "p1", hospital, day, day)
    for i, (hospital, day) in enumerate(
        (("H1", "2008-01-05"), ("H2", "2008-12-05"), ("H3", "2009-12-30"))
    ):
        _stay(fix, f"B{i}", "p2", hospital, day, day)  # three hospitals, but over two years
    df = run(fix, "pub_med_many_hospitals")
    assert claims_of(df) == {"A0", "A1", "A2"} and df.metric1.iloc[0] == 3.0


# --- the ID test vectors ------------------------------------------------------------------------


def test_id_vectors_copy_matches_the_shared_dataset():
    """tests/test_identifiers.py checks workbench/identifiers.py against these vectors; the copy in
    tests/data must be the published file (when the shared data is present)."""
    shared = (
        PROJECT_ROOT.parent
        / "shared"
        / "data"
        / "public"
        / "cn_resident_id_test_vectors"
        / ("cn_resident_id_test_vectors.csv")
    )
    copy = Path(__file__).parent / "data" / "cn_resident_id_test_vectors.csv"
    expected = "28597edac791b4a8da07d6a38bf4625a8fab9472d21bbb634bc6f4c5ad218ee3"
    assert hashlib.sha256(copy.read_bytes()).hexdigest() == expected
    if shared.exists():
        assert shared.read_bytes() == copy.read_bytes()
