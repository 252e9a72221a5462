"""Rings (团伙) on a small hand-made graph: a chain of flagged claims linked by a shared account, a
shared phone and a shared injured person is found as one ring, with an unflagged claim on its edge
but not the claims beyond it; a hub entity above ``max_degree`` and a
whitelisted entity link nothing (nor do repair shops, hospitals, agents and vehicles); small or single-insurer groups are not rings."""

from __future__ import annotations

import pytest
from rulefix import Fix, T

from workbench.errors import RuleError
from workbench.rings import bind_ring_params
from workbench.screen import screen

FLAGGED = dict(
    accident_type="单方事故", police_record="否"
)  # with a night accident: three red flags (A14)


@pytest.fixture
def fix(tmp_path):
    f = Fix(tmp_path)
    night = T("2019-01-10 23:30")
    # the ring's core, all flagged: K1 -acc1- K2 -t2- K3 -p4- K4 across two insurers
    f.add(
        "auto_claim",
        company_code="C01",
        claim_no="K1",
        driver_id="p1",
        payee_account="acc1",
        reporter_phone="t1",
        driver_phone="tHUB",
        accident_time=night,
        **FLAGGED,
    )
    f.add(
        "auto_claim",
        company_code="C02",
        claim_no="K2",
        driver_id="p2",
        payee_account="acc1",
        reporter_phone="t2",
        accident_time=night,
        **FLAGGED,
    )
    f.add(
        "auto_claim",
        company_code="C01",
        claim_no="K3",
        driver_id="p3",
        reporter_phone="t2",
        injured_id="p4",
        accident_time=night,
        **FLAGGED,
    )
    f.add(
        "auto_claim",
        company_code="C02",
        claim_no="K4",
        driver_id="p5",
        injured_id="p4",
        accident_time=night,
        **FLAGGED,
    )
    # periphery: U1 (unflagged) shares t1 with K1 and joins; U2 shares only U1's phone and must not
    f.add("auto_claim", company_code="C01", claim_no="U1", reporter_phone="t1", driver_phone="tU")
    f.add("auto_claim", company_code="C01", claim_no="U2", driver_phone="tU")
    # a separate flagged pair sharing a phone at one insurer, also on the hub phone
    f.add(
        "auto_claim",
        company_code="C01",
        claim_no="B1",
        driver_id="q1",
        reporter_phone="t9",
        driver_phone="tHUB",
        accident_time=night,
        **FLAGGED,
    )
    f.add(
        "auto_claim",
        company_code="C01",
        claim_no="B2",
        driver_id="q2",
        reporter_phone="t9",
        driver_phone="tHUB",
        accident_time=night,
        **FLAGGED,
    )
    for i in range(4):  # the hub phone's other claims (a fleet dispatcher, say)
        f.add("auto_claim", company_code="C03", claim_no=f"H{i}", driver_phone="tHUB")
    yield f
    f.close()


def run(fix, **ring):
    """Screen with the rules that flag the hand graph: A14 (severity 2) on every K and B claim and
    A7 (severity 4) on p4 — 4 points of evidence (weak flags add none), so the weight threshold
    is lowered to 4."""
    ring = {"min_weight": 4, **ring}
    return screen(
        fix.con, rules=["auto_injured_repeat", "auto_context_flags"], params={"ring": ring}
    )


def rings(fix):
    return fix.con.execute("SELECT * FROM clues WHERE rule_id = 'ring' AND current").df()


def ring_claims(fix, clue_id):
    return {
        r[0]
        for r in fix.con.execute(
            "SELECT record_no FROM clue_records WHERE clue_id = ?", [clue_id]
        ).fetchall()
    }


def test_ring_found_with_members_links_and_evidence(fix):
    run(fix, max_degree=5)
    r = rings(fix)
    assert len(r) == 1
    ring = r.iloc[0]
    assert ring_claims(fix, ring.clue_id) == {"K1", "K2", "K3", "K4", "U1"}  # U2 is not bridged in
    assert ring.fraud_kind == "auto_staged" and ring.line == "auto"  # the member clues' kind
    assert ring.companies == "C01;C02" and ring.metric1 == 5 and ring.metric2 == 5
    assert ring.evidence_zh == (
        "团伙：5人、5个赔案、2家公司，由共同的人员1个、电话2个、账户1个关联，"
        "合计赔付1.5万元；其他规则线索5条"
    )
    links = fix.con.execute(
        "SELECT entity_type, token, claim_count, company_count FROM ring_links "
        "WHERE clue_id = ? ORDER BY entity_type, token",
        [ring.clue_id],
    ).fetchall()
    assert links == [
        ("account", "AC_acc1", 2, 2),
        ("person", "ID_p4", 2, 2),
        ("phone", "PH_t1", 2, 1),
        ("phone", "PH_t2", 2, 2),
    ]
    members = {
        t
        for (t,) in fix.con.execute(
            "SELECT token FROM clue_entities WHERE clue_id = ? AND entity_type = 'person'",
            [ring.clue_id],
        ).fetchall()
    }
    assert members == {"ID_p1", "ID_p2", "ID_p3", "ID_p4", "ID_p5"}
    assert ring.signals == 3  # the ring (H9), the red flags (A14) and the injured person (A7)
    # the search's work tables (millions of rows at province scale) are not left on the connection
    assert fix.con.execute(
        "SELECT count(*) FROM duckdb_tables() WHERE temporary AND starts_with(table_name, '_ring_')"
    ).fetchone()[0] == 0


