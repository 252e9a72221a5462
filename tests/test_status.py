"""Campaign calendar: per company what is due, what came in and when, what is late."""

from __future__ import annotations

import datetime as dt

import pandas as pd

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


def test_as_of_counts_only_what_was_received_by_then(campaign, tmp_path):
    con = connect(tmp_path / "w.duckdb")
    con.execute("INSERT INTO company VALUES ('b', 2, 'C01', '甲财险吉林分公司', '财产险', '长春'), "
                "('b', 3, 'C02', '乙人寿吉林分公司', '人身险', '吉林'), ('b', 4, 'C03', '丙财险吉林分公司', '财产险', '四平')")
    _manifest(con, "b1", "att7_contact", "C01", dt.datetime(2019, 7, 15, 9))    # on time
    _manifest(con, "b2", "att7_contact", "C02", dt.datetime(2026, 12, 4, 10))   # long after the as-of date
    _manifest(con, "b3", "att7_contact", "C03", dt.datetime(2019, 7, 20, 18))   # late, on the as-of day itself
    store = LifecycleStore(tmp_path / "lc.sqlite")
    store.record_dispatch("D1", "C01", "wb.xlsx", "sha", ["CL1", "CL2"], dt.date(2019, 7, 1),
                          dt.date(2019, 7, 10), "R1", "协会")
    store.connection.execute("INSERT INTO feedback (clue_id, company_code, conclusion, imported_at) VALUES "
                             "('CL1', 'C01', '核查中', '2019-07-05T10:00:00'), ('CL2', 'C01', '确认欺诈', '2019-08-20T10:00:00')")
    store.connection.execute("INSERT INTO feedback (clue_id, company_code, conclusion, imported_at) VALUES "
                             "('CL1', 'C01', '排除欺诈', '2019-08-21T10:00:00')")
    store.connection.execute("UPDATE feedback SET superseded_by = 3 WHERE feedback_id = 1")
    st = deadline_status(con, store, campaign, as_of=dt.date(2019, 7, 20)).set_index(["company_code", "deadline"])
    assert st.loc[("C01", "contacts"), "status"] == "on_time"
    assert st.loc[("C02", "contacts"), "status"] == "late"                 # not submitted as of 07-20
    assert pd.isna(st.loc[("C02", "contacts"), "received"])
    assert st.loc[("C02", "contacts"), "kinds_received"] == ""
    assert st.loc[("C03", "contacts"), "status"] == "late_submitted"
    assert st.loc[("C03", "contacts"), "received"] == dt.datetime(2019, 7, 20, 18)
    text = status_text(st.reset_index(), dt.date(2019, 7, 20))
    assert "    逾期未交 C02 乙人寿吉林分公司\n" in text + "\n"
    assert "    逾期提交 C03 丙财险吉林分公司 (收到 2019-07-20)" in text
    assert "2026" not in text
    later = deadline_status(con, store, campaign, as_of=dt.date(2026, 12, 5)).set_index(["company_code", "deadline"])
    assert later.loc[("C02", "contacts"), "status"] == "late_submitted"
    fp = feedback_progress(store, as_of=dt.date(2019, 7, 20)).set_index("company_code")
    assert (fp.loc["C01", "dispatched"], fp.loc["C01", "returned"], fp.loc["C01", "confirmed"],
            fp.loc["C01", "overdue"]) == (2, 1, 0, 1)
    assert feedback_progress(store, as_of=dt.date(2019, 6, 30)).empty   # nothing dispatched yet
    fp = feedback_progress(store, as_of=dt.date(2019, 9, 1)).set_index("company_code")
    assert (fp.loc["C01", "returned"], fp.loc["C01", "confirmed"], fp.loc["C01", "overdue"]) == (2, 1, 0)
