"""Campaign calendar and per-company status (进度与时限): what is due, what came in, what is late.

Deadlines and the submission kinds that deliver them come from ``campaign.toml``;
arrivals come from the warehouse manifest (submissions, attachments) and the
lifecycle store (dispatches and returned feedback).  ``as_of`` fixes "today" so
a past campaign can be replayed: as of a date, only what was received (loaded, imported,
dispatched) on or before that date counts; anything later is not there yet.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from .config import Campaign
from .lifecycle import LifecycleStore

STATUS_ZH = {"on_time": "按时提交", "late_submitted": "逾期提交", "late": "逾期未交", "due": "待提交"}


def deadline_status(con: duckdb.DuckDBPyConnection, store: LifecycleStore | None, campaign: Campaign,
                    as_of: dt.date | None = None) -> pd.DataFrame:
    """One row per company and deadline; only arrivals on or before ``as_of`` count."""
    as_of = as_of or dt.date.today()
    cutoff = dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())  # the end of the as-of day
    comp = con.execute("SELECT company_code, company_name FROM company").df()
    seen = con.execute("SELECT DISTINCT company_code FROM manifest WHERE company_code IS NOT NULL").df()
    companies = pd.concat([comp, seen[~seen.company_code.isin(comp.company_code)]], ignore_index=True)
    if store is not None:
        sent = pd.read_sql_query("SELECT DISTINCT company_code FROM dispatches", store.connection)
        companies = pd.concat([companies, sent[~sent.company_code.isin(companies.company_code)]], ignore_index=True)
    arrivals = con.execute("SELECT company_code, kind, min(loaded_at) AS first_at, max(loaded_at) AS last_at "
                           "FROM manifest WHERE status IN ('loaded', 'replaced') AND company_code IS NOT NULL "
                           "AND loaded_at < ? GROUP BY ALL", [cutoff]).df()
    if store is not None:
        fb = pd.read_sql_query("SELECT company_code, 'clue_feedback' AS kind, min(imported_at) AS first_at, "
                               "max(imported_at) AS last_at FROM feedback WHERE imported_at < ? "
                               "GROUP BY company_code", store.connection, params=[cutoff.isoformat()])
        if len(fb):
            fb["first_at"] = pd.to_datetime(fb["first_at"])
            fb["last_at"] = pd.to_datetime(fb["last_at"])
            arrivals = pd.concat([arrivals, fb], ignore_index=True)
    rows = []
    for d in campaign.deadlines:
        if not d.kinds:
            continue
        got = arrivals[arrivals.kind.isin(d.kinds)]
        for code, name in zip(companies.company_code, companies.company_name, strict=True):
            mine = got[got.company_code == code]
            first = mine["first_at"].min() if len(mine) else None
            if first is not None and not pd.isna(first):
                status = "on_time" if pd.Timestamp(first).date() <= d.date else "late_submitted"
            else:
                status = "late" if as_of > d.date else "due"
            rows.append({"company_code": code, "company_name": name, "deadline": d.id, "date": d.date,
                         "what": d.zh, "status": status, "status_zh": STATUS_ZH[status],
                         "received": None if first is None or pd.isna(first) else pd.Timestamp(first).to_pydatetime(),
                         "kinds_received": ";".join(sorted(mine.kind.unique())) if len(mine) else ""})
    return pd.DataFrame(rows, columns=["company_code", "company_name", "deadline", "date", "what", "status",
                                       "status_zh", "received", "kinds_received"])


def feedback_progress(store: LifecycleStore, as_of: dt.date | None = None) -> pd.DataFrame:
    """Per company: clues dispatched, feedback returned, overdue without feedback — as of ``as_of``
    (dispatches issued and feedback imported on or before it; an answer replaced later still counts)."""
    as_of = as_of or dt.date.today()
    cutoff = (as_of + dt.timedelta(days=1)).isoformat()
    q = """
        WITH d AS (SELECT company_code, min(due) AS due, sum(clue_count) AS dispatched FROM dispatches
                   WHERE issued < :cutoff GROUP BY 1),
             fb AS (SELECT * FROM feedback WHERE imported_at < :cutoff AND (superseded_by IS NULL OR superseded_by IN
                    (SELECT feedback_id FROM feedback WHERE imported_at >= :cutoff))),
             f AS (SELECT company_code, count(DISTINCT clue_id) AS returned,
                          sum(conclusion = '确认欺诈') AS confirmed, sum(referred_to_police = '是') AS referred
                   FROM fb GROUP BY 1)
        SELECT d.company_code, d.dispatched, coalesce(f.returned, 0) AS returned, coalesce(f.confirmed, 0) AS confirmed,
               coalesce(f.referred, 0) AS referred, d.due
        FROM d LEFT JOIN f USING (company_code) ORDER BY 1
    """
    df = pd.read_sql_query(q, store.connection, params={"cutoff": cutoff})
    df["overdue"] = [max(0, int(n) - int(r)) if dt.date.fromisoformat(due) < as_of else 0
                     for n, r, due in zip(df.dispatched, df.returned, df.due, strict=True)]
    return df


def contacts(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Attachment 7 contacts, masked (联系人)."""
    return con.execute("SELECT unit_name, unit_type, company_code, city, contact_name_mask AS contact, position, "
                       "mobile_mask AS mobile, office_phone_mask AS office_phone FROM att7_contact "
                       "ORDER BY unit_type, company_code, unit_name").df()


def status_text(status: pd.DataFrame, as_of: dt.date) -> str:
    lines = [f"专项行动进度 / campaign status as of {as_of}"]
    for _, grp in status.groupby("deadline", sort=False):
        first = grp.iloc[0]
        counts = grp["status_zh"].value_counts().to_dict()
        lines.append(f"\n{first['date']} {first['what']}  " + "  ".join(f"{k}:{v}" for k, v in counts.items()))
        late = grp[grp.status.isin(["late", "late_submitted"])]
        for r in late.itertuples():
            when = f" (收到 {r.received:%Y-%m-%d})" if pd.notna(r.received) else ""
            lines.append(f"    {r.status_zh} {r.company_code} {r.company_name or ''}{when}")
    return "\n".join(lines)