def test_ring_id_stable_across_runs(fix):
    run(fix, max_degree=5)
    first = rings(fix).iloc[0]
    run(fix, max_degree=5)
    again = rings(fix).iloc[0]
    assert again.clue_id == first.clue_id and again.first_seen_run == first.first_seen_run
    assert again.last_seen_run != first.last_seen_run


def test_hub_entity_links_nothing(fix):
    run(fix, max_degree=10)  # the hub phone (7 claims) now counts as a link
    r = rings(fix)
    assert len(r) == 1
    assert ring_claims(fix, r.iloc[0].clue_id) == {
        "K1",
        "K2",
        "K3",
        "K4",
        "U1",
        "B1",
        "B2",
        "H0",
        "H1",
        "H2",
        "H3",
    }
    run(fix, max_degree=5)
    assert ring_claims(fix, rings(fix).iloc[0].clue_id) == {"K1", "K2", "K3", "K4", "U1"}


def test_entity_shared_by_periphery_claims(fix):
    """An entity on no flagged claim that two periphery claims of a ring share is one of its links,
    its degree counted over the whole graph like any other: a hub there links nothing."""
    # U3 joins the ring through t2 and shares tU with U1 (tU is also on U2, outside the ring)
    fix.add("auto_claim", company_code="C02", claim_no="U3", reporter_phone="t2", driver_phone="tU")
    run(fix, max_degree=5)
    ring = rings(fix).iloc[0]
    assert ring_claims(fix, ring.clue_id) == {"K1", "K2", "K3", "K4", "U1", "U3"}
    links = fix.con.execute(
        "SELECT entity_type, token, claim_count, company_count FROM ring_links "
        "WHERE clue_id = ? ORDER BY entity_type, token",
        [ring.clue_id],
    ).fetchall()
    assert ("phone", "PH_tU", 2, 2) in links and ("phone", "PH_t2", 3, 2) in links
    for i in range(3):  # tU on three more claims elsewhere: on six in all, a hub above max_degree
        fix.add("auto_claim", company_code="C03", claim_no=f"T{i}", driver_phone="tU")
    run(fix, max_degree=5)
    ring = rings(fix).iloc[0]
    assert ring_claims(fix, ring.clue_id) == {"K1", "K2", "K3", "K4", "U1", "U3"}
    tokens = {t for (t,) in fix.con.execute(
        "SELECT token FROM ring_links WHERE clue_id = ?", [ring.clue_id]).fetchall()}
    assert "PH_tU" not in tokens and "PH_t2" in tokens


def test_organisations_and_vehicles_link_nothing(fix):
    for no in ("K1", "B1"):
        fix.con.execute(
            "UPDATE auto_claim SET repair_shop_code = 'SHOP', vin_token = 'VN_same' "
            "WHERE claim_no = ?",
            [no],
        )
    run(fix, max_degree=5)
    assert ring_claims(fix, rings(fix).iloc[0].clue_id) == {"K1", "K2", "K3", "K4", "U1"}


def test_whitelisted_entity_links_nothing(fix):
    fix.add(
        "whitelist", entity_type="电话", phone="t2", reason="车队调度电话", verified_by="市协会"
    )
    run(fix, max_degree=5)
    assert rings(fix).empty  # without t2 the chain falls into two pairs


def test_structure_thresholds(fix):
    screen(
        fix.con,
        rules=["auto_loss_near_end"],
        params={"ring": {"max_degree": 5, "min_rules": 0, "min_weight": 0}},
    )
    assert rings(fix).empty  # nothing flagged: no core
    run(fix, max_degree=5, min_rules=3)
    assert rings(fix).empty  # two rules flag its members (A14, A7)
    run(fix, max_degree=5, min_weight=5)
    assert rings(fix).empty  # A7 gives 4 points, the weak A14 none
    run(fix, max_degree=5, min_companies=3)
    assert rings(fix).empty
    run(fix, max_degree=5, min_claims=6)
    assert rings(fix).empty


def test_ring_params_checked():
    with pytest.raises(RuleError):
        bind_ring_params({"max_degre": 3})
    with pytest.raises(RuleError):
        bind_ring_params({"max_degree": "3"})
    assert bind_ring_params({"max_degree": 3})["max_degree"] == 3
