"""Clue lifecycle store (线索流转): events, company feedback and panel verdicts.

Why SQLite and not the DuckDB warehouse: the warehouse has one writer at a
time and Voilà dashboards open it read-only, one kernel per panel member.
Verdicts and state changes therefore go to a small SQLite file beside the
warehouse, in WAL mode with a busy timeout, which many processes can write to
at once without losing a row.  The current state of a clue is never stored:
it is derived from its events, so history is always complete.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import audit
from .errors import WorkbenchError

#: States (状态) in order of the clue's life, with their Chinese names.
STATES = {
    "extracted": "已提取",
    "dispatched": "已下发",
    "investigating": "公司核查中",
    "evidence_returned": "已反馈证据",
    "panel_review": "研判中",
    "referred": "已移送公安",
    "more_evidence": "需补充证据",
    "closed_not_fraud": "排除欺诈",
    "case_filed": "已立案",
}

#: Allowed transitions (from → to).  ``None`` is "no event yet".
TRANSITIONS = {
    None: {"extracted", "dispatched"},
    "extracted": {"dispatched", "closed_not_fraud"},
    "dispatched": {"dispatched", "investigating", "evidence_returned", "closed_not_fraud", "referred"},
    "investigating": {"investigating", "evidence_returned", "closed_not_fraud", "referred"},
    "evidence_returned": {"evidence_returned", "investigating", "panel_review", "referred", "more_evidence",
                          "closed_not_fraud"},
    "panel_review": {"referred", "more_evidence", "closed_not_fraud"},
    "more_evidence": {"investigating", "evidence_returned", "panel_review", "referred", "closed_not_fraud"},
    "referred": {"case_filed", "referred"},
    "closed_not_fraud": {"panel_review", "investigating", "evidence_returned"},  # reopened with new evidence
    "case_filed": {"case_filed"},
}

VERDICTS = {"refer": ("移送公安", "referred"), "more_evidence": ("需补充证据", "more_evidence"),
            "not_fraud": ("排除欺诈", "closed_not_fraud")}

SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,            -- clue id or ring id
    subject_kind TEXT NOT NULL,       -- clue / ring
    state TEXT NOT NULL,
    actor TEXT NOT NULL,
    reason TEXT,
    details TEXT,                     -- JSON
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_subject ON events(subject, event_id);
CREATE TABLE IF NOT EXISTS verdicts (
    verdict_id INTEGER PRIMARY KEY AUTOINCREMENT,
    subject TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    verdict TEXT NOT NULL,            -- refer / more_evidence / not_fraud
    reason TEXT NOT NULL,
    panel TEXT NOT NULL,              -- JSON list of members present
    session TEXT,
    recorded_by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS feedback (
    feedback_id INTEGER PRIMARY KEY AUTOINCREMENT,
    clue_id TEXT NOT NULL,
    company_code TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    amount_involved REAL,
    amount_recovered REAL,
    referred_to_police TEXT,
    referral_date TEXT,
    police_case_no TEXT,
    checker TEXT,
    remarks TEXT,
    source_file TEXT,
    source_sha256 TEXT,
    source_row INTEGER,
    imported_by TEXT,
    imported_at TEXT NOT NULL,
    superseded_by INTEGER             -- a later feedback row for the same clue and company
);
CREATE INDEX IF NOT EXISTS feedback_clue ON feedback(clue_id, company_code);
CREATE TABLE IF NOT EXISTS dispatches (
    dispatch_id TEXT NOT NULL,
    company_code TEXT NOT NULL,
    workbook TEXT NOT NULL,           -- path of the workbook written
    workbook_sha256 TEXT NOT NULL,
    clue_count INTEGER NOT NULL,
    issued TEXT NOT NULL,
    due TEXT NOT NULL,
    run_ids TEXT,                     -- screening runs the clues came from
    actor TEXT NOT NULL,
    at TEXT NOT NULL
);
"""


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="microseconds")


