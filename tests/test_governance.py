"""Governance end to end on the small synthetic province: every kind of action leaves an audit entry
with its data hashes; exports and packages name the operator; an investigator's package holds exactly
the assigned clue's records and verifies; a typical case names its rules and no person."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from workbench import audit, campaigns, case_study, runner
from workbench.cli import main
from workbench.config import load_campaign
from workbench.errors import WorkbenchError
from workbench.fixture import FIXTURE_KEY, ensure_fixture
from workbench.ingest import ingest_paths
from workbench.investigator import assign, investigator_package
from workbench.lifecycle import LifecycleStore
from workbench.package import verify_package
from workbench.protect import Tokenizer
from workbench.screen import data_fingerprint
from workbench.simulate import simulate_round
from workbench.warehouse import PROJECT_ROOT

OPERATOR = "审计员甲"
TODAY = dt.date.today()
NOOP = {
    "cells": [
        {
            "cell_type": "code",
            "id": "params",
            "metadata": {"tags": ["parameters"]},
            "execution_count": None,
            "outputs": [],
            "source": 'config = ""\nwarehouse = ""\ncompany = ""\nrule_params = {}\noutput_dir = ""\n',
        },
        {
            "cell_type": "code",
            "id": "body",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "from pathlib import Path\np = Path(output_dir) / company / 'note.txt'\n"
            "p.parent.mkdir(parents=True, exist_ok=True)\np.write_text('ok')\n",
        },
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def sha(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    """A copy of the fixture warehouse taken through every step, each leaving its audit entry."""
    root = tmp_path_factory.mktemp("gov")
    cfg = root / "campaign.toml"
    cfg.write_text(
        (PROJECT_ROOT / "campaign.toml")
        .read_text(encoding="utf-8")
        .replace('operator = ""', f'operator = "{OPERATOR}"'),
        encoding="utf-8",
    )
    campaign = load_campaign(cfg, environ={})
    src = ensure_fixture(load_campaign(PROJECT_ROOT / "campaign.toml"))
    truth = src.parent / "province" / "ground_truth"
    wh = campaign.warehouse
    wh.parent.mkdir(parents=True)
    shutil.copy(src, wh)
    mp = pytest.MonkeyPatch()
    mp.delenv(audit.OPERATOR_ENV, raising=False)
    extra = root / "in" / "C99" / "C99_意健险承保.csv"
    extra.parent.mkdir(parents=True)
    extra.write_bytes(
        "公司代码,险种类别,保单号,被保险人姓名,被保险人证件号码,保险金额(元),保费(元),起保日期,终保日期\n"
        "C99,意外险,Z01,测试,220102198005061234,1000,10,2018-08-01,2019-07-31\n".encode("utf-8-sig")
    )
    con = duckdb.connect(str(wh))
    ingest_paths([extra], campaign, con=con, tokenizer=Tokenizer(FIXTURE_KEY))  # ingest
    mp.setenv(audit.OPERATOR_ENV, OPERATOR)  # as `workbench screen` and `workbench run` export it
    for step in (
        campaigns.run_top_down,
        campaigns.run_cross_comparison,
        campaigns.run_known_cases,
        campaigns.run_pre2017,
    ):
        step(con)  # screen
    mp.delenv(audit.OPERATOR_ENV)
    store = LifecycleStore(wh.with_name("lifecycle.sqlite"))
    names = campaigns.companies(con).set_index("company_code")["company_name"].to_dict()
    for code in names:
        campaigns.dispatch_company(
            con,
            campaign,
            code,
            campaign.output_dir / "workbooks",
            store=store,
            company_name=names[code],
        )
    national = campaigns.export_for_national(
        con, campaign.output_dir / "national", campaign
    )  # export_national
    national_notes = pd.read_excel(national, sheet_name="说明", engine="openpyxl")["说明"].tolist()
    df = pd.read_excel(national, sheet_name="复筛人员", dtype=str, engine="calamine")
    df.loc[df.index[0], "全国复筛结果"] = "外省命中"
    with pd.ExcelWriter(national, engine="openpyxl") as xw:
        df.to_excel(xw, sheet_name="复筛人员", index=False)
    with mp.context() as m:  # called by the pre-2017 notebook, under `workbench run`
        m.setenv(audit.OPERATOR_ENV, OPERATOR)
        campaigns.import_national_results(con, national)  # import_national
    con.close()
    con = duckdb.connect(str(wh), read_only=True)
    simulate_round(
        con, store, campaign, truth, campaign.output_dir / "returned"
    )  # feedback, verdict
    referred = store.current_states().query("state == 'referred'").subject.tolist()
    from workbench.referral import referral_package

    referral_package(con, store, campaign, referred[0], campaign.output_dir / "referrals")  # refer
    con.close()
    # run: a notebook through the runner (a tiny one: the hook is under test, not the notebook)
    nb_dir = root / "nb"
    nb_dir.mkdir()
    (nb_dir / "noop.ipynb").write_text(json.dumps(NOOP), encoding="utf-8")
    mp.setattr(runner, "NOTEBOOK_DIR", nb_dir)
    mp.setattr(runner, "NOTEBOOKS", {"noop": "noop.ipynb"})
    runs = runner.run_campaign(
        "noop",
        campaign,
        warehouse=wh,
        company="C01",
        output_dir=root / "nb_out",
        runs_dir=root / "runs",
    )
    assert runs[0].ok, runs[0].error
    c = ["--config", str(cfg)]
    assert main([*c, "package", "--company", "C01"]) == 0  # package
    assert (
        main(
            [
                *c,
                "verify",
                str(campaign.output_dir / "packages")  # verify
                + "/"
                + next((campaign.output_dir / "packages").glob("C01_*.zip")).name,
            ]
        )
        == 0
    )
    assert main([*c, "quality"]) == 0  # quality
    assert main([*c, "case-study", "--top", "1"]) == 0  # case_study
    assert main([*c, "status", "--as-of", "2019-08-01"]) == 0  # status
    ring = (
        duckdb.connect(str(wh), read_only=True)
        .execute(
            "SELECT clue_id FROM clues WHERE rule_id = 'ring' AND current ORDER BY score DESC LIMIT 1"
        )
        .fetchone()[0]
    )
    assert (
        main(
            [
                *c,
                "assign",
                ring,
                "--investigator",
                "王调查",
                "--org",
                "某某调查事务所",
                "--scope",
                "核实团伙成员就诊经过",
                "--from",
                str(TODAY - dt.timedelta(days=1)),
                "--to",
                str(TODAY + dt.timedelta(days=30)),
            ]
        )
        == 0
    )  # assign
    assert main([*c, "package", "--investigator", "王调查"]) == 0  # package_investigator
    yield {
        "root": root,
        "cfg": cfg,
        "campaign": campaign,
        "wh": wh,
        "store": store,
        "ring": ring,
        "extra": extra,
        "truth": truth,
        "province": src.parent / "province",
        "referred": referred[0],
        "national_notes": national_notes,
    }
    store.close()
    mp.undo()


def con_of(world):
    return duckdb.connect(str(world["wh"]), read_only=True)


EVERY_ACTION = {
    "ingest",
    "screen",
    "run",
    "package",
    "verify",
    "export_national",
    "import_national",
    "feedback",
    "verdict",
    "refer",
    "assign",
    "package_investigator",
    "quality",
    "case_study",
    "status",
}


def test_every_kind_of_action_is_audited_with_its_data_hashes(world):
    store = world["store"]
    log = audit.entries(store)
    assert EVERY_ACTION <= set(log.action)
    con = con_of(world)
    rows = con.execute(
        "SELECT file_name, file_sha256, company_code FROM manifest WHERE status = 'loaded'"
    ).fetchall()
    fingerprint_now, _ = data_fingerprint(con)
    runs = dict(con.execute("SELECT run_id, data_fingerprint FROM screen_runs").fetchall())
    con.close()
    assert (
        log.data_fingerprint.notna().all()
    )  # every entry names the data it saw (or the data as of then)
    ins = {a: [json.loads(s) for s in log[log.action == a].inputs] for a in EVERY_ACTION}
    # ingest: the file offered, with its sha256 and what became of it (its one row has a wrong ID
    # check digit: every row rejected, nothing loaded)
    assert {"sha256": sha(world["extra"]), "status": "rejected", "rows_read": 1, "rows_rejected": 1}.items() <= next(
        i for i in ins["ingest"][0] if i["file"].endswith("C99_意健险承保.csv")
    ).items()
    # screening: each run's entry carries that run's fingerprint, and every loaded file's manifest hash
    for r in log[log.action == "screen"].itertuples():
        assert r.data_fingerprint == runs[r.subject]
    for action in (
        "screen",
        "run",
        "quality",
        "case_study",
        "refer",
        "package_investigator",
        "export_national",
        "status",
    ):
        for company, inputs in zip(log[log.action == action].company, ins[action], strict=True):
            hashes = {i["file"]: i["sha256"] for i in inputs if "file" in i}
            # a company's action: its own files and the association's (reference data, platform lists)
            expected = {f: s for f, s, c in rows if pd.isna(company) or c in (company, None)}
            assert hashes == expected and hashes, action
    for action in (
        "quality",
        "case_study",
        "package_investigator",
        "status",
    ):  # after the last change to the data
        assert (log[log.action == action].data_fingerprint == fingerprint_now).all()
    # a package's inputs are the workbooks it holds; outputs are hashed as written
    pkg = log[log.action == "package"].iloc[-1]
    wb = next((world["campaign"].output_dir / "workbooks" / "C01").glob("*.xlsx"))
    assert [i["sha256"] for i in json.loads(pkg.inputs)] == [sha(wb)]
    for action in ("package", "package_investigator", "refer", "quality"):
        for outs in log[log.action == action].outputs:
            for o in json.loads(outs):
                assert sha(o["path"]) == o["sha256"], (action, o["path"])
    # feedback: the returned workbook's hash; verdicts: the clue and the data as of then
    fb = json.loads(log[log.action == "feedback"].iloc[0].inputs)[0]
    assert fb["sha256"] == sha(
        next(world["campaign"].output_dir.joinpath("returned").rglob(fb["file"]))
    )
    v = log[log.action == "verdict"].iloc[0]
    assert json.loads(v.inputs)[0]["clue"] == v.subject and "data_as_of_audit_id" in json.loads(
        v.details
    )
    # the notebook run: the executed notebook, its parameters and the file it wrote for its company
    run = log[log.action == "run"].iloc[0]
    assert run.company == "C01" and any(
        o["path"].endswith("C01/note.txt") for o in json.loads(run.outputs)
    )
    # who: the configured operator, except where a person is named (verdicts, simulated feedback)
    named = log[~log.action.isin(["verdict", "feedback"])]
    assert (named.operator == OPERATOR).all() and named.operator_source.isin(
        ["config", "explicit"]
    ).all()
    assert audit.verify_chain(store).ok


def test_audit_command_filters_and_verifies(world, capsys):
    c = ["--config", str(world["cfg"])]
    capsys.readouterr()
    assert main([*c, "audit", "--action", "package", "--company", "C01"]) == 0
    out = capsys.readouterr().out
    assert "报送包" in out and "C01" in out and "调查机构材料包" not in out
    assert main([*c, "audit", "--operator", OPERATOR, "--since", str(TODAY), "--limit", "3"]) == 0
    assert out.count("#") >= 1
    assert main([*c, "audit", "--verify"]) == 0
    assert "哈希链一致" in capsys.readouterr().out
    assert main([*c, "audit", "--export", str(world["root"] / "audit.xlsx")]) == 0
    assert len(pd.read_excel(world["root"] / "audit.xlsx", engine="openpyxl")) == len(
        audit.entries(world["store"])
    )


def test_exports_and_packages_name_the_operator(world):
    out = world["campaign"].output_dir
    manifest = json.loads(
        next((out / "packages").glob("C01_*/manifest.json")).read_text(encoding="utf-8")
    )
    assert manifest["operator"] == OPERATOR
    wb = openpyxl.load_workbook(next((out / "workbooks" / "C01").glob("*.xlsx")), read_only=True)
    cover = {r[0]: r[1] for r in wb["封面"].iter_rows(values_only=True) if len(r) > 1 and r[0]}
    assert cover["经办人 operator"] == OPERATOR
    assert any(OPERATOR in n for n in world["national_notes"])
    q = openpyxl.load_workbook(
        out / "reports" / "数据质量" / "数据质量记分卡_C01.xlsx", read_only=True
    )
    assert {
        r[0]: r[1] for r in q["数据质量记分卡"].iter_rows(values_only=True) if len(r) > 1 and r[0]
    }["经办人 operator"] == OPERATOR
    inv = json.loads(
        next((out / "packages" / "investigators").glob("调查_*/manifest.json")).read_text("utf-8")
    )
    assert inv["operator"] == OPERATOR


def _package_records(folder: Path) -> set[tuple[str, str]]:
    wb = openpyxl.load_workbook(next((folder / "files").glob("*.xlsx")), read_only=True)
    rows = list(wb["涉案记录"].iter_rows(values_only=True))[1:]
    return {(r[0], r[2]) for r in rows}


def test_investigator_package_holds_exactly_the_assigned_clue(world):
    ring = world["ring"]
    folder = next(
        (world["campaign"].output_dir / "packages" / "investigators").glob(f"调查_*_{ring}")
    )
    con = con_of(world)
    mine = set(
        con.execute(
            "SELECT company_code, record_no FROM clue_records WHERE clue_id = ?", [ring]
        ).fetchall()
    )
    con.close()
    assert _package_records(folder) == mine and mine
    assert verify_package(folder).ok and verify_package(folder.parent / f"{folder.name}.zip").ok
    m = verify_package(folder).manifest
    assert (
        m["assignment"]["investigator"] == "王调查"
        and m["clue_id"] == ring
        and m["records"] == len(mine)
    )
    # masked: no token, no ID-shaped number, nothing of another clue
    with zipfile.ZipFile(folder.parent / f"{folder.name}.zip") as z:
        blob = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xlsx"))
    with zipfile.ZipFile(__import__("io").BytesIO(blob)) as x:
        text = b"".join(x.read(n) for n in x.namelist()).decode("utf-8", "replace")
    assert not case_study.raw_identifiers(text) and "ID_" not in text
    # the assignment and the package are in the clue's history and the audit trail
    hist = world["store"].history(ring)
    assert (
        hist.reason.str.contains("指派第三方调查").any()
        and hist.reason.str.contains("调查材料包已提供").any()
    )
    log = audit.entries(world["store"], subject=ring)
    assert {"assign", "package_investigator"} <= set(log.action)
    # a tampered package no longer verifies
    xlsx = next((folder / "files").glob("*.xlsx"))
    xlsx.write_bytes(xlsx.read_bytes() + b"x")
    assert not verify_package(folder).ok


def test_investigator_scope_and_dates(world, tmp_path):
    con, store, campaign = con_of(world), world["store"], world["campaign"]
    ring = world["ring"]
    companies = (
        con.execute("SELECT companies FROM clues WHERE clue_id = ?", [ring])
        .fetchone()[0]
        .split(";")
    )
    a = assign(
        con,
        store,
        campaign,
        ring,
        investigator="李调查",
        organisation="另一调查公司",
        scope="仅调取一家公司的卷宗",
        start=TODAY,
        end=TODAY + dt.timedelta(days=5),
        companies=[companies[0]],
    )
    folder = investigator_package(con, store, campaign, a.assignment_id, tmp_path)
    only = set(
        con.execute(
            "SELECT company_code, record_no FROM clue_records WHERE clue_id = ? AND company_code = ?",
            [ring, companies[0]],
        ).fetchall()
    )
    assert _package_records(folder) == only
    with pytest.raises(WorkbenchError, match="不在期限内"):
        investigator_package(
            con, store, campaign, a.assignment_id, tmp_path, as_of=TODAY + dt.timedelta(days=6)
        )
    with pytest.raises(WorkbenchError, match="不涉及公司"):
        assign(
            con,
            store,
            campaign,
            ring,
            investigator="李调查",
            organisation="x",
            scope="y",
            start=TODAY,
            end=TODAY,
            companies=["C98"],
        )
    con.close()


def _raw_values(province: Path, records: set[tuple[str, str, str]]) -> set[str]:
    """Every identifier value the submissions hold for these records (names, IDs, phones, accounts …)."""
    from workbench.ingest.mapping import detect_kind
    from workbench.ingest.reader import read_table

    out = set()
    for path in sorted((province / "submissions").rglob("*")):
        if path.suffix.lower() not in (".xlsx", ".csv"):
            continue
        raw = read_table(path)
        m = detect_kind(raw.headers, path.name, None)
        wanted = {no for _, k, no in records if k == m.kind.name}
        cols = {name: i for i, name in m.columns.items()}
        key = "claim_no" if "claim_no" in cols and m.kind.name.endswith("claim") else "policy_no"
        if not wanted or key not in cols:
            continue
        hit = raw.data[raw.data[cols[key]].str.strip().isin(wanted)]
        for f in m.kind.identifiers:
            if f.name in cols:
                out |= {v.strip() for v in hit[cols[f.name]] if v and len(v.strip()) >= 2}
    return out


def test_case_study_masks_every_person_and_names_the_rules(world):
    con, store, campaign = con_of(world), world["store"], world["campaign"]
    picks = case_study.pick_typical(con, store, 2)
    assert len(picks) and set(picks.outcome) <= {"case_filed", "referred", "confirmed"}
    for cid in picks.clue_id:
        cs = case_study.draft(con, store, campaign, cid)
        clue = con.execute(
            "SELECT rule_id, signal_rules FROM clues WHERE clue_id = ?", [cid]
        ).fetchone()
        if clue[0] != "ring":
            assert f"`{clue[0]}`" in cs.text and cs.rules[0] == clue[0]
        for r in (x for x in (clue[1] or "").split(";") if x and x != "ring"):
            assert f"`{r}`" in cs.text  # every rule that fired on the records is named
        for section in (
            "基本情况",
            "发现经过",
            "作案手法",
            "处理结果",
            "涉案金额",
            "经验与规则启示",
        ):
            assert section in cs.text
        records = set(
            con.execute(
                "SELECT company_code, record_kind, record_no FROM clue_records WHERE clue_id = ?",
                [cid],
            ).fetchall()
        )
        raw = _raw_values(world["province"], records)
        assert raw  # the check below looks at real values
        leaked = [v for v in raw if v in cs.text]
        assert not leaked, f"raw identifiers in the case: {len(leaked)}"
        assert not case_study.raw_identifiers(cs.text)
        assert "ID_" not in cs.text and "PH_" not in cs.text  # no tokens either
        masks = con.execute(
            "SELECT mask FROM clue_entities WHERE clue_id = ? AND entity_type IN "
            "('person', 'phone', 'account')",
            [cid],
        ).fetchall()
        assert not any(m and m in cs.text for (m,) in masks)  # not even the masked forms
    con.close()


def test_an_analyst_edit_is_kept_and_read_back_masked(world):
    con, store, campaign = con_of(world), world["store"], world["campaign"]
    cases_dir = campaign.output_dir / "reports" / case_study.CASES_DIRNAME
    first = case_study.typical_cases(con, store, campaign, cases_dir, n=1)[0]
    assert first.source == "draft" and first.path.exists()
    edited = first.path.read_text(encoding="utf-8").replace(
        "## 三、作案手法", "分析人员补充：联系电话13812345678。\n\n## 三、作案手法"
    )
    first.path.write_text(edited, encoding="utf-8")
    assert case_study.is_edited(first.path)
    again = case_study.write_case(con, store, campaign, first.clue_id, cases_dir)
    assert (
        again.source == "analyst" and first.path.read_text(encoding="utf-8") == edited
    )  # not overwritten
    back = case_study.typical_cases(con, store, campaign, cases_dir, n=1)[0]
    assert back.source == "analyst" and "分析人员补充" in back.text
    assert "13812345678" not in back.text and "138****5678" in back.text
    forced = case_study.write_case(con, store, campaign, first.clue_id, cases_dir, force=True)
    assert forced.source == "draft" and "分析人员补充" not in first.path.read_text(encoding="utf-8")
    con.close()
