"""Third-party investigators (第三方调查机构): assignments and the packages they receive.

The campaign plan lets the association engage third-party investigators to clean data and secure
evidence (§三.2).  An **assignment** (委托) gives one clue or ring to one investigator: their name and
organisation, the scope of the work, the dates it runs, and optionally which companies' records it
covers.  It is stored in the lifecycle store (table ``assignments``) and appears in the clue's
history (an event that leaves its state unchanged) and in the audit trail.

``workbench package --investigator`` writes, for an assignment in force, a self-checking package
(the same manifest.json + SHA256SUMS as the delivery packages) holding only what the assignment
covers: the clue's summary and evidence, and the records behind that clue — masked, nothing of any
other clue, nothing unmasked.  The insurer that holds a record re-identifies the people when the
investigator needs it.  Writing the package is logged in the audit trail and the clue's history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
from openpyxl import Workbook

from . import audit
from .case_study import ROLE_ZH
from .config import Campaign
from .contract import KINDS
from .errors import WorkbenchError
from .ingest.scrub import scrub
from .lifecycle import STATES, LifecycleStore
from .package import build_package, verify_package
from .taxonomy import FRAUD_KINDS, LINES
from .xlsx import append_rows, cell

SCHEMA = """
CREATE TABLE IF NOT EXISTS assignments (
    assignment_id TEXT PRIMARY KEY,   -- WT<yyyymmdd>-<nnn>
    subject TEXT NOT NULL,            -- clue or ring id
    subject_kind TEXT NOT NULL,       -- clue / ring
    investigator TEXT NOT NULL,       -- the investigator's name
    organisation TEXT NOT NULL,       -- their firm
    scope TEXT NOT NULL,              -- the work asked for
    companies TEXT,                   -- ';'-joined company codes whose records it covers; NULL = all of the clue's
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    assigned_by TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS assignments_subject ON assignments(subject);
"""


@dataclass(frozen=True)
class Assignment:
    assignment_id: str
    subject: str
    subject_kind: str
    investigator: str
    organisation: str
    scope: str
    companies: tuple[str, ...] | None
    start_date: dt.date
    end_date: dt.date
    assigned_by: str
    at: str

    def in_force(self, day: dt.date) -> bool:
        return self.start_date <= day <= self.end_date

    def to_dict(self) -> dict:
        return {
            "assignment_id": self.assignment_id,
            "subject": self.subject,
            "subject_kind": self.subject_kind,
            "investigator": self.investigator,
            "organisation": self.organisation,
            "scope": self.scope,
            "companies": list(self.companies) if self.companies else None,
            "start_date": self.start_date.isoformat(),
            "end_date": self.end_date.isoformat(),
            "assigned_by": self.assigned_by,
        }


def _ensure(store: LifecycleStore) -> None:
    store.connection.executescript(SCHEMA)


def _row_to_assignment(r) -> Assignment:
    return Assignment(
        r["assignment_id"],
        r["subject"],
        r["subject_kind"],
        r["investigator"],
        r["organisation"],
        r["scope"],
        tuple(r["companies"].split(";")) if r["companies"] else None,
        dt.date.fromisoformat(r["start_date"]),
        dt.date.fromisoformat(r["end_date"]),
        r["assigned_by"],
        r["at"],
    )


def _clue(con, subject: str) -> pd.Series:
    df = con.execute("SELECT * FROM clues WHERE clue_id = ?", [subject]).df()
    if df.empty:
        raise WorkbenchError(f"线索 {subject} 不存在 / no clue or ring {subject}")
    return df.iloc[0]


def _history_event(
    store: LifecycleStore, subject: str, subject_kind: str, actor: str, reason: str, details: dict
) -> None:
    """An entry in the clue's history that leaves its state as it is."""
    state = store.state_of(subject) or "extracted"
    store.record_event(
        subject, state, actor, reason, details, subject_kind=subject_kind, check=False
    )


def assign(
    con: duckdb.DuckDBPyConnection,
    store: LifecycleStore,
    campaign: Campaign,
    subject: str,
    *,
    investigator: str,
    organisation: str,
    scope: str,
    start: dt.date,
    end: dt.date,
    companies: list[str] | None = None,
    operator: str | None = None,
) -> Assignment:
    """Assign a clue or ring to an investigator; recorded in the store, the clue's history and the audit trail."""
    for what, value in (
        ("调查人员姓名 investigator", investigator),
        ("调查机构 organisation", organisation),
        ("委托范围 scope", scope),
    ):
        if not value or not str(value).strip():
            raise WorkbenchError(f"请填写{what} / {what.split(' ')[1]} is required")
    if end < start:
        raise WorkbenchError(
            f"委托结束日期 {end} 早于开始日期 {start} / assignment ends before it starts"
        )
    clue = _clue(con, subject)
    kind = "ring" if clue.rule_id == "ring" else "clue"
    own = set(clue.companies.split(";"))
    if companies:
        extra = sorted(set(companies) - own)
        if extra:
            raise WorkbenchError(
                f"线索 {subject} 不涉及公司 {'、'.join(extra)}（涉及 {clue.companies}） / "
                f"{subject} does not involve {', '.join(extra)}"
            )
    who, _ = audit.operator_of(campaign, operator)
    _ensure(store)
    sql = store.connection
    sql.execute("BEGIN IMMEDIATE")
    try:
        prefix = f"WT{dt.date.today():%Y%m%d}-"
        n = sql.execute(
            "SELECT count(*) FROM assignments WHERE assignment_id LIKE ?", [prefix + "%"]
        ).fetchone()[0]
        aid = f"{prefix}{n + 1:03d}"
        now = dt.datetime.now().isoformat(timespec="seconds")
        sql.execute(
            "INSERT INTO assignments VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                aid,
                subject,
                kind,
                investigator.strip(),
                organisation.strip(),
                scope.strip(),
                ";".join(sorted(companies)) if companies else None,
                start.isoformat(),
                end.isoformat(),
                who,
                now,
            ],
        )
        sql.execute("COMMIT")
    except Exception:
        sql.execute("ROLLBACK")
        raise
    a = get_assignment(store, aid)
    _history_event(
        store,
        subject,
        kind,
        who,
        f"指派第三方调查：{a.organisation}（{a.investigator}），范围：{a.scope}，期限 {start} 至 {end}",
        {"assignment_id": aid, "event": "investigator_assigned"},
    )
    audit.record(
        store,
        "assign",
        campaign=campaign,
        operator=operator,
        con=con,
        data_inputs=False,
        subject=subject,
        inputs=[{"clue": subject, "kind": kind, "companies": clue.companies}],
        summary=f"指派 {aid}：{a.organisation}（{a.investigator}）调查 {subject}，{start} 至 {end}",
        outputs=[{"path": f"{store.path.name}#assignments/{aid}"}],
        details=a.to_dict(),
    )
    return a


