"""Load files into the warehouse, one transaction per file (入库).

This is the only door into the warehouse.  For each file: read it, recognise
its kind, validate and desensitize every row, then in ONE transaction replace
the company's earlier batch of that kind (a resubmission), insert the accepted
rows, the rejects and the notes, and write the manifest row.  A file that
cannot be read is recorded as failed and skipped without stopping the others;
an identical file loaded again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from ..config import Campaign
from ..contract import COMPANY_FIELD, Kind, get_kind
from ..errors import IngestError, WorkbenchError
from ..protect import Tokenizer
from .handoff import restore
from .mapping import Profile, detect_kind, load_profile, map_headers
from .reader import SUPPORTED, read_source
from .validate import validate_source

log = logging.getLogger(__name__)


@dataclass
class FileResult:
    """What happened to one file (for the summary and the receipt)."""

    path: Path
    status: str  # loaded / unchanged / failed
    batch_id: str | None = None
    kind: str | None = None
    company: str | None = None
    file_format: str | None = None
    encoding: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_normalised: int = 0
    rows_warned: int = 0
    replaced: list[str] = field(default_factory=list)
    message_zh: str = ""
    message_en: str = ""
    seconds: float = 0.0


def list_files(paths: list[str | Path]) -> list[Path]:
    """Files to load: given files, and supported files under given folders (sorted)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise IngestError(f"路径不存在 / path not found: {p}")
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.is_file() and x.suffix.lower() in SUPPORTED
                          and not x.name.startswith(("~$", ".")))
        else:
            out.append(p)
    return out


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _file_company(kind: Kind, raw_company: pd.Series | pa.ChunkedArray | None, explicit: str | None) -> str | None:
    """The company a file belongs to: the most frequent company code in it (first seen wins a tie)."""
    if explicit:
        return explicit
    if not kind.has_company or kind.multi_company or raw_company is None:
        return None
    if isinstance(raw_company, pa.ChunkedArray | pa.Array):  # count distinct codes in Arrow, not per row
        counts = raw_company.value_counts()  # in order of first appearance
        pairs = zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist(), strict=True)
    else:
        pairs = ((v, 1) for v in raw_company)
    values: Counter = Counter()
    for v, c in pairs:
        if v and v.strip():
            values[v.strip()] += c
    return values.most_common(1)[0][0] if values else None


def path_company(path: Path, known: frozenset[str] | set[str] = frozenset()) -> str | None:
    """The company a file's name or folder says it comes from (文件名/文件夹所示公司), or None.

    Insurers name their files ``<company code>_<kind>…`` and the association files them in one
    folder per company.  The file-name prefix or a folder name counts when it is a company code
    the warehouse knows (``known``: register and earlier submissions), or when the file-name
    prefix and the folder agree (``C02/C02_意健险理赔.csv``) on a first ingest.
    """
    prefix = re.split(r"[_\-\s·.]", path.stem, maxsplit=1)[0].strip()
    folders = [f.name for f in list(path.parents)[:3]]
    for candidate in (prefix, *folders):
        if candidate and candidate in known:
            return candidate
    if prefix and path.parent.name == prefix:
        return prefix
    return None


def known_companies(con: duckdb.DuckDBPyConnection) -> frozenset[str]:
    """Company codes the warehouse knows: the company register (机构名录) and earlier submissions."""
    codes: set[str] = set()
    for sql in ("SELECT DISTINCT company_code FROM manifest WHERE company_code IS NOT NULL",
                f'SELECT DISTINCT "{COMPANY_FIELD}" FROM company'):
        try:
            codes |= {r[0] for r in con.execute(sql).fetchall() if r[0]}
        except duckdb.Error:  # no register loaded yet
            pass
    return frozenset(codes)


def _profile_for(path: Path, profiles: dict[str, Profile], explicit: Profile | None) -> Profile | None:
    if explicit:
        return explicit
    for folder in path.parents:
        if folder.name in profiles:
            return profiles[folder.name]
    return None


def load_profiles(folder: Path | None) -> dict[str, Profile]:
    """Profiles in ``folder`` that name a company, keyed by company code."""
    if not folder or not folder.is_dir():
        return {}
    out = {}
    for p in sorted(folder.glob("*.y*ml")):
        prof = load_profile(p)
        if prof.company:
            out[prof.company] = prof
    return out


@dataclass
class Prepared:
    """A file read, recognised and validated (no database touched): what a worker process returns."""

    result: FileResult
    validated: object | None  # Validated (Arrow tables), or None when the file failed
    blank_rows: int = 0
    ignored: list[str] = field(default_factory=list)


