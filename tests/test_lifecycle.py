"""Clue states come from events; verdicts from many processes at once are all kept."""

import multiprocessing as mp

import pytest

from workbench.errors import WorkbenchError
from workbench.lifecycle import LifecycleStore


def test_state_is_derived_from_events(tmp_path):
    s = LifecycleStore(tmp_path / "lc.sqlite")
    s.record_event("CL1", "dispatched", "协会")
    s.record_event("CL1", "evidence_returned", "C01")
    assert s.state_of("CL1") == "evidence_returned"
    with pytest.raises(WorkbenchError, match="不能变为"):
        s.record_event("CL1", "case_filed", "C01")
    s.record_verdict("CL1", "refer", "证据充分", ["专家甲", "专家乙"], "秘书")
    assert s.state_of("CL1") == "referred"
    assert list(s.history("CL1")["state"]) == ["dispatched", "evidence_returned", "referred"]
    cur = s.current_states()
    assert cur.loc[cur.subject == "CL1", "state_zh"].item() == "已移送公安"


def test_verdict_needs_reason_and_panel(tmp_path):
    s = LifecycleStore(tmp_path / "lc.sqlite")
    with pytest.raises(WorkbenchError, match="理由"):
        s.record_verdict("CL1", "refer", " ", ["专家甲"], "秘书")
    with pytest.raises(WorkbenchError, match="专家"):
        s.record_verdict("CL1", "refer", "充分", [], "秘书")
    with pytest.raises(WorkbenchError):
        s.record_verdict("CL1", "maybe", "充分", ["a"], "秘书")


def _worker(path, worker, n):
    s = LifecycleStore(path)
    for i in range(n):
        s.record_verdict(f"CL{worker}-{i}", "more_evidence", f"理由{i}", [f"专家{worker}"], f"成员{worker}")
    s.close()


def test_concurrent_verdicts_from_several_processes_are_all_kept(tmp_path):
    path = tmp_path / "lc.sqlite"
    LifecycleStore(path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(path, w, 40)) for w in range(6)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    s = LifecycleStore(path)
    v = s.verdicts()
    assert len(v) == 240 and v["subject"].nunique() == 240
    assert len(s.current_states()) == 240
