"""Screening end to end on hand-made fixtures: stable clue ids across runs, first/last seen,
run records, parameter overrides, periods, scoring and the whitelist, high-risk persons,
failures named, the CLI and the evaluation."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from rulefix import D, Fix, T

from workbench.cli import main
from workbench.engine import Engine
from workbench.errors import RuleError
from workbench.evaluate import evaluate
from workbench.rules import discover
from workbench.scoring import high_risk_persons, tier_of
from workbench.screen import clue_id, current_clues, latest_run, screen


@pytest.fixture
def fix(tmp_path):
    f = Fix(tmp_path)
    yield f
    f.close()


def staged_vehicle(fix, vin="v1", paid=20000.0):
    """A vehicle with a loss before its policy started (A4, severity 5)."""
    fix.add("auto_policy", policy_no=f"P-{vin}", vin=vin, start_date=D("2019-01-10"))
    fix.add(
        "auto_claim",
        policy_no=f"P-{vin}",
        claim_no=f"K-{vin}",
        vin=vin,
        accident_time=T("2019-01-08 10:00"),
        paid_amount=paid,
    )


def clue_rows(fix, **where):
    sql = "SELECT * FROM clues" + (
        " WHERE " + " AND ".join(f"{k} = ?" for k in where) if where else ""
    )
    return fix.con.execute(sql, list(where.values())).df()


def test_clue_ids_stable_first_seen_kept_last_seen_moves(fix):
    staged_vehicle(fix)
    r1 = screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    first = clue_rows(fix)
    assert len(first) == 1 and r1.new_clue_count == 1
    row = first.iloc[0]
    assert row.clue_id == clue_id("auto_loss_before_start", "campaign", "C01/K-v1")
    assert row.first_seen_run == row.last_seen_run == r1.run_id
    r2 = screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    second = clue_rows(fix)
    assert list(second.clue_id) == list(first.clue_id)
    assert second.iloc[0].first_seen_run == r1.run_id and second.iloc[0].last_seen_run == r2.run_id
    assert r2.new_clue_count == 0 and bool(second.iloc[0].current)
    assert latest_run(fix.con) == r2.run_id
    # records and entities are replaced, not duplicated
    assert fix.con.execute("SELECT count(*) FROM clue_records").fetchone()[0] == 2
    assert fix.con.execute("SELECT count(*) FROM clue_entities").fetchone()[0] == 1


def test_clue_not_found_again_is_kept_but_not_current(fix):
    staged_vehicle(fix)
    screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    fix.con.execute("UPDATE auto_policy SET start_date = DATE '2019-01-01'")
    screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    row = clue_rows(fix).iloc[0]
    assert not row.current and row.last_seen_run != latest_run(fix.con)
    assert current_clues(fix.con).empty


def test_run_record(fix):
    staged_vehicle(fix)
    r = screen(
        fix.con,
        rules=["auto_loss_before_start", "auto_loss_near_end"],
        params={"auto_loss_near_end": {"max_days": 20}},
    )
    run = fix.con.execute("SELECT * FROM screen_runs WHERE run_id = ?", [r.run_id]).df().iloc[0]
    assert run.status == "done" and run.clue_count == 1
    rules = json.loads(run.rules)
    assert {x["id"] for x in rules} == {"auto_loss_before_start", "auto_loss_near_end"}
    catalogue = discover()
    assert all(x["version"] == catalogue[x["id"]].version and len(x["sha256"]) == 64 for x in rules)
    assert json.loads(run.params)["auto_loss_near_end"] == {"max_days": 20}
    assert "ring" in json.loads(run.params)
    per_rule = fix.con.execute(
        "SELECT rule_id, rows_returned, clues FROM screen_rule_runs WHERE run_id = ? "
        "ORDER BY rule_id",
        [r.run_id],
    ).fetchall()
    assert per_rule == [
        ("auto_loss_before_start", 2, 1),
        ("auto_loss_near_end", 0, 0),
        ("ring", 0, 0),
    ]
    fp1 = run.data_fingerprint
    r2 = screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    staged_vehicle(fix, "v2")
    r3 = screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    fps = dict(fix.con.execute("SELECT run_id, data_fingerprint FROM screen_runs").fetchall())
    assert fps[r2.run_id] == fp1 and fps[r3.run_id] != fp1


def test_params_file_and_dict(fix, tmp_path):
    fix.add("auto_policy", policy_no="P1", end_date=D("2019-08-31"))
    fix.add(
        "auto_claim", policy_no="P1", claim_no="K1", accident_time=T("2019-08-11 10:00")
    )  # 20 days left
    params = tmp_path / "params.yaml"
    params.write_text("auto_loss_near_end:\n  max_days: 25\n", encoding="utf-8")
    assert screen(fix.con, rules=["auto_loss_near_end"], rings=False).clue_count == 0
    assert (
        screen(fix.con, rules=["auto_loss_near_end"], params_file=params, rings=False).clue_count
        == 1
    )
    r = screen(
        fix.con,
        rules=["auto_loss_near_end"],
        params_file=params,
        rings=False,
        params={"auto_loss_near_end": {"max_days": 10}},
    )  # the dict wins over the file
    assert r.clue_count == 0
    with pytest.raises(RuleError, match="unknown or unselected"):
        screen(fix.con, rules=["auto_loss_near_end"], params={"no_such_rule": {"x": 1}})
    with pytest.raises(RuleError, match="no parameter"):
        screen(
            fix.con, rules=["auto_loss_near_end"], params={"auto_loss_near_end": {"max_dayz": 1}}
        )


def test_failing_rule_names_rule_file_sql_and_params(fix, tmp_path):
    src = discover()["auto_loss_near_end"].path.read_text(encoding="utf-8")
    broken = src.replace("auto_loss_near_end", "broken_rule").replace(
        "FROM auto_claim AS c", "FROM no_table AS c"
    )
    folder = tmp_path / "rules" / "auto"
    folder.mkdir(parents=True)
    (folder / "broken_rule.sql").write_text(broken, encoding="utf-8")
    with pytest.raises(RuleError) as err:
        screen(fix.con, rules_dir=tmp_path / "rules", rings=False)
    msg = str(err.value)
    assert (
        "broken_rule" in msg
        and "broken_rule.sql" in msg
        and "no_table" in msg
        and "max_days" in msg
    )
    status = fix.con.execute("SELECT status FROM screen_runs").fetchone()[0]
    assert status == "failed" and clue_rows(fix).empty


def test_engine_steps_for_debugging(fix):
    staged_vehicle(fix)
    steps = Engine(fix.con).steps(discover()["auto_loss_before_start"])
    assert list(steps) == ["source", "flagged", "evidence", "out_rows"]
    assert len(steps["flagged"]) == 1 and len(steps["out_rows"]) == 2


def test_pre2017_period_reads_the_hist_tables(fix):
    for co in ("C01", "C02"):
        fix.add(
            "ah_claim_hist",
            company_code=co,
            claim_no=f"H{co}",
            insured_id="p1",
            close_date=D("2016-05-01"),
        )
        fix.add(
            "medical_receipt_hist",
            company_code=co,
            claim_no=f"H{co}",
            receipt_code="22010116",
            receipt_no="0000000777",
            amount=4000.0,
        )
    staged_vehicle(fix)  # a campaign-period clue the pre-2017 run must not touch
    assert (
        screen(fix.con, period="campaign", rules=["ah_duplicate_receipt"], rings=False).clue_count
        == 0
    )
    r = screen(fix.con, period="pre2017", rings=False)
    assert r.clue_count >= 1
    c = clue_rows(fix, rule_id="ah_duplicate_receipt").iloc[0]
    assert c.period == "pre2017" and c.clue_id == clue_id(
        "ah_duplicate_receipt", "pre2017", "receipt:22010116/0000000777"
    )
    kinds = set(fix.con.execute("SELECT record_kind FROM clue_records").df().record_kind)
    assert kinds == {"ah_claim_hist", "medical_receipt_hist"}  # the records' own tables
    ran = {t.rule_id for t in r.timings}
    assert "ah_duplicate_receipt" in ran and "auto_loss_before_start" not in ran
    # the views are gone afterwards: ah_claim is the campaign table again
    assert fix.con.execute("SELECT count(*) FROM ah_claim").fetchone()[0] == 0


def test_scoring_signals_and_tiers(fix):
    # v1: loss before start (A4, severity 5) and three accidents in 90 days (A5): two indicators
    staged_vehicle(fix, "v1", paid=100000.0)
    for n, day in ((2, "2019-02-01"), (3, "2019-02-20")):
        fix.add("auto_claim", claim_no=f"K{n}", vin="v1", accident_time=T(f"{day} 08:00"))
    # v9: near the end only (A2, severity 2)
    fix.add("auto_policy", policy_no="P9", vin="v9", end_date=D("2019-08-31"))
    fix.add(
        "auto_claim", policy_no="P9", claim_no="K9", vin="v9", accident_time=T("2019-08-25 10:00")
    )
    screen(
        fix.con,
        rules=["auto_loss_before_start", "auto_vehicle_repeat", "auto_loss_near_end"],
        rings=False,
    )
    c = clue_rows(fix).set_index("rule_id")
    a4, a5, a2 = (
        c.loc["auto_loss_before_start"],
        c.loc["auto_vehicle_repeat"],
        c.loc["auto_loss_near_end"],
    )
    assert a4.signals == 2 and a5.signals == 2 and a2.signals == 1
    assert a4.signal_rules == "auto_loss_before_start;auto_vehicle_repeat"
    # 12 × 5 + 10 × 1 + 5 × log10(100000 / 10000) = 75
    assert a4.score == 75 and a4.tier == "A"
    # 12 × 3 + 10 × 1 + round(5 × log10(106000 / 10000)) = 36 + 10 + 5 = 51
    assert a5.score == 51 and a5.tier == "B"
    assert a2.score == 24 and a2.tier == "C"
    assert tier_of(60) == "A" and tier_of(59.9) == "B" and tier_of(80, whitelisted=True) == "C"


def test_whitelist_demotes_and_says_why(fix):
    staged_vehicle(fix, "v1")
    staged_vehicle(fix, "v2")
    fix.add(
        "whitelist",
        entity_type="车辆",
        vin="v1",
        reason="出租车公司营运车辆",
        verified_by="市交通运输局",
    )
    screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    c = clue_rows(fix).set_index("clue_key")
    assert bool(c.loc["C01/K-v1"].whitelisted) and c.loc["C01/K-v1"].tier == "C"
    assert "出租车公司营运车辆" in c.loc["C01/K-v1"].whitelist_reason
    assert not c.loc["C01/K-v2"].whitelisted and c.loc["C01/K-v2"].tier == "A"
    hits = fix.con.execute("SELECT entity_type, token, reason FROM clue_whitelist_hits").fetchall()
    assert hits == [("vehicle", "VN_v1", "出租车公司营运车辆")]


def test_high_risk_persons(fix):
    for co in ("C01", "C02"):
        fix.add("ah_claim", company_code=co, claim_no=f"K{co}", insured_id="p1")
        fix.add(
            "medical_receipt", company_code=co, claim_no=f"K{co}", receipt_code="1", receipt_no="2"
        )
    fix.add(
        "ah_claim",
        claim_no="KR",
        insured_id="p2",
        decision="拒赔",
        refusal_reason="伪造病历，涉嫌欺诈",
        claimed_amount=30000.0,
        paid_amount=0.0,
    )
    fix.add(
        "ah_claim", claim_no="KS", insured_id="p3", decision="拒赔", refusal_reason="等待期内出险"
    )
    screen(fix.con, lines=["accident_health"], rings=False)
    hr = high_risk_persons(fix.con)
    got = set(zip(hr.category, hr.person_token, strict=True))
    assert got == {("duplicate_receipts", "ID_p1"), ("deliberate_fraud", "ID_p2")}
    row = hr[hr.category == "deliberate_fraud"].iloc[0]
    assert row.category_zh == "蓄意骗保" and row.evidence_zh == "因欺诈被拒赔1次，索赔合计30000元"


def test_cli_screen_rules_rings_evaluate(fix, tmp_path, capsys):
    staged_vehicle(fix)
    fix.close()
    wh = str(fix.path)
    assert (
        main(
            [
                "screen",
                "--warehouse",
                wh,
                "--rules",
                "auto_loss_before_start",
                "--set",
                "ring.min_claims=2",
                "--set",
                "auto_loss_before_start.nothing=1",
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "screen",
                "--warehouse",
                wh,
                "--rules",
                "auto_loss_before_start",
                "--set",
                "ring.min_claims=2",
            ]
        )
        == 0
    )
    assert "auto_loss_before_start" in capsys.readouterr().out
    assert main(["rules", "--line", "agri"]) == 0
    out = capsys.readouterr().out
    assert "agri_shared_payee_account" in out and "auto_vehicle_repeat" not in out
    assert main(["rings", "--warehouse", wh]) == 0
    truth = tmp_path / "truth"
    truth.mkdir()
    pd.DataFrame(
        [
            dict(
                scenario_id="S1",
                fraud_kind="auto_staged",
                line="auto",
                period="campaign",
                ring_id="",
                companies="C01",
                description_zh="先出险后投保",
                signature="A4",
            )
        ]
    ).to_csv(truth / "scenarios.csv", index=False)
    pd.DataFrame(
        [
            dict(
                scenario_id="S1",
                company_code="C01",
                kind="auto_claim",
                record_no="K-v1",
                role="claim",
            )
        ]
    ).to_csv(truth / "records.csv", index=False)
    pd.DataFrame(
        [
            dict(
                negative_id="N1",
                imitates="auto_staged",
                description_zh="正常",
                company_code="C01",
                kind="auto_claim",
                record_no="OTHER",
            )
        ]
    ).to_csv(truth / "negatives.csv", index=False)
    out_dir = tmp_path / "eval"
    assert (
        main(
            [
                "evaluate",
                "--warehouse",
                wh,
                "--truth",
                str(truth),
                "--out",
                str(out_dir),
                "--strict",
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "召回率 recall" in printed and "达标" in printed
    summary = json.loads((out_dir / "evaluation.json").read_text(encoding="utf-8"))
    assert summary["passed"] and summary["kinds"][0]["recall"] == 1.0


def test_evaluate_counts_recall_precision_and_negatives(fix, tmp_path):
    staged_vehicle(fix, "v1")  # planted, found with the right kind
    staged_vehicle(fix, "v2")  # a hard negative that lands in tier A
    fix.add("auto_claim", claim_no="MISS", vin="v3")  # planted, not found
    screen(fix.con, rules=["auto_loss_before_start"], rings=False)
    truth = tmp_path / "truth"
    truth.mkdir()
    pd.DataFrame(
        [
            dict(
                scenario_id=s,
                fraud_kind="auto_staged",
                line="auto",
                period="campaign",
                ring_id="",
                companies="C01",
                description_zh="",
                signature="",
            )
            for s in ("S1", "S2")
        ]
    ).to_csv(truth / "scenarios.csv", index=False)
    pd.DataFrame(
        [
            dict(
                scenario_id="S1", company_code="C01", kind="auto_claim", record_no="K-v1", role=""
            ),
            dict(
                scenario_id="S2", company_code="C01", kind="auto_claim", record_no="MISS", role=""
            ),
        ]
    ).to_csv(truth / "records.csv", index=False)
    pd.DataFrame(
        [
            dict(
                negative_id="N1",
                imitates="auto_staged",
                description_zh="",
                company_code="C01",
                kind="auto_claim",
                record_no="K-v2",
            )
        ]
    ).to_csv(truth / "negatives.csv", index=False)
    ev = evaluate(fix.con, truth)
    k = ev.kinds.set_index("fraud_kind").loc["auto_staged"]
    assert (k.planted, k.found, k.recall) == (2, 1, 0.5)
    assert (k.top_clues, k.top_true, k.top_precision) == (2, 1, 0.5)
    r = ev.rules.set_index("rule_id").loc["auto_loss_before_start"]
    assert (r.clues, r.true_clues, r.precision) == (2, 1, 0.5)
    assert ev.negatives.iloc[0].in_top_tier and not ev.passed
    assert list(ev.missed.scenario_id) == ["S2"]


def test_both_periods_see_a_receipt_claimed_across_them(fix):
    fix.add("ah_claim_hist", claim_no="H1", insured_id="p1", close_date=D("2016-05-01"))
    fix.add("medical_receipt_hist", claim_no="H1", receipt_code="9", receipt_no="1", amount=4000.0)
    fix.add("ah_claim", company_code="C02", claim_no="K1", insured_id="p1")
    fix.add("medical_receipt", company_code="C02", claim_no="K1", receipt_code="9", receipt_no="1")
    for period in ("campaign", "pre2017"):
        assert (
            screen(fix.con, period=period, rules=["ah_duplicate_receipt"], rings=False).clue_count
            == 0
        )
    r = screen(fix.con, period="both", rules=["ah_duplicate_receipt"], rings=False)
    assert r.clue_count == 1
    assert set(clue_rows(fix).period) == {"both"}
    kinds = fix.con.execute("SELECT record_kind, record_no FROM clue_records ORDER BY 1").fetchall()
    assert kinds == [
        ("ah_claim", "K1"),
        ("ah_claim_hist", "H1"),
        ("medical_receipt", "9/1"),
        ("medical_receipt_hist", "9/1"),
    ]