def get_assignment(store: LifecycleStore, assignment_id: str) -> Assignment:
    _ensure(store)
    row = pd.read_sql_query(
        "SELECT * FROM assignments WHERE assignment_id = ?",
        store.connection,
        params=[assignment_id],
    )
    if row.empty:
        raise WorkbenchError(f"没有委托 {assignment_id} / no assignment {assignment_id}")
    return _row_to_assignment(row.iloc[0])


def assignments(store: LifecycleStore, subject: str | None = None) -> pd.DataFrame:
    _ensure(store)
    return pd.read_sql_query(
        "SELECT * FROM assignments WHERE ? IS NULL OR subject = ? ORDER BY at, assignment_id",
        store.connection,
        params=[subject, subject],
    )


def find_assignments(store: LifecycleStore, key: str, day: dt.date) -> list[Assignment]:
    """An assignment id, or every assignment of the investigator so named that is in force on ``day``."""
    _ensure(store)
    df = assignments(store)
    if key in set(df["assignment_id"]):
        return [get_assignment(store, key)]
    mine = [_row_to_assignment(r) for r in df[df["investigator"] == key].to_dict("records")]
    if not mine:
        raise WorkbenchError(
            f"没有编号或调查人员为“{key}”的委托 / no assignment id or investigator {key!r}"
        )
    live = [a for a in mine if a.in_force(day)]
    if not live:
        raise WorkbenchError(
            f"{key} 在 {day} 没有生效的委托 / no assignment of {key} in force on {day}"
        )
    return live


def assigned_records(con, a: Assignment) -> pd.DataFrame:
    """The records the assignment covers: the clue's records (only the named companies', if any), masked."""
    df = con.execute(
        """
        SELECT r.company_code, r.record_kind, r.record_no, r.role, d.line_zh, d.person_mask, d.object_desc,
               d.key_date_zh, d.key_date, d.amount_zh, d.amount
        FROM clue_records r LEFT JOIN v_record_detail d USING (company_code, record_kind, record_no)
        WHERE r.clue_id = ? ORDER BY r.company_code, r.record_kind, r.record_no, r.role""",
        [a.subject],
    ).df()
    if a.companies:
        df = df[df["company_code"].isin(a.companies)]
    return df.reset_index(drop=True)


