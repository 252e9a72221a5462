"""The audit log itself: append-only, hash-chained, safe under many writers, honest about the operator."""

from __future__ import annotations

import multiprocessing as mp
import sqlite3

import pytest

from workbench import audit
from workbench.config import load_campaign
from workbench.errors import WorkbenchError
from workbench.lifecycle import LifecycleStore


@pytest.fixture
def store(tmp_path):
    s = LifecycleStore(tmp_path / "lifecycle.sqlite")
    yield s
    s.close()


def test_entries_cannot_be_changed_or_removed(store):
    audit.record(store, "quality", summary="一")
    audit.record(store, "quality", summary="二")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.connection.execute("UPDATE audit_log SET summary = 'x'")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        store.connection.execute("DELETE FROM audit_log")
    assert audit.verify_chain(store).ok


def test_the_hash_chain_finds_an_edit_behind_the_triggers(store):
    for i in range(3):
        audit.record(store, "quality", summary=str(i))
    raw = sqlite3.connect(store.path)
    raw.execute("DROP TRIGGER audit_log_no_update")
    raw.execute("UPDATE audit_log SET operator = '冒名' WHERE audit_id = 2")
    raw.commit()
    check = audit.verify_chain(store)
    assert not check.ok and check.broken_at == 2


def test_the_hash_chain_finds_a_removed_entry(store):
    for i in range(3):
        audit.record(store, "quality", summary=str(i))
    raw = sqlite3.connect(store.path)
    raw.execute("DROP TRIGGER audit_log_no_delete")
    raw.execute("DELETE FROM audit_log WHERE audit_id = 3")  # the newest: no link left to break
    raw.commit()
    assert not audit.verify_chain(store).ok


def test_operator_unconfigured_configured_environment_explicit(tmp_path, monkeypatch, store):
    from workbench.warehouse import PROJECT_ROOT

    monkeypatch.delenv(audit.OPERATOR_ENV, raising=False)
    cfg = tmp_path / "campaign.toml"
    text = (PROJECT_ROOT / "campaign.toml").read_text(encoding="utf-8")
    cfg.write_text(text, encoding="utf-8")
    unconfigured = load_campaign(cfg, environ={})
    assert audit.operator_of(unconfigured) == ("未配置", "unconfigured")
    assert audit.operator_label(unconfigured) == "未配置 (not configured)"
    cfg.write_text(text.replace('operator = ""', 'operator = "赵数据"'), encoding="utf-8")
    assert audit.operator_of(load_campaign(cfg, environ={})) == ("赵数据", "config")
    from_env = load_campaign(cfg, environ={"WORKBENCH_OPERATOR": "钱值班"})
    assert audit.operator_of(from_env) == ("钱值班", "config")
    assert audit.operator_of(from_env, "孙复核") == ("孙复核", "explicit")
    # an action without an operator still runs and is logged as such
    audit.record(store, "quality", campaign=unconfigured, summary="无经办人")
    row = audit.entries(store).iloc[-1]
    assert (row.operator, row.operator_source) == ("未配置", "unconfigured")
    assert audit.entries(store, operator="未配置").shape[0] == 1


def test_verdict_and_its_entry_are_one_transaction(store):
    store.record_event("CL1", "dispatched", "协会")
    store.record_event("CL1", "evidence_returned", "C01")
    store.record_verdict(
        "CL1", "refer", "证据充分", ["专家甲", "专家乙"], "秘书处", session="第一次研判会"
    )
    e = audit.entries(store, action="verdict")
    assert list(e.subject) == ["CL1"] and e.iloc[0].operator == "秘书处"
    assert "专家甲" not in e.iloc[0].details  # panel members are in the verdicts table, not the log
    with pytest.raises(WorkbenchError):  # a refused verdict leaves no entry
        store.record_verdict("CL1", "refer", "", ["专家甲"], "秘书处")
    assert len(audit.entries(store, action="verdict")) == 1


def test_filters(store):
    audit.record(store, "ingest", operator="甲", company="C01", summary="a")
    audit.record(store, "package", operator="乙", company="C02", subject="P1", summary="b")
    audit.record(store, "package", operator="甲", company="C01", subject="P2", summary="c")
    assert list(audit.entries(store, action="package").summary) == ["b", "c"]
    assert list(audit.entries(store, action="报送包,入库", operator="甲").summary) == ["a", "c"]
    assert list(audit.entries(store, company="C02").summary) == ["b"]
    assert list(audit.entries(store, limit=2).summary) == ["b", "c"]
    import datetime as dt

    assert len(audit.entries(store, since=dt.date.today(), until=dt.date.today())) == 3
    assert audit.entries(store, until=dt.date.today() - dt.timedelta(days=1)).empty


def _writer(path, n):
    s = LifecycleStore(path)
    for i in range(n):
        audit.record(s, "quality", summary=f"并发 {i}")
    s.close()


def test_many_processes_append_without_losing_or_forking(tmp_path):
    path = tmp_path / "lifecycle.sqlite"
    LifecycleStore(path).close()
    ctx = mp.get_context("fork")
    procs = [ctx.Process(target=_writer, args=(path, 15)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
    s = LifecycleStore(path)
    check = audit.verify_chain(s)
    assert check.ok and check.checked == 60


def test_detail_without_company_shows_a_dash(store):
    audit.record(store, "quality", summary="全省记分卡")
    row = audit.entries(store).iloc[0].to_dict()  # read through pandas: NULL company is NaN
    text = audit.detail_text(row)
    assert "  公司 company: —  对象 subject: —\n" in text
    assert "  数据指纹 data fingerprint: —\n" in text
    assert "nan" not in text and "详情 details" not in text


def test_unknown_action_is_an_error_naming_the_valid_ones(store, tmp_path, capsys):
    audit.record(store, "quality", summary="a")
    with pytest.raises(WorkbenchError) as err:
        audit.entries(store, action="package,bogus")
    msg = str(err.value)
    assert msg.startswith("未知的审计动作 'bogus'，可选：入库、筛查、执行笔记本、")
    assert "/ unknown audit action 'bogus'; valid actions: ingest, screen, run, package, verify, " in msg
    assert msg.endswith(", ".join(audit.ACTIONS))
    assert list(audit.entries(store, action="数据质量记分卡").summary) == ["a"]  # Chinese names still work

    from workbench.cli import main
    from workbench.warehouse import PROJECT_ROOT

    cfg = tmp_path / "campaign.toml"
    cfg.write_text((PROJECT_ROOT / "campaign.toml").read_text(encoding="utf-8"), encoding="utf-8")
    capsys.readouterr()
    # the store fixture is tmp_path/lifecycle.sqlite, the one beside tmp_path/w.duckdb
    assert main(["--config", str(cfg), "audit", "--action", "bogus", "--warehouse", str(tmp_path / "w.duckdb")]) == 2
    out = capsys.readouterr()
    assert "没有符合条件" not in out.out
    assert out.err.startswith("错误 / error: 未知的审计动作 'bogus'，可选：")
    assert "valid actions: ingest, screen, run, " in out.err
