"""DuckDB and Spark give the same clues (Spark 引擎一致性): every discovered rule, one fixture.

The fixture is the small synthetic province (every fraud kind planted) plus the rows below, which
put the cases where engines differ in front of every rule: leap days and month ends (29 February
births, policies starting on 31 January or 28 February), NULLs (missing payee relations, masks,
incomes, amounts), ties (identical payouts, two shops with the same figures) and sums of amounts
that are not exact in binary (0.1 + 0.2). The warehouse is screened twice — once on DuckDB, once
with ``engine="spark"`` on a ``local[2]`` session (one session for the module) — and then

* each rule's rows (the staging table every rule lands in) are compared exactly, rule by rule;
* the clues, their records and entities, scores, tiers, rings and high-risk persons are compared
  exactly, so the workbooks, dashboards and evaluation downstream cannot tell the runs apart.

Without PySpark or Java the Spark tests skip, saying why — except under ``CI=true``, where they
fail: CI installs both (``make test`` installs the ``spark`` extra, ``.ci/run`` the JRE).
A rule marked ``portable: false`` runs on DuckDB on both sides; the test names each such rule.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import warnings

import duckdb
import pytest
from needs import unavailable
from rulefix import D, Fix, T

from workbench.config import load_campaign
from workbench.fixture import ensure_fixture
from workbench.portable import SQLGLOT_VERSION
from workbench.rules import discover
from workbench.screen import screen
from workbench.warehouse import PROJECT_ROOT

pytestmark = pytest.mark.spark

CATALOGUE = discover()
MASTER = "local[2]"

#: What "the same result" means downstream: every column a workbook, dashboard or evaluation reads.
COMPARED = {
    "clues": "clue_id, rule_id, rule_version, period, line, fraud_kind, severity, clue_key, companies, "
    "company_count, record_count, entity_count, amount, metric1, metric2, evidence_zh, signals, "
    "signal_rules, score, tier, whitelisted, whitelist_reason, current",
    "clue_records": "*",
    "clue_entities": "*",
    "ring_links": "*",
    "clue_whitelist_hits": "*",
    "high_risk_persons": "period, category, category_zh, person_token, person_mask, rule_ids, "
    "clue_ids, companies, claim_count, amount, evidence_zh",
}


def _unavailable(reason: str, env=os.environ):
    unavailable("Spark parity", reason, env)


def test_missing_spark_fails_under_ci_and_skips_elsewhere():
    with pytest.raises(pytest.fail.Exception, match="CI=true: the Spark parity tests must run"):
        _unavailable("no Java", env={"CI": "true"})
    with pytest.raises(pytest.skip.Exception, match="Spark parity tests skipped: no Java"):
        _unavailable("no Java", env={})


# --- the fixture -------------------------------------------------------------------------------


def add_edge_cases(fix: Fix) -> None:
    """Rows that make every rule the synthetic province leaves silent fire, on the edge cases."""
    a = fix.add
    # auto: month ends and the year end around start, issue, end and endorsement dates
    a("auto_policy", policy_no="EP1", start_date=D("2019-03-01"))
    a("auto_claim", policy_no="EP1", claim_no="EK1", accident_time=T("2019-02-28 23:30"),
      paid_amount=20000.1)
    a("auto_policy", policy_no="EP2", start_date=D("2019-01-01"), end_date=D("2019-12-31"))
    a("auto_claim", policy_no="EP2", claim_no="EK2", accident_time=T("2018-12-31 10:00"))
    a("auto_policy", policy_no="EP3", start_date=D("2019-02-28"), issue_time=T("2019-02-28 15:00"))
    a("auto_claim", policy_no="EP3", claim_no="EK3", accident_time=T("2019-02-28 09:05"))
    a("auto_policy", policy_no="EP4", vin="ev4", start_date=D("2019-01-31"))
    a("auto_claim", policy_no="EP4", claim_no="EK4", vin="ev4", accident_time=T("2019-02-03 10:00"))
    a("auto_policy", policy_no="EP5", start_date=D("2018-03-01"), end_date=D("2019-02-28"))
    a("auto_claim", policy_no="EP5", claim_no="EK5", accident_time=T("2019-02-17 10:00"))
    a("auto_policy", policy_no="EP6", endorsement_date=D("2019-01-31"))
    a("auto_claim", policy_no="EP6", claim_no="EK6", accident_time=T("2019-02-09 10:00"))
    # one account paid for three owners: amounts whose sum is not exact in binary; a NULL mask
    for n, (owner, paid) in enumerate((("eo1", 3000.1), ("eo2", 3000.2), ("eo3", 3000.3))):
        a("auto_policy", policy_no=f"EPA{n}", owner_id=owner)
        a("auto_claim", policy_no=f"EPA{n}", claim_no=f"EKA{n}", payee_account="ea1",
          payee_relation="其他", paid_amount=paid)
    fix.con.execute("UPDATE auto_claim SET payee_account_mask = NULL WHERE claim_no = 'EKA1'")
    # repair shops: two outliers tied on every figure, the peers tied in pairs
    for shop, bill in (("ES1", 2900), ("ES2", 3000), ("ES3", 3100), ("ES4", 3000), ("ES5", 2900),
                       ("ES6", 3100), ("EBAD1", 9000.3), ("EBAD2", 9000.3)):
        for i in range(2):
            a("auto_claim", claim_no=f"E{shop}-{i}", repair_shop_code=shop,
              repair_shop_name=f"{shop}修理厂", accident_region_code="229902",
              paid_amount=bill + 0.1, parts_amount=bill / 3, labor_amount=bill * 2 / 3)
    # agri: a ghost farmer in a roster village; losses of 6.1 + 6.2 mu against 12.3 insured
    # (binary sum 12.299999999999999: not over) and 6 + 6 against 10 (over)
    for farmer in ("er1", "er2"):
        a("land_roster", farmer_id=farmer, village_code="229901001001", registered_area=10.0)
    a("agri_policy", policy_no="EG1", farmer_id="eghost", village_code="229901001001",
      village_name="边村")
    a("agri_claim", policy_no="EG1", claim_no="EGC1", farmer_id="eghost")
    a("agri_policy", policy_no="EG2", insured_area=12.3)
    a("agri_claim", policy_no="EG2", claim_no="EGC2", loss_area=6.1)
    a("agri_claim", policy_no="EG2", claim_no="EGC3", loss_area=6.2)
    a("agri_policy", policy_no="EG3", insured_area=10.0)
    a("agri_claim", policy_no="EG3", claim_no="EGC4", loss_area=6.0)
    a("agri_claim", policy_no="EG3", claim_no="EGC5", loss_area=6.0)
    # ten identical payouts per mu that are not exact in binary (1000 / 3): a coefficient of
    # variation of zero on one engine and 1e-17 on the other unless rounded
    for i in range(10):
        a("agri_policy", policy_no=f"EGU{i}", village_code="229901002001", village_name="均村")
        a("agri_claim", policy_no=f"EGU{i}", claim_no=f"EGUC{i}", loss_area=3.0, paid_amount=1000.0,
          loss_date=D("2019-02-28"), report_date=D("2019-03-01"))
    # one account for four farmers, one of them with no payee relation (a NULL in the list)
    for i, relation in enumerate(("其他", None, "其他", "合作社")):
        a("agri_claim", claim_no=f"EGP{i}", farmer_id=f"ef{i}", payee_account="ega1",
          payee_relation=relation, paid_amount=1000.1 + i / 10)
    # a known agri case reported by another company
    a("att5_clue", company_code="C03", clue_no="EX3", line="农险", fraud_type="同一账户接收多人赔款",
      case_status="疑似线索", description="d", payee_account="ekacc", agent_name="e_li")
    a("agri_claim", company_code="C02", policy_no="EGQ", claim_no="EGC9", payee_account="ekacc")
    a("agri_policy", company_code="C01", policy_no="EGP3", assistant_name="e_li")
    # accident & health: the same receipt number, amount and date at two companies (fallback)
    for co, amount in (("C01", 3000.0), ("C02", 3000.0), ("C03", 3000.01)):
        a("medical_receipt", company_code=co, claim_no=f"EK{co}", hospital_code="EH1",
          receipt_no="E888", amount=amount, receipt_date=D("2019-02-28"))
    # one account, three insured persons, no kinship; amounts summing inexactly
    for i, paid in enumerate((5000.1, 5000.2, 5000.3)):
        a("ah_claim", claim_no=f"EAK{i}", insured_id=f"ep{i}", payee_account="eaa1",
          payee_relation="其他", paid_amount=paid)
    # a minor born on 29 February: 9 on 28 February 2018 (a cap of 10 years), 10 on 1 March
    for co, no, start in (("C01", "EY1", "2018-02-28"), ("C02", "EY2", "2018-03-01")):
        a("ah_policy", company_code=co, policy_no=no, insured_id="ec1",
          insured_id_birth=D("2008-02-29"), line="寿险", death_sum_insured=150000.0,
          start_date=D(start), end_date=D("2019-02-27"))
    # declared income NULL and a tie of two equal covers
    for co in ("C01", "C02"):
        a("ah_policy", company_code=co, policy_no=f"EY{co}", insured_id="ei1", line="寿险",
          sum_insured=400000.0, annual_income=None, insured_id_birth=D("1980-02-29"))


@pytest.fixture(scope="module")
def parity_warehouse(tmp_path_factory):
    src = ensure_fixture(load_campaign(PROJECT_ROOT / "campaign.toml"))
    folder = tmp_path_factory.mktemp("parity")
    shutil.copy(src, folder / "warehouse.duckdb")
    fix = Fix(folder)
    add_edge_cases(fix)
    fix.close()
    return folder / "warehouse.duckdb"


@pytest.fixture(scope="module")
def spark():
    _need("pyspark")
    if not (os.environ.get("JAVA_HOME") or shutil.which("java")):
        _unavailable("no Java on PATH (apt-get install default-jre-headless)")
    from workbench.spark_engine import spark_session

    session = spark_session(MASTER)
    yield session
    session.stop()


def _screen_both(path, engine: str, spark=None) -> dict:
    """Screen a copy of the warehouse at ``path`` on ``engine``; keep each period's rule rows."""
    work = path.with_name(f"screen-{engine}.duckdb")
    shutil.copy(path, work)
    con = duckdb.connect(str(work))
    kw = dict(engine="spark", spark=spark, parquet=path.with_name("parquet")) if spark else {}
    rows, results = {}, {}
    for period, rings in (("campaign", True), ("pre2017", False)):
        results[period] = screen(con, period=period, rings=rings, **kw)
        # the staging table of the run: every rule's rows, with its id and period
        rows[period] = con.execute("SELECT * FROM _hits").df()
    con.close()
    return {"path": work, "rows": rows, "results": results}