def investigator_package(
    con: duckdb.DuckDBPyConnection,
    store: LifecycleStore,
    campaign: Campaign,
    assignment_id: str,
    out_dir: Path,
    *,
    as_of: dt.date | None = None,
    operator: str | None = None,
) -> Path:
    """Write the package of one assignment in force; verify it; log it; return the package folder."""
    a = get_assignment(store, assignment_id)
    day = as_of or dt.date.today()
    if not a.in_force(day):
        raise WorkbenchError(
            f"委托 {a.assignment_id} 的期限为 {a.start_date} 至 {a.end_date}，{day} 不在期限内，不能提供材料 / "
            f"assignment {a.assignment_id} runs {a.start_date}..{a.end_date}, not in force on {day}"
        )
    clue = _clue(con, a.subject)
    records = assigned_records(con, a)
    entities = con.execute(
        "SELECT entity_type, mask, role, record_count FROM clue_entities WHERE clue_id = ? "
        "ORDER BY entity_type, role, mask",
        [a.subject],
    ).df()
    links = con.execute(
        "SELECT entity_type, mask, claim_count, company_count FROM ring_links WHERE clue_id = ? "
        "ORDER BY entity_type, mask",
        [a.subject],
    ).df()
    label = audit.operator_label(campaign, operator)
    now = dt.datetime.now()
    kind = FRAUD_KINDS.get(clue.fraud_kind)

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("委托说明")
    ws.append([cell(ws, f"{campaign.name} · 第三方调查材料 / investigator package", bold=True)])
    rows = [
        ("委托编号 assignment", a.assignment_id),
        ("委托单位 association", campaign.association),
        ("调查机构 organisation", a.organisation),
        ("调查人员 investigator", a.investigator),
        ("委托范围 scope", a.scope),
        ("委托期限 dates", f"{a.start_date} 至 {a.end_date}"),
        ("涉及公司 companies", "、".join(a.companies) if a.companies else clue.companies),
        ("线索编号 clue", a.subject),
        ("类型 kind", "团伙线索 ring" if a.subject_kind == "ring" else "线索 clue"),
        ("险种 line", LINES.get(clue.line, clue.line)),
        ("欺诈类型 fraud kind", kind.zh if kind else clue.fraud_kind),
        ("发现规则 rule", f"{clue.rule_id}：{clue.title_zh or ''}"),
        ("证据摘要 evidence", scrub(str(clue.evidence_zh or ""), [])),
        ("涉案记录 records", len(records)),
        ("经办人 operator", label),
        ("生成时间 generated", now.strftime("%Y-%m-%d %H:%M")),
        (
            "保密要求 confidentiality",
            "本材料仅限本次委托使用，不得复制、转交或用于其他目的；委托期满后交还或销毁。",
        ),
        (
            "说明 note",
            "人员信息均已脱敏。如调查需要核实身份，请凭保单号、赔案号联系涉案保险公司，由其在本公司系统内查询。",
        ),
    ]
    for k, v in rows:
        ws.append([cell(ws, k, bold=True), cell(ws, v)])
    ws2 = wb.create_sheet("涉案记录")
    append_rows(
        ws2,
        [
            "公司",
            "记录类型",
            "记录编号",
            "角色",
            "险种/类别",
            "人员(已脱敏)",
            "标的/说明",
            "日期类型",
            "日期",
            "金额类型",
            "金额(元)",
        ],
        [
            [
                r.company_code,
                KINDS[r.record_kind].zh if r.record_kind in KINDS else r.record_kind,
                r.record_no,
                ROLE_ZH.get(r.role, r.role),
                r.line_zh,
                r.person_mask,
                r.object_desc,
                r.key_date_zh,
                r.key_date.date() if isinstance(r.key_date, pd.Timestamp) else r.key_date,
                r.amount_zh,
                r.amount,
            ]
            for r in records.itertuples(index=False)
        ],
    )
    if (
        not a.companies
    ):  # entities are the clue's as a whole; with a company scope they are left out
        ws3 = wb.create_sheet("涉案对象")
        append_rows(
            ws3, ["对象类型", "脱敏信息", "角色", "涉及记录数"], entities.itertuples(index=False)
        )
        if len(links):
            ws4 = wb.create_sheet("团伙关联")
            append_rows(
                ws4,
                ["关联对象类型", "脱敏信息", "关联赔案数", "涉及公司数"],
                links.itertuples(index=False),
            )
    out_dir = Path(out_dir)
    staging = out_dir / "_staging"
    staging.mkdir(parents=True, exist_ok=True)
    form = staging / f"调查材料_{a.subject}.xlsx"
    wb.save(form)
    name = f"调查_{a.assignment_id}_{a.subject}"
    folder = build_package(
        [form],
        out_dir,
        name,
        campaign_name=campaign.name,
        company=None,
        operator=label,
        purpose="第三方调查材料 investigator package",
        extra={"assignment": a.to_dict(), "clue_id": a.subject, "records": int(len(records))},
    )
    form.unlink()
    try:
        staging.rmdir()
    except OSError:
        pass
    check = verify_package(folder)
    if not check.ok:  # pragma: no cover - a fresh package always verifies
        raise WorkbenchError(check.to_text())
    zpath = out_dir / f"{name}.zip"
    who, _ = audit.operator_of(campaign, operator)
    _history_event(
        store,
        a.subject,
        a.subject_kind,
        who,
        f"调查材料包已提供给{a.organisation}（{a.investigator}），委托 {a.assignment_id}，涉案记录 {len(records)} 条",
        {
            "assignment_id": a.assignment_id,
            "event": "investigator_package",
            "package": name,
            "zip_sha256": audit.sha256_of(zpath),
        },
    )
    audit.record(
        store,
        "package_investigator",
        campaign=campaign,
        operator=operator,
        con=con,
        subject=a.subject,
        company=a.companies[0] if a.companies and len(a.companies) == 1 else None,
        outputs=[folder, zpath],
        summary=f"调查材料包 {name}：{a.organisation}（{a.investigator}），涉案记录 {len(records)} 条，校验通过",
        details={
            "assignment_id": a.assignment_id,
            "records": int(len(records)),
            "state": STATES.get(store.state_of(a.subject) or "", ""),
        },
    )
    return folder
