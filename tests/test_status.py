"""Campaign calendar: per company what is due, what came in and when, what is late."""

from __future__ import annotations

import datetime as dt

from workbench.lifecycle import LifecycleStore
from workbench.status import contacts, deadline_status, feedback_progress, status_text
from workbench.warehouse import connect


def _manifest(con, batch, kind, company, when):
    con.execute("INSERT INTO manifest (batch_id, file_name, file_sha256, kind, company_code, status, loaded_at) "
                "VALUES (?, ?, 'x', ?, ?, 'loaded', ?)", [batch, f"{batch}.xlsx", kind, company, when])


def test_deadlines_per_company(campaign, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("INSERT INTO company VALUES ('b', 2, 'C01', '甲财险吉林分公司', '财产险', '长春'), "
                "('b', 3, 'C02', '乙人寿吉林分公司', '人身险', '吉林')")
    _manifest(con, "b1", "att7_contact", "C01", dt.datetime(2019, 7, 15, 9))   # on time
    _manifest(con, "b2", "att7_contact", "C02", dt.datetime(2019, 7, 20, 9))   # late (due 07-17)
    _manifest(con, "b3", "auto_claim", "C01", dt.datetime(2019, 7, 30, 9))     # uploads on time
    st = deadline_status(con, None, campaign, as_of=dt.date(2019, 8, 1)).set_index(["company_code", "deadline"])
    assert st.loc[("C01", "contacts"), "status"] == "on_time"
    assert st.loc[("C02", "contacts"), "status"] == "late_submitted"
    assert st.loc[("C02", "contacts"), "received"] == dt.datetime(2019, 7, 20, 9)
    assert st.loc[("C01", "pre2017"), "status"] == "late"          # nothing for 07-25
    assert st.loc[("C01", "post2018"), "status"] == "on_time"
    assert st.loc[("C02", "post2018"), "status"] == "late"
    assert st.loc[("C01", "referral"), "status"] == "due"           # 09-20 not yet reached
    text = status_text(st.reset_index(), dt.date(2019, 8, 1))
    assert "逾期提交 C02" in text and "逾期未交 C02" in text


def test_feedback_progress_and_contacts(campaign, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    store = LifecycleStore(tmp_path / "lc.sqlite")
    store.record_dispatch("D1", "C01", "wb.xlsx", "sha", ["CL1", "CL2", "CL3"], dt.date(2019, 8, 1),
                          dt.date(2019, 8, 31), "R1", "协会")
    store.connection.execute("INSERT INTO feedback (clue_id, company_code, conclusion, referred_to_police, "
                             "imported_at) VALUES ('CL1', 'C01', '确认欺诈', '是', '2019-08-20')")
    fp = feedback_progress(store, as_of=dt.date(2019, 9, 5)).set_index("company_code")
    assert (fp.loc["C01", "dispatched"], fp.loc["C01", "returned"], fp.loc["C01", "overdue"]) == (3, 1, 2)
    assert fp.loc["C01", "referred"] == 1
    st = deadline_status(con, store, campaign, as_of=dt.date(2019, 9, 5))
    assert st[(st.company_code == "C01") & (st.deadline == "referral")]["status"].item() == "on_time"
    con.execute("INSERT INTO att7_contact (_batch_id, _row, unit_name, unit_type, company_code, contact_name_mask, "
                "mobile_mask) VALUES ('b', 2, '甲财险', '保险公司', 'C01', '张*', '138****0000')")
    assert contacts(con).iloc[0]["contact"] == "张*"