@pytest.fixture(scope="module")
def runs(parity_warehouse, spark):
    return {
        "duckdb": _screen_both(parity_warehouse, "duckdb"),
        "spark": _screen_both(parity_warehouse, "spark", spark),
    }


def _multiset(df) -> list[tuple]:
    df = df.astype(object).where(df.notna(), None)
    return sorted(map(tuple, df.itertuples(index=False)), key=repr)


# --- tests -------------------------------------------------------------------------------------


def _need(module: str):
    try:
        return __import__(module)
    except ImportError:
        _unavailable(f"{module} is not installed (pip install '.[spark]')")


def test_sqlglot_is_the_pinned_version():
    sqlglot = _need("sqlglot")
    assert sqlglot.__version__ == SQLGLOT_VERSION
    pyproject = (PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"sqlglot=={SQLGLOT_VERSION}"' in pyproject


def test_every_portable_rule_translates_and_every_other_says_why():
    _need("sqlglot")
    from workbench.portable import translate_rule

    not_portable = {r.id: r.portable_reason for r in CATALOGUE.values() if not r.portable}
    for rule_id, reason in not_portable.items():
        assert reason, f"{rule_id}: portable: false needs a portable_reason"
        warnings.warn(f"rule {rule_id} is not portable and runs on DuckDB under --engine spark: "
                      f"{reason}", stacklevel=1)
    for rule in CATALOGUE.values():
        if rule.portable:
            sql = translate_rule(rule)
            assert not re.search(r"\bWB_[A-Z_]+\s*\(", sql), f"{rule.id}: a macro was not expanded"


def test_every_rule_gives_the_same_rows_on_duckdb_and_spark(runs):
    not_portable = sorted(r.id for r in CATALOGUE.values() if not r.portable)
    if not_portable:
        warnings.warn(f"not portable, compared as run on DuckDB on both sides: {not_portable}",
                      stacklevel=1)
    differing, silent, screened = {}, [], set()
    for period in ("campaign", "pre2017"):
        duck, spark = runs["duckdb"]["rows"][period], runs["spark"]["rows"][period]
        for rule in CATALOGUE.values():
            if period not in rule.periods:
                continue
            screened.add(rule.id)
            a = _multiset(duck[duck.rule_id == rule.id])
            b = _multiset(spark[spark.rule_id == rule.id])
            if not a and period == "campaign":
                silent.append(rule.id)
            if a != b:
                only_a = [r for r in a if r not in b][:2]
                only_b = [r for r in b if r not in a][:2]
                differing[f"{period}/{rule.id}"] = (len(a), len(b), only_a, only_b)
    assert screened == set(CATALOGUE)
    assert not differing, "DuckDB and Spark disagree:\n" + "\n".join(
        f"{k}: {n} rows on DuckDB, {m} on Spark; DuckDB only {x}; Spark only {y}"
        for k, (n, m, x, y) in differing.items()
    )
    # parity on no rows proves nothing: the fixture makes every rule fire
    assert not silent, f"rules silent on the parity fixture (add a case): {silent}"


def test_a_whole_screen_gives_the_same_clues_scores_and_evidence(runs):
    con = duckdb.connect()
    con.execute(f"ATTACH '{runs['duckdb']['path']}' AS d (READ_ONLY)")
    con.execute(f"ATTACH '{runs['spark']['path']}' AS s (READ_ONLY)")
    for table, cols in COMPARED.items():
        a = con.execute(f"SELECT {cols} FROM d.{table}").df()
        b = con.execute(f"SELECT {cols} FROM s.{table}").df()
        assert len(a) > 0 or table == "clue_whitelist_hits", f"{table} is empty: nothing compared"
        assert _multiset(a) == _multiset(b), f"{table} differs between DuckDB and Spark"
    tiers = con.execute("SELECT count(DISTINCT tier), count(*) FILTER (WHERE rule_id = 'ring') "
                        "FROM s.clues").fetchone()
    assert tiers[0] == 3 and tiers[1] > 0  # every tier and rings are among what was compared
    for period in ("campaign", "pre2017"):
        d, s = runs["duckdb"]["results"][period], runs["spark"]["results"][period]
        assert (d.clue_count, d.new_clue_count) == (s.clue_count, s.new_clue_count)
        assert s.engine == "spark" and d.engine == "duckdb"
    engine, detail = con.execute(
        "SELECT engine, engine_detail FROM s.screen_runs ORDER BY started_at DESC LIMIT 1"
    ).fetchone()
    detail = json.loads(detail)
    assert engine == "spark" and detail["master"] == MASTER and detail["rules_on_duckdb"] == {}
    assert detail["sqlglot_version"] == SQLGLOT_VERSION
    assert con.execute("SELECT DISTINCT engine FROM d.screen_runs").fetchall() == [("duckdb",)]


def test_a_changed_warehouse_is_exported_again(parity_warehouse, runs, spark):
    """Spark never screens stale data: a row added after the export is seen by the next run."""
    from workbench.export import read_manifest

    work = runs["spark"]["path"]
    parquet = parity_warehouse.with_name("parquet")
    before = read_manifest(parquet)["data_fingerprint"]
    fix = Fix(work.parent, name=work.name)
    fix.add("auto_policy", _batch_id="B_late", policy_no="ELATE", start_date=D("2019-03-01"))
    fix.add("auto_claim", _batch_id="B_late", policy_no="ELATE", claim_no="EKLATE",
            accident_time=T("2019-02-27 10:00"))
    result = screen(fix.con, rules=["auto_loss_before_start"], rings=False, engine="spark",
                    spark=spark, parquet=parquet)
    hits = fix.con.execute("SELECT record_no FROM _hits").df()
    fix.close()
    assert "EKLATE" in set(hits.record_no) and result.engine == "spark"
    assert read_manifest(parquet)["tables"]["auto_claim"] > 0
    assert before  # the first export named its data


# --- without Spark: the export and the command line ----------------------------------------------


def test_export_writes_one_folder_per_table_and_is_refreshed_when_stale(tmp_path):
    from workbench.cli import main
    from workbench.export import MANIFEST, ensure_export, read_manifest

    fix = Fix(tmp_path)
    fix.add("auto_policy", policy_no="P1")
    fix.close()
    out = tmp_path / "pq"
    assert main(["export", "--warehouse", str(fix.path), "--parquet", str(out)]) == 0
    manifest = read_manifest(out)
    assert manifest["tables"]["auto_policy"] == 1 and (out / MANIFEST).exists()
    assert duckdb.sql(f"SELECT policy_no FROM '{out}/auto_policy/*.parquet'").fetchall() == [("P1",)]
    fix = Fix(tmp_path)
    assert ensure_export(fix.con, out).reused  # same data: the export is current
    fix.add("auto_policy", policy_no="P2")
    again = ensure_export(fix.con, out)  # one more row: exported again
    fix.close()
    assert not again.reused and read_manifest(out)["tables"]["auto_policy"] == 2


def test_spark_options_need_the_spark_engine(tmp_path, capsys):
    from workbench.cli import main
    from workbench.cli_screen import parse_conf

    fix = Fix(tmp_path)
    fix.close()
    assert main(["screen", "--warehouse", str(fix.path), "--spark-master", "local[2]"]) == 2
    assert "need --engine spark" in capsys.readouterr().err
    assert parse_conf(["spark.executor.memory=8g", "workbench.rulesAtOnce = 4"]) == {
        "spark.executor.memory": "8g", "workbench.rulesAtOnce": "4"}
    with pytest.raises(Exception, match="key=value"):
        parse_conf(["no-equals"])


# --- what a run records about the data Spark read -------------------------------------------------


@pytest.fixture(scope="module")
def exported(parity_warehouse, tmp_path_factory):
    """A copy of the parity warehouse and an export of it of its own (other tests change theirs)."""
    from workbench.export import export_parquet

    folder = tmp_path_factory.mktemp("exported")
    work = folder / "warehouse.duckdb"
    shutil.copy(parity_warehouse, work)
    con = duckdb.connect(str(work))
    export_parquet(con, folder / "pq")
    con.close()
    return work, folder / "pq"


def _last_run(con) -> tuple:
    fp, batches, detail = con.execute(
        "SELECT data_fingerprint, data_batches, engine_detail FROM screen_runs "
        "ORDER BY started_at DESC LIMIT 1").fetchone()
    return fp, batches, json.loads(detail)


def test_a_remote_export_records_its_fingerprint(exported, spark):
    from workbench.export import read_manifest

    work, pq = exported
    con = duckdb.connect(str(work))
    screen(con, rules=["auto_loss_before_start"], rings=False, engine="spark", spark=spark,
           parquet=f"file://{pq}")
    fp, batches, detail = _last_run(con)
    con.close()
    assert fp == read_manifest(pq)["data_fingerprint"] == detail["export_fingerprint"]
    assert detail["export"] == "current" and batches


def test_tables_without_a_manifest_are_screened_as_they_are_and_no_fingerprint_is_recorded(
        exported, spark, tmp_path):
    from workbench.export import MANIFEST

    work, pq = exported
    theirs = tmp_path / "platform"
    shutil.copytree(pq, theirs)
    (theirs / MANIFEST).unlink()
    before = sorted(p.relative_to(theirs) for p in theirs.rglob("*"))
    con = duckdb.connect(str(work))
    result = screen(con, rules=["auto_loss_before_start"], rings=False, engine="spark", spark=spark,
                    parquet=theirs)
    fp, batches, detail = _last_run(con)
    con.close()
    assert fp is None and batches is None and detail["export"] == "unchecked"
    assert detail["export_fingerprint"] is None
    assert "is not a workbench export" in result.to_text() and result.clue_count > 0
    assert sorted(p.relative_to(theirs) for p in theirs.rglob("*")) == before  # nothing written


def test_a_rule_that_is_not_portable_runs_on_duckdb_and_the_summary_says_so(exported, spark, tmp_path,
                                                                             caplog):
    src = CATALOGUE["auto_loss_before_start"].path
    rules_dir = tmp_path / "rules" / "auto"
    rules_dir.mkdir(parents=True)
    text = src.read_text(encoding="utf-8").replace(
        "-- portable: true", "-- portable: false\n-- portable_reason: a test of the DuckDB fallback")
    (rules_dir / src.name).write_text(text, encoding="utf-8")
    shutil.copy(CATALOGUE["auto_vehicle_repeat"].path, rules_dir)
    work, pq = exported
    con = duckdb.connect(str(work))
    with caplog.at_level("WARNING", logger="workbench.spark_engine"):
        result = screen(con, rules=["auto_loss_before_start", "auto_vehicle_repeat"], rings=False,
                        engine="spark", spark=spark, parquet=pq, rules_dir=tmp_path / "rules")
    con.close()
    assert "规则 auto_loss_before_start 不可移植" in caplog.text and "is not portable" in caplog.text
    ran = dict(zip(result.by_rule["规则"], result.by_rule["引擎"], strict=True))
    assert ran == {"auto_loss_before_start": "duckdb", "auto_vehicle_repeat": "spark"}
    assert "rules run on DuckDB (not portable): auto_loss_before_start" in result.to_text()


def test_a_remote_manifest_is_read_through_spark(exported, spark, tmp_path):
    """hdfs://, s3a:// … manifests are read by the session (here over file://, the same reader)."""
    from workbench.errors import WorkbenchError
    from workbench.export import MANIFEST, read_manifest
    from workbench.spark_engine import read_text

    _, pq = exported
    text = read_text(spark, f"file://{pq}/{MANIFEST}")
    assert json.loads(text) == read_manifest(pq)
    assert read_text(spark, f"file://{tmp_path}/nothing/{MANIFEST}") is None
    with pytest.raises(WorkbenchError, match="Spark cannot read nosuchfs://x"):
        read_text(spark, f"nosuchfs://x/{MANIFEST}")
