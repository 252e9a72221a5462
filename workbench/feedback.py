"""Feedback import (反馈导入): read the workbooks companies return and record what they found.

Each row of a returned clue list is matched to its clue by 线索编号, validated
with the contract kind ``clue_feedback`` (a bad value is rejected with the
reason, never guessed), checked against the clue's companies (a company can
only answer for its own clues), and recorded in the lifecycle store with who
and when.  Re-importing the same answer changes nothing; a changed answer is
recorded as a new row that supersedes the old one, so history is kept.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from .config import Campaign
from .contract import CLUE_FEEDBACK
from .errors import WorkbenchError
from .ingest.load import sha256_file
from .ingest.mapping import map_headers
from .ingest.reader import RawTable, read_xlsx
from .ingest.validate import validate
from .lifecycle import TRANSITIONS, LifecycleStore
from .protect import Tokenizer
from .workbook import CLUE_SHEET

FEEDBACK_VALUE_FIELDS = [f.name for f in CLUE_FEEDBACK.fields if f.name not in ("clue_id", "company_code")]
#: Normalisations not listed back to the company: cosmetic (full-width characters, spaces, list
#: separators in free text); every other one (a synonym such as Y → 是, a date or number rewritten)
#: is shown with the result and kept in the audit entry, as ingest keeps them in its receipts.
QUIET_NOTES = {"text_format", "list_format"}
CONCLUSION_STATE = {"确认欺诈": "evidence_returned", "排除欺诈": "evidence_returned", "核查中": "investigating"}


@dataclass
class FeedbackResult:
    path: Path
    company: str | None
    recorded: int = 0
    unchanged: int = 0
    blank: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row, "原因 / reason"；…)
    notes: list[tuple[int, str]] = field(default_factory=list)  # (row, "规范化 / normalisation"), accepted rows
    failed: str | None = None  # the whole file was not imported: why ("原因 / reason")

    def to_text(self) -> str:
        if self.failed:
            return f"未导入 FAILED {self.path.name}: {self.failed}"
        s = (f"{self.path.name} [{self.company}]: 记录 recorded {self.recorded}, 未变化 unchanged {self.unchanged}, "
             f"未填写 blank {self.blank}, 退回 rejected {len(self.errors)}, 已规范化 normalised {len(self.notes)}")
        lines = [s] + [f"  第{r}行 row {r}: {m}" for r, m in self.errors[:50]]
        if len(self.errors) > 50:
            lines.append(f"  … 另有 {len(self.errors) - 50} 行退回 / {len(self.errors) - 50} more rows rejected")
        lines += [f"  第{r}行 row {r} 已规范化 normalised: {m}" for r, m in self.notes[:50]]
        if len(self.notes) > 50:
            lines.append(f"  … 另有 {len(self.notes) - 50} 处规范化 / {len(self.notes) - 50} more normalisations")
        return "\n".join(lines)


def _bilingual(zh: str, en: str | None) -> str:
    """A reason as the user sees it: Chinese first, English beside it."""
    return f"{zh} / {en}" if en else zh


def import_feedback(path: Path, con: duckdb.DuckDBPyConnection, store: LifecycleStore, campaign: Campaign,
                    actor: str, company: str | None = None) -> FeedbackResult:
    """Import one returned workbook; every row is recorded, skipped as blank, or rejected with a reason.

    A file that cannot be imported as a whole (sheet renamed, 线索编号 column gone, truncated file,
    company unknown) comes back with ``failed`` set and leaves a ``failed`` audit entry.
    """
    path = Path(path)
    result = FeedbackResult(path, company)
    _import(path, con, store, campaign, actor, result)
    if result.failed:
        # audit trail (审计日志): a returned file that was not imported, and why
        from .audit import record

        sha = sha256_file(path) if path.is_file() else None
        record(store, "feedback", campaign=campaign, operator=actor, con=con, data_inputs=False,
               company=result.company, subject=path.name, status="failed",
               inputs=[{"file": path.name, "sha256": sha}], outputs=[],
               summary=f"反馈文件未导入 {path.name}：{result.failed}", details={"reason": result.failed})
    return result


def _import(path: Path, con: duckdb.DuckDBPyConnection, store: LifecycleStore, campaign: Campaign, actor: str,
            result: FeedbackResult) -> None:
    company = result.company
    try:
        raw = read_xlsx(path, CLUE_SHEET)
    except WorkbenchError as exc:
        result.failed = str(exc).removeprefix(f"{path.name}: ")  # the file is named beside the reason
        return
    mapping = map_headers(CLUE_FEEDBACK, raw.headers)
    if "线索编号" in mapping.missing_required or all(n != "clue_id" for n in mapping.columns.values()):
        result.failed = ("找不到“线索编号”列：工作簿可能被重新录入或改动了表头，请在协会下发的原工作簿中填写反馈 / "
                         "no 线索编号 column: the workbook was re-typed or its headers changed; fill in the original")
        return
    # rows where no feedback value was filled in are simply not answered yet
    value_cols = [i for i, n in mapping.columns.items() if n in FEEDBACK_VALUE_FIELDS]
    filled = (raw.data[value_cols].apply(lambda c: c.str.strip()) != "").any(axis=1) if value_cols else \
        pd.Series(False, index=raw.data.index)
    result.blank = int((~filled).sum())
    raw = RawTable(raw.headers, raw.data[filled.values].reset_index(drop=True),
                   raw.rows[filled.values].reset_index(drop=True), raw.file_format, raw.encoding, raw.sheet)
    companies_in_file = {v.strip() for i, n in mapping.columns.items() if n == "company_code" for v in raw.data[i]
                         if v.strip()}
    file_company = company or (sorted(companies_in_file)[0] if len(companies_in_file) == 1 else None)
    result.company = file_company
    if file_company is None:
        result.failed = "无法确定反馈公司：请用 --company 指定，或检查“公司代码”列 / cannot tell the company; pass --company"
        return
    v = validate(raw, mapping, campaign, Tokenizer(b"\0" * 32), file_company)
    errors = {int(r): [] for r in v.rejects["row"]}
    for r, zh, en in zip(v.rejects["row"], v.rejects["reason_zh"], v.rejects["reason_en"], strict=True):
        errors[int(r)].append(_bilingual(zh, en))
    table = v.table
    if len(table):
        ids = list(table["clue_id"])
        known = con.execute(
            "SELECT c.clue_id, list(DISTINCT r.company_code) FROM clues c LEFT JOIN clue_records r USING (clue_id) "
            "WHERE c.clue_id IN (SELECT unnest(?::VARCHAR[])) GROUP BY c.clue_id", [ids]).fetchall()
        owners = {cid: set(cs or []) for cid, cs in known}
        ok = np.ones(len(table), dtype=bool)
        for i, (row, cid) in enumerate(zip(table["_row"], table["clue_id"], strict=True)):
            if cid not in owners:
                errors.setdefault(int(row), []).append(f"线索编号 {cid} 不存在，请勿修改线索编号 / unknown clue id")
                ok[i] = False
            elif file_company not in owners[cid]:
                errors.setdefault(int(row), []).append(
                    f"线索 {cid} 不是下发给本公司({file_company})的线索，只能反馈本公司的线索 / not this company's clue")
                ok[i] = False
        table = table[ok]
    result.errors = sorted((r, "；".join(m)) for r, m in errors.items())
    result.notes = _notes(v.notes, raw, mapping, table)
    sha = sha256_file(path)
    now = dt.datetime.now().isoformat(timespec="seconds")
    sql = store.connection
    for rec in table.to_dict("records"):
        values = {k: _plain(rec.get(k)) for k in FEEDBACK_VALUE_FIELDS}
        prev = sql.execute(
            "SELECT feedback_id, " + ", ".join(FEEDBACK_VALUE_FIELDS) + " FROM feedback WHERE clue_id = ? AND "
            "company_code = ? AND superseded_by IS NULL", [rec["clue_id"], file_company]).fetchone()
        if prev and list(prev[1:]) == [values[k] for k in FEEDBACK_VALUE_FIELDS]:
            result.unchanged += 1
            continue
        sql.execute("BEGIN IMMEDIATE")
        cur = sql.execute(
            "INSERT INTO feedback (clue_id, company_code, " + ", ".join(FEEDBACK_VALUE_FIELDS) +
            ", source_file, source_sha256, source_row, imported_by, imported_at) VALUES (" +
            ",".join("?" * (len(FEEDBACK_VALUE_FIELDS) + 7)) + ")",
            [rec["clue_id"], file_company, *[values[k] for k in FEEDBACK_VALUE_FIELDS], path.name, sha,
             int(rec["_row"]), actor, now])
        if prev:
            sql.execute("UPDATE feedback SET superseded_by = ? WHERE feedback_id = ?", [cur.lastrowid, prev[0]])
        sql.execute("COMMIT")
        state = CONCLUSION_STATE[values["conclusion"]]
        if values.get("referred_to_police") == "是":
            state = "referred"
        reason = f"{file_company}反馈：{values['conclusion']}" + (f"，已移送公安{values.get('police_case_no') or ''}"
                                                                  if state == "referred" else "")
        current = store.state_of(rec["clue_id"])
        if state in TRANSITIONS[current]:
            store.record_event(rec["clue_id"], state, f"{file_company}/{actor}", reason,
                               {"feedback_id": cur.lastrowid})
        result.recorded += 1
    from .audit import record  # audit trail (审计日志): the returned file's hash, what was recorded

    record(store, "feedback", campaign=campaign, operator=actor, con=con, data_inputs=False, company=file_company,
           subject=path.name, inputs=[{"file": path.name, "sha256": sha}],
           outputs=[{"path": f"{store.path.name}#feedback", "rows": result.recorded}],
           summary=f"导入{file_company}反馈 {path.name}：记录 {result.recorded} 条，未变化 {result.unchanged} 条，"
                   f"退回 {len(result.errors)} 行，规范化 {len(result.notes)} 处",
           details={"rejected": [{"row": r, "reason": m} for r, m in result.errors],
                    "normalised": [{"row": r, "note": m} for r, m in result.notes]})


def _notes(notes: pd.DataFrame, raw: RawTable, mapping, table: pd.DataFrame) -> list[tuple[int, str]]:
    """The normalisations applied to the rows kept (a synonym such as Y → 是, a date rewritten …),
    bilingual; for a choice field, the value as written and as stored."""
    kept = {int(r) for r in table["_row"]}
    column_of = {n: i for i, n in mapping.columns.items()}
    enums = {f.name for f in CLUE_FEEDBACK.fields if f.type == "enum"}
    stored = {int(r): rec for r, rec in zip(table["_row"], table.to_dict("records"), strict=True)}
    written = {int(r): i for i, r in enumerate(raw.rows)}
    out = []
    for r, fname, code, zh, en in zip(notes["row"], notes["field"], notes["code"], notes["note_zh"],
                                      notes["note_en"], strict=True):
        r = int(r)
        if r not in kept or code in QUIET_NOTES:
            continue
        if fname in enums and fname in column_of and r in written:
            before = str(raw.data.iloc[written[r], column_of[fname]]).strip()
            after = stored[r].get(fname)
            zh, en = f"{zh}(“{before}”→“{after}”)", f"{en} ('{before}' → '{after}')"
        out.append((r, _bilingual(zh, en)))
    return out


def _plain(v):
    if v is None or (isinstance(v, float) and v != v) or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp | dt.datetime):
        return v.date().isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    if hasattr(v, "item"):
        return v.item()
    return v


def feedback_table(store: LifecycleStore, history: bool = False) -> pd.DataFrame:
    """Current feedback (or the whole history) as a frame."""
    where = "" if history else "WHERE superseded_by IS NULL"
    return pd.read_sql_query(f"SELECT * FROM feedback {where} ORDER BY feedback_id", store.connection)