def prepare_file(path: Path, campaign: Campaign, tokenizer: Tokenizer, kind_name: str | None = None,
                 company: str | None = None, profile: Profile | None = None,
                 known: frozenset[str] = frozenset()) -> Prepared:
    """Read, recognise and validate one file; safe to run in a worker process.

    ``known``: the company codes the warehouse knows (:func:`known_companies`), to tell which
    company a file's name stands for: a file named for one company holding another's rows is
    refused, and a file that cannot be read is reported to the company its name says.

    In a worker process DuckDB and Arrow use one thread each: the pool already keeps the cores
    busy with one file per process.  In the main process they use every core.
    """
    import multiprocessing

    in_worker = multiprocessing.parent_process() is not None
    started = dt.datetime.now()
    result = FileResult(path=path, status="failed")
    try:
        raw = read_source(path, threads=not in_worker)
        result.file_format, result.encoding = raw.file_format, raw.encoding
        if kind_name:
            mapping = map_headers(get_kind(kind_name), raw.headers, profile)
            if mapping.missing_required:
                raise IngestError(f"{path.name}: 缺少必填列：{'、'.join(mapping.missing_required)}，请按模板表头报送 / "
                                  f"missing required columns for {kind_name}: {', '.join(mapping.missing_required)}")
        else:
            try:
                mapping = detect_kind(raw.headers, path.name, profile)
            except IngestError as exc:
                if raw.encoding != "gb18030":
                    raise
                zh, _, en = str(exc).partition(" / ")  # GB18030 decodes almost any bytes: Shift-JIS … come out garbled
                raise IngestError(
                    f"{zh}（若表头显示为乱码，文件可能不是UTF-8或GBK编码(如Shift-JIS、Big5)，请另存为“CSV UTF-8(逗号分隔)”）"
                    f" / {en} (if the headers look garbled the file is in another encoding, e.g. Shift-JIS or Big5: "
                    "save it as CSV UTF-8)"
                ) from exc
        kind = mapping.kind
        result.kind = kind.name
        comp_col = next((i for i, n in mapping.columns.items() if n == COMPANY_FIELD), None)
        result.company = _file_company(kind, raw.data.column(str(comp_col)) if comp_col is not None else None,
                                       company)
        named = None if (company or not kind.has_company or kind.multi_company) else \
            path_company(path, known | ({result.company} if result.company else set()))
        if named and result.company and named != result.company:
            found = result.company
            result.company = named  # the receipt goes to the company that sent the file
            raise IngestError(
                f"{path.name}：文件名/文件夹表明本文件由公司 {named} 报送，但文件中的公司代码为 {found}。"
                f"每家公司只能报送本公司数据，整个文件未入库；请核对公司代码或文件名后重新报送 / the file name says "
                f"company {named} but its rows carry company code {found}; nothing was loaded — correct the "
                "company code or the file name and send it again"
            )
        v = validate_source(raw, mapping, campaign, tokenizer, result.company, profile.values if profile else None,
                            threads=1 if in_worker else None)
    except WorkbenchError as exc:
        zh, _, en = str(exc).partition(" / ")
        result.message_zh, result.message_en = zh, en or zh
        result.company = result.company or company or path_company(path, known)  # whose receipt tells it
        result.seconds = (dt.datetime.now() - started).total_seconds()
        return Prepared(result, None)
    result.seconds = (dt.datetime.now() - started).total_seconds()
    return Prepared(result, v, raw.blank_rows, mapping.ignored)


def already_loaded(con: duckdb.DuckDBPyConnection, path: Path, sha: str) -> tuple[FileResult | None, bool]:
    """(result for an identical file already loaded, or None; whether a failure was already recorded)."""
    done = con.execute("SELECT batch_id, status FROM manifest WHERE file_sha256 = ? AND status IN ('loaded', 'failed')"
                       " ORDER BY loaded_at DESC LIMIT 1", [sha]).fetchone()
    if done and done[1] == "loaded":
        row = con.execute("SELECT kind, company_code, rows_read, rows_loaded, rows_rejected FROM manifest "
                          "WHERE batch_id = ?", [done[0]]).fetchone()
        result = FileResult(path=path, status="unchanged", batch_id=done[0])
        result.kind, result.company, result.rows_read, result.rows_loaded, result.rows_rejected = row
        result.message_zh, result.message_en = "相同文件已入库，未重复加载", "identical file already loaded; nothing changed"
        return result, False
    return None, bool(done)