@dataclass
class LifecycleStore:
    """The lifecycle database; open one per process (connections are not shared)."""

    path: Path

    def __post_init__(self):
        self.path = Path(self.path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        self._con.execute("PRAGMA journal_mode=WAL")
        self._con.execute("PRAGMA busy_timeout=60000")
        self._con.execute("PRAGMA synchronous=NORMAL")
        self._con.executescript(SCHEMA + audit.SCHEMA)  # the audit log lives here too (see audit.py)

    def close(self) -> None:
        self._con.close()

    # --- events -------------------------------------------------------------------------------

    def state_of(self, subject: str) -> str | None:
        row = self._con.execute("SELECT state FROM events WHERE subject = ? ORDER BY event_id DESC LIMIT 1",
                                [subject]).fetchone()
        return row[0] if row else None

    def record_event(self, subject: str, state: str, actor: str, reason: str = "", details: dict | None = None,
                     subject_kind: str = "clue", check: bool = True) -> None:
        """Append a state change; refuse a transition the life of a clue does not allow."""
        if state not in STATES:
            raise WorkbenchError(f"未知状态 / unknown state {state!r}")
        self._con.execute("BEGIN IMMEDIATE")
        try:
            current = self.state_of(subject)
            if check and state not in TRANSITIONS[current]:
                raise WorkbenchError(
                    f"线索 {subject} 当前状态为“{STATES.get(current, '无')}”，不能变为“{STATES[state]}” / "
                    f"{subject}: cannot go from {current} to {state}")
            self._con.execute(
                "INSERT INTO events (subject, subject_kind, state, actor, reason, details, at) VALUES (?,?,?,?,?,?,?)",
                [subject, subject_kind, state, actor or "未配置", reason,
                 json.dumps(details, ensure_ascii=False) if details else None, _now()])
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise

    def record_events(self, subjects: list[str], state: str, actor: str, reason: str = "",
                      subject_kind: str = "clue") -> int:
        """Bulk-append the same state to many subjects where the transition is allowed; return count."""
        now = _now()
        self._con.execute("BEGIN IMMEDIATE")
        try:
            latest = dict(self._con.execute(
                "SELECT subject, state FROM events e WHERE event_id = (SELECT max(event_id) FROM events x "
                "WHERE x.subject = e.subject)").fetchall())
            rows = [(s, subject_kind, state, actor or "未配置", reason, None, now) for s in subjects
                    if state in TRANSITIONS[latest.get(s)]]
            self._con.executemany(
                "INSERT INTO events (subject, subject_kind, state, actor, reason, details, at) VALUES (?,?,?,?,?,?,?)",
                rows)
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise
        return len(rows)

    def history(self, subject: str) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM events WHERE subject = ? ORDER BY event_id", self._con,
                                 params=[subject])

    def current_states(self) -> pd.DataFrame:
        """subject, state, state_zh, since — derived from the latest event of each subject."""
        df = pd.read_sql_query(
            "SELECT subject, subject_kind, state, at AS since FROM events e WHERE event_id = "
            "(SELECT max(event_id) FROM events x WHERE x.subject = e.subject)", self._con)
        df["state_zh"] = df["state"].map(STATES)
        return df

    # --- verdicts -----------------------------------------------------------------------------

    def record_verdict(self, subject: str, verdict: str, reason: str, panel: list[str], recorded_by: str,
                       session: str | None = None, subject_kind: str = "clue") -> int:
        """A panel's verdict (研判结论); also moves the subject to the verdict's state."""
        if verdict not in VERDICTS:
            raise WorkbenchError(f"研判结论应为 {list(VERDICTS)} 之一 / verdict must be one of {list(VERDICTS)}")
        if not reason or not reason.strip():
            raise WorkbenchError("请填写研判理由 / a verdict needs a reason")
        if not panel:
            raise WorkbenchError("请填写出席的研判专家 / list the panel members present")
        now = _now()
        self._con.execute("BEGIN IMMEDIATE")
        try:
            before = self.state_of(subject)
            cur = self._con.execute(
                "INSERT INTO verdicts (subject, subject_kind, verdict, reason, panel, session, recorded_by, at) "
                "VALUES (?,?,?,?,?,?,?,?)",
                [subject, subject_kind, verdict, reason.strip(), json.dumps(list(panel), ensure_ascii=False),
                 session, recorded_by or "未配置", now])
            self._con.execute(
                "INSERT INTO events (subject, subject_kind, state, actor, reason, details, at) VALUES (?,?,?,?,?,?,?)",
                [subject, subject_kind, VERDICTS[verdict][1], recorded_by or "未配置", reason.strip(),
                 json.dumps({"verdict_id": cur.lastrowid, "session": session}, ensure_ascii=False), now])
            # the verdict and its audit entry are one transaction
            audit.append(self._con, "verdict", operator=recorded_by or audit.UNCONFIGURED,
                         operator_source="explicit" if recorded_by else "unconfigured", subject=subject,
                         summary=f"研判结论：{VERDICTS[verdict][0]}" + (f"（{session}）" if session else ""),
                         inputs=[{"clue": subject, "state_before": before, "verdict_id": cur.lastrowid}],
                         outputs=[{"path": f"{self.path.name}#verdicts/{cur.lastrowid}"}],
                         details={"verdict": verdict, "subject_kind": subject_kind, "panel_size": len(panel)},
                         in_transaction=True)
            self._con.execute("COMMIT")
        except Exception:
            self._con.execute("ROLLBACK")
            raise
        return cur.lastrowid

    def record_dispatch(self, dispatch_id: str, company: str, workbook: str, sha256: str, clue_ids: list[str],
                        issued: dt.date, due: dt.date, run_ids: str, actor: str) -> int:
        """Record a workbook sent to a company and move its clues to ``dispatched`` (线索下发)."""
        self._con.execute(
            "INSERT INTO dispatches VALUES (?,?,?,?,?,?,?,?,?,?)",
            [dispatch_id, company, workbook, sha256, len(clue_ids), issued.isoformat(), due.isoformat(), run_ids,
             actor or "未配置", _now()])
        return self.record_events(clue_ids, "dispatched", actor, f"{dispatch_id} 下发至 {company}")

    def dispatches(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM dispatches ORDER BY at", self._con)

    def verdicts(self) -> pd.DataFrame:
        return pd.read_sql_query("SELECT * FROM verdicts ORDER BY verdict_id", self._con)

    # --- raw access for feedback import and reports ------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        return self._con


def default_store_path(warehouse: Path) -> Path:
    """The lifecycle file lives beside the warehouse (``lifecycle.sqlite``)."""
    return Path(warehouse).with_name("lifecycle.sqlite")