def load_prepared(con: duckdb.DuckDBPyConnection, prepared: Prepared, sha: str, tokenizer: Tokenizer,
                  operator: str | None, failure_recorded: bool = False,
                  this_run: set[str] | None = None) -> FileResult:
    """Write a prepared file in ONE transaction: replace the earlier batch, insert rows, rejects, notes, manifest.

    A company's resubmission of a kind replaces the batches of that kind loaded by EARLIER
    ingest runs; the batches in ``this_run`` (files of the same run: a submission split into
    several files, e.g. past Excel's row limit) are kept side by side.  The loaded batch id is
    added to ``this_run``.
    """
    started = dt.datetime.now()
    result, v = prepared.result, prepared.validated
    path = result.path
    name = _display_name(path)
    size = path.stat().st_size
    batch_id = f"B{started:%Y%m%d%H%M%S%f}-{sha[:8]}"
    result.batch_id = batch_id
    if v is None:
        if not failure_recorded:  # record a failure once per distinct file content
            _manifest(con, batch_id, name, sha, size, result, "failed", tokenizer, operator, started)
        log.warning("未入库 file not loaded: %s / %s", result.message_zh, result.message_en)
        return result
    kind = get_kind(result.kind)
    table = restore(v.table)  # a worker's big table waits in shared memory (handoff.py)
    result.rows_read = v.rows_read
    result.rows_loaded = table.num_rows
    result.rows_rejected = v.rows_rejected
    result.rows_normalised, result.rows_warned = v.rows_normalised, v.rows_warned
    notes = []
    if prepared.blank_rows:
        notes.append((f"跳过空行{prepared.blank_rows}行", f"{prepared.blank_rows} blank rows skipped"))
    if prepared.ignored:
        notes.append((f"未识别的列已忽略：{'、'.join(prepared.ignored)}",
                      f"unrecognised columns ignored: {', '.join(prepared.ignored)}"))
    if result.rows_rejected:
        notes.append((f"{result.rows_rejected}行被退回，见回执退回明细", f"{result.rows_rejected} rows rejected, see the receipt"))
    result.message_zh = "；".join(n[0] for n in notes) or "全部入库"
    result.message_en = "; ".join(n[1] for n in notes) or "all rows loaded"

    con.execute("BEGIN TRANSACTION")
    try:
        if result.company is not None:
            old = con.execute("SELECT batch_id FROM manifest WHERE kind = ? AND company_code = ? AND status = 'loaded'",
                              [kind.name, result.company]).fetchall()
        else:
            old = con.execute("SELECT batch_id FROM manifest WHERE kind = ? AND company_code IS NULL AND status = 'loaded'"
                              " AND file_name = ?", [kind.name, name]).fetchall()
        old = [(old_id,) for (old_id,) in old if old_id not in (this_run or ())]
        replaced_rows = 0
        for (old_id,) in old:
            replaced_rows += con.execute(f'SELECT count(*) FROM "{kind.name}" WHERE _batch_id = ?', [old_id]).fetchone()[0]
            con.execute(f'DELETE FROM "{kind.name}" WHERE _batch_id = ?', [old_id])
            con.execute("UPDATE manifest SET status = 'replaced', replaced_by = ? WHERE batch_id = ?", [batch_id, old_id])
            result.replaced.append(old_id)
        if old:  # say so: a resubmission removes what the company sent before
            result.message_zh += f"；本次为重新报送，替换了此前报送的同类数据({len(old)}个批次，{replaced_rows}行)"
            result.message_en += (f"; a resubmission: replaced the earlier submission of this kind "
                                  f"({len(old)} batches, {replaced_rows} rows)")
        con.register("incoming_rows", table)
        con.execute(f'INSERT INTO "{kind.name}" BY NAME SELECT ?::VARCHAR AS _batch_id, * FROM incoming_rows', [batch_id])
        con.unregister("incoming_rows")
        if v.rejects.num_rows:
            con.register("incoming_rejects", v.rejects)
            con.execute("INSERT INTO rejects BY NAME SELECT ?::VARCHAR AS batch_id, ?::VARCHAR AS file_name, "
                        "?::VARCHAR AS company_code, ?::VARCHAR AS kind, * FROM incoming_rejects",
                        [batch_id, name, result.company, kind.name])
            con.unregister("incoming_rejects")
        if v.notes.num_rows:
            con.register("incoming_notes", v.notes)
            con.execute("INSERT INTO row_notes BY NAME SELECT ?::VARCHAR AS batch_id, * FROM incoming_notes", [batch_id])
            con.unregister("incoming_notes")
        result.seconds += (dt.datetime.now() - started).total_seconds()
        _manifest(con, batch_id, name, sha, size, result, "loaded", tokenizer, operator, started)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    prepared.validated = None  # release the rows now (a run holds every file's Prepared until it ends)
    if this_run is not None:
        this_run.add(batch_id)
    result.status = "loaded"
    log.info("loaded %s: %s %s read=%d loaded=%d rejected=%d", name, kind.name, result.company,
             result.rows_read, result.rows_loaded, result.rows_rejected)
    return result


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, campaign: Campaign, tokenizer: Tokenizer,
                kind_name: str | None = None, company: str | None = None, profile: Profile | None = None,
                operator: str | None = None) -> FileResult:
    """Ingest one file in this process (see :func:`workbench.ingest.ingest_paths` for many)."""
    sha = sha256_file(path)
    unchanged, failed_before = already_loaded(con, path, sha)
    if unchanged:
        return unchanged
    prepared = prepare_file(path, campaign, tokenizer, kind_name, company, profile)
    return load_prepared(con, prepared, sha, tokenizer, operator, failed_before)


def _manifest(con, batch_id, name, sha, size, r: FileResult, status, tokenizer, operator, started) -> None:
    con.execute(
        "INSERT INTO manifest (batch_id, file_name, file_sha256, file_bytes, kind, company_code, file_format, encoding,"
        " rows_read, rows_loaded, rows_rejected, rows_normalised, rows_warned, status, message_zh, message_en,"
        " key_fingerprint, operator, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [batch_id, name, sha, size, r.kind, r.company, r.file_format, r.encoding, r.rows_read, r.rows_loaded,
         r.rows_rejected, r.rows_normalised, r.rows_warned, status, r.message_zh, r.message_en,
         tokenizer.fingerprint(), operator or None, started],
    )
