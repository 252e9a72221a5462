"""Load files into the warehouse, one transaction per file (入库).

This is the only door into the warehouse.  For each file: read it, recognise
its kind, validate and desensitize every row, then in ONE transaction replace
the company's earlier batch of that kind (a resubmission; with ``append`` the
file adds to it instead), insert the accepted rows, the rejects and the notes,
and write the manifest row.  A file that cannot be read is recorded as failed
and skipped without stopping the others; an identical file loaded again changes
nothing.  A file of which no row can be loaded — every row rejected, or no data
row at all — replaces nothing: what the company sent before stays.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

from ..config import Campaign
from ..contract import COMPANY_FIELD, get_kind
from ..errors import IngestError, WorkbenchError
from ..protect import Tokenizer
from .company import (
    NO_COMPANIES,
    Companies,
    file_company,
    path_company,
    rows_with,
    upper_case_codes,
    upper_case_notes,
    warehouse_companies,
)
from .dupes import earlier_duplicates
from .handoff import restore
from .mapping import Profile, detect_kind, load_profile, map_headers
from .reader import SUPPORTED, read_source
from .validate import validate_source

log = logging.getLogger(__name__)


#: What became of a file (manifest ``status``; ``unchanged`` is never written there).
STATUSES = {
    "loaded": "已入库",  # its rows are in the warehouse (some may have been rejected)
    "rejected": "全部退回",  # every data row rejected: nothing loaded, nothing replaced
    "empty": "无数据行",  # no data row (header only): nothing loaded, nothing replaced
    "unchanged": "未变化(重复报送)",  # identical to a file already loaded
    "failed": "未入库",  # could not be read or recognised
}


@dataclass
class FileResult:
    """What happened to one file (for the summary and the receipt)."""

    path: Path
    status: str  # one of STATUSES
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


#: Litter of operating systems and Office found in submission folders, skipped without a word (they
#: are never a submission): hidden files and folders (.DS_Store, macOS's ._name copies, .git),
#: Office's lock files (~$name.xlsx), Windows' Thumbs.db and desktop.ini.
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def _junk(path: Path, folder: Path) -> bool:
    parts = path.relative_to(folder).parts
    return path.name.lower() in JUNK_NAMES or any(p.startswith((".", "~$")) for p in parts)


def list_files(paths: list[str | Path], supported_only: bool = True) -> list[Path]:
    """Files to load: given files, and the files under given folders (sorted), OS litter left out.

    ``supported_only`` (feedback import): only xlsx/CSV/parquet under folders.  The ingest takes
    every file (``False``), so that one it cannot read is reported, not silently passed over.
    """
    out: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            raise IngestError(f"路径不存在 / path not found: {p}")
        if p.is_dir():
            out += sorted(x for x in p.rglob("*") if x.is_file() and not _junk(x, p)
                          and (not supported_only or x.suffix.lower() in SUPPORTED))
        else:
            out.append(p)
    return out


def unsupported(path: Path) -> IngestError:
    """The refusal of a file that is not xlsx or CSV (.xls, .docx, .pdf, .zip …)."""
    suffix = path.suffix.lower()
    if suffix in (".zip", ".rar", ".7z", ".gz", ".tar"):
        return IngestError(f"不支持的文件类型 {suffix}(压缩包)，请解压后报送其中的 xlsx 或 CSV 文件 / unsupported "
                           f"file type {suffix} (an archive): unpack it and send the xlsx or CSV files inside")
    shown = suffix or "(无扩展名)"
    return IngestError(f"不支持的文件类型 {shown}，请另存为 xlsx 或 CSV 后重新报送 / unsupported file type "
                       f"{suffix or '(no extension)'}: save it as xlsx or CSV and send it again")


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


def _message(exc: WorkbenchError, path: Path) -> tuple[str, str]:
    """(Chinese, English) of an error about a file, without the file's name in front: the summary
    line and the receipt put the name beside the message already."""
    text = str(exc)
    for lead in (f"{path.name}: ", f"{path.name}："):
        if text.startswith(lead):
            text = text[len(lead):]
    zh, _, en = text.partition(" / ")
    return zh, en or zh


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
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en) said of the whole file


def _attribute(path: Path, kind, data: pa.Table, comp_col: str | None, company: str | None,
               companies: Companies, notes: list[tuple[str, str]]) -> tuple[pa.Table, str | None, pa.Array | None]:
    """(rows with company codes upper-cased, the file's company, the rows upper-cased or None).

    The file's name is its sender's claim (see :mod:`workbench.ingest.company`): when it names
    a company other than most of its rows, the named company is the file's, the other rows are
    rejected by validation as another company's, and the file says so in ``notes``.
    """
    upper_rows = None
    if comp_col is not None and kind.has_company:
        data, upper_rows = upper_case_codes(data, comp_col, companies)
    found = file_company(kind, data.column(comp_col) if comp_col is not None else None, company)
    if company or not kind.has_company or kind.multi_company:
        return data, found, upper_rows
    named = path_company(path, Companies(companies.register, companies.known | ({found} if found else set())))
    if named and not found:  # no company code in the rows (a header-only file): the name says whose it is
        return data, named, upper_rows
    if named and named != found:
        notes.append((f"文件名/文件夹表明本文件由公司 {named} 报送，但文件中多数行的公司代码为 {found}，这些行已退回"
                      f"(每家公司只能报送本公司数据)；请核对公司代码或文件名后重新报送",
                      f"the file name says company {named} sent it but most rows carry company code {found}: those "
                      "rows were rejected (send your own records only) — check the company code or the file name"))
        return data, named, upper_rows
    return data, found, upper_rows


def prepare_file(path: Path, campaign: Campaign, tokenizer: Tokenizer, kind_name: str | None = None,
                 company: str | None = None, profile: Profile | None = None,
                 companies: Companies = NO_COMPANIES) -> Prepared:
    """Read, recognise and validate one file; safe to run in a worker process.

    ``companies``: the company codes the warehouse knows (:func:`warehouse_companies`), to tell
    which company a file's name stands for: a file named for one company has other companies'
    rows rejected, and a file that cannot be read is reported to the company its name says.

    In a worker process DuckDB and Arrow use one thread each: the pool already keeps the cores
    busy with one file per process.  In the main process they use every core.
    """
    import multiprocessing

    in_worker = multiprocessing.parent_process() is not None
    started = dt.datetime.now()
    result = FileResult(path=path, status="failed")
    notes: list[tuple[str, str]] = []
    try:
        if path.suffix.lower() not in SUPPORTED:
            raise unsupported(path)
        raw = read_source(path, threads=not in_worker)
        result.file_format, result.encoding = raw.file_format, raw.encoding
        if kind_name:
            mapping = map_headers(get_kind(kind_name), raw.headers, profile)
            if mapping.missing_required:
                raise IngestError(f"缺少必填列：{'、'.join(mapping.missing_required)}，请按模板表头报送 / "
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
        comp_col = next((str(i) for i, n in mapping.columns.items() if n == COMPANY_FIELD), None)
        raw.data, result.company, upper_rows = _attribute(path, kind, raw.data, comp_col, company, companies, notes)
        v = validate_source(raw, mapping, campaign, tokenizer, result.company, profile.values if profile else None,
                            threads=1 if in_worker else None)
        if upper_rows is not None:  # recorded as validation records its own normalisations
            v.notes = upper_case_notes(v.notes, upper_rows, v.table.column("_row"))
            v.rows_normalised = rows_with(v.notes, "normalised")
    except WorkbenchError as exc:
        result.message_zh, result.message_en = _message(exc, path)
        result.company = result.company or company or path_company(path, companies)  # whose receipt tells it
        result.seconds = (dt.datetime.now() - started).total_seconds()
        return Prepared(result, None)
    result.seconds = (dt.datetime.now() - started).total_seconds()
    if raw.other_sheets:  # one file, one table: the clerk must know the other sheets were not read
        shown = "、".join(f"“{n}”" for n in raw.other_sheets)
        notes.append((f"工作簿中的工作表{shown}也有表头，未读取(只读取了“{raw.sheet}”)；请把每个工作表另存为一个文件报送",
                      f"sheet(s) {', '.join(raw.other_sheets)} also hold headers and were NOT read (only "
                      f"'{raw.sheet}' was): send each sheet as a file of its own"))
    if raw.header_row > 1:  # a title above the headers (reader.header_row_index)
        skipped = raw.header_row - 1
        notes.insert(0, (f"表头在第{raw.header_row}行，其上方{skipped}行(标题等)已跳过"
                         + (f"；数据取自工作表“{raw.sheet}”" if raw.sheet else ""),
                         f"headers found on row {raw.header_row}; the {skipped} row(s) above (a title …) skipped"
                         + (f"; data read from sheet '{raw.sheet}'" if raw.sheet else "")))
    return Prepared(result, v, raw.blank_rows, mapping.ignored, notes)


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
                  this_run: set[str] | None = None, append: bool = False) -> FileResult:
    """Write a prepared file in ONE transaction: replace the earlier batch, insert rows, rejects, notes, manifest.

    A company's resubmission of a kind replaces the batches of that kind loaded by EARLIER
    ingest runs; the batches in ``this_run`` (files of the same run: a submission split into
    several files, e.g. past Excel's row limit) are kept side by side, and a row repeating the
    key of a row they hold is rejected.  With ``append`` the earlier batches are kept too (a
    second part sent later) and rows repeating theirs are rejected the same way.  A file that
    loads no row (all rejected, or none to read) replaces nothing.  The loaded batch id is added
    to ``this_run``.  Which of two files repeating each other keeps the row is the order in which
    they are loaded (as workers finish, in a parallel run); the counts add up either way.
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
        log.warning("未入库 file not loaded: %s: %s / %s", path.name, result.message_zh, result.message_en)
        return result
    kind = get_kind(result.kind)
    table = restore(v.table)  # a worker's big table waits in shared memory (handoff.py)
    this_run = this_run if this_run is not None else set()
    rejects, notes = v.rejects, v.notes
    con.execute("BEGIN TRANSACTION")
    try:
        old = [b for b in _batches_of(con, kind.name, result.company, name) if b[0] not in this_run]
        scope = _run_batches(con, kind.name, result.company, this_run) + ([b for b, _ in old] if append else [])
        dups = 0
        if scope and table.num_rows and kind.key:  # rare: the company+kind already has rows to compare with
            found = earlier_duplicates(con, kind, table, scope, this_run)
            if dups := found.num_rows:
                table, rejects, notes = _without_duplicates(table, rejects, notes, found)
        result.rows_read, result.rows_loaded, result.rows_rejected = v.rows_read, table.num_rows, v.rows_rejected + dups
        result.rows_normalised, result.rows_warned = (
            (rows_with(notes, "normalised"), rows_with(notes, "warning")) if dups else (v.rows_normalised, v.rows_warned))
        status = "loaded" if table.num_rows else "rejected" if result.rows_read else "empty"
        old_rows = sum(n for _, n in old)
        _say(result, prepared, status, dups, len(old), old_rows, append)
        if status == "loaded":
            if old and not append:  # a resubmission removes what the company sent before
                _replace(con, kind.name, [b for b, _ in old], batch_id, result)
            con.register("incoming_rows", table)
            con.execute(f'INSERT INTO "{kind.name}" BY NAME SELECT ?::VARCHAR AS _batch_id, * FROM incoming_rows',
                        [batch_id])
            con.unregister("incoming_rows")
        if rejects.num_rows:
            con.register("incoming_rejects", rejects)
            con.execute("INSERT INTO rejects BY NAME SELECT ?::VARCHAR AS batch_id, ?::VARCHAR AS file_name, "
                        "?::VARCHAR AS company_code, ?::VARCHAR AS kind, * FROM incoming_rejects",
                        [batch_id, name, result.company, kind.name])
            con.unregister("incoming_rejects")
        if notes.num_rows:
            con.register("incoming_notes", notes)
            con.execute("INSERT INTO row_notes BY NAME SELECT ?::VARCHAR AS batch_id, * FROM incoming_notes", [batch_id])
            con.unregister("incoming_notes")
        result.seconds += (dt.datetime.now() - started).total_seconds()
        _manifest(con, batch_id, name, sha, size, result, status, tokenizer, operator, started)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    prepared.validated = None  # release the rows now (a run holds every file's Prepared until it ends)
    if status == "loaded":
        this_run.add(batch_id)
    else:
        log.warning("未入库 nothing loaded from %s: %s / %s", path.name, result.message_zh, result.message_en)
    result.status = status
    log.info("%s %s: %s %s read=%d loaded=%d rejected=%d", status, name, kind.name, result.company,
             result.rows_read, result.rows_loaded, result.rows_rejected)
    return result


def _batches_of(con, kind: str, company: str | None, name: str) -> list[tuple[str, int]]:
    """(batch, rows loaded) of what a file of ``kind`` from ``company`` replaces: the company's
    loaded batches of that kind (for a kind without a company, those of a file of the same name)."""
    if company is not None:
        return con.execute("SELECT batch_id, rows_loaded FROM manifest WHERE kind = ? AND company_code = ? "
                           "AND status = 'loaded'", [kind, company]).fetchall()
    return con.execute("SELECT batch_id, rows_loaded FROM manifest WHERE kind = ? AND company_code IS NULL "
                       "AND status = 'loaded' AND file_name = ?", [kind, name]).fetchall()


def _run_batches(con, kind: str, company: str | None, this_run: set[str]) -> list[str]:
    """The batches of ``kind`` from ``company`` this run has loaded so far (usually none)."""
    if not this_run:
        return []
    return [b for (b,) in con.execute(
        "SELECT batch_id FROM manifest WHERE kind = ? AND company_code IS NOT DISTINCT FROM ? AND status = 'loaded' "
        "AND batch_id IN (SELECT unnest(?::VARCHAR[]))", [kind, company, sorted(this_run)]).fetchall()]


def _without_duplicates(table: pa.Table, rejects: pa.Table, notes: pa.Table,
                        found: pa.Table) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The accepted rows less those ``found`` repeating another file's, their rejects added, their notes dropped."""
    rows = found.column("row").combine_chunks()
    table = table.filter(pc.invert(pc.is_in(table.column("_row"), value_set=pc.cast(rows, table.schema.field("_row").type))))
    notes = notes.filter(pc.invert(pc.is_in(notes.column("row"), value_set=pc.cast(rows, notes.schema.field("row").type))))
    n = found.num_rows
    text = pa.string()
    extra = pa.table({"row": rows, "field": pa.nulls(n, text), "header": pa.nulls(n, text),
                      "code": pa.array(["duplicate_row"] * n, text), "reason_zh": found.column("reason_zh"),
                      "reason_en": found.column("reason_en"), "value_mask": pa.array([""] * n, text)})
    extra = extra.select(rejects.column_names).cast(rejects.schema)
    return table, pa.concat_tables([rejects, extra]).sort_by([("row", "ascending")]), notes


def _replace(con, kind: str, old: list[str], batch_id: str, result: FileResult) -> None:
    """Take the earlier batches out of the warehouse; the manifest says which batch replaced them."""
    for old_id in old:
        con.execute(f'DELETE FROM "{kind}" WHERE _batch_id = ?', [old_id])
        con.execute("UPDATE manifest SET status = 'replaced', replaced_by = ? WHERE batch_id = ?", [batch_id, old_id])
        result.replaced.append(old_id)


def _say(result: FileResult, prepared: Prepared, status: str, dups: int, n_old: int, old_rows: int,
         append: bool) -> None:
    """The file's message: what was skipped, rejected, replaced or kept (Chinese, English)."""
    notes = []
    if prepared.blank_rows:
        notes.append((f"跳过空行{prepared.blank_rows}行", f"{prepared.blank_rows} blank rows skipped"))
    if prepared.ignored:
        shown, more = prepared.ignored[:20], len(prepared.ignored) - 20
        notes.append((f"未识别的列已忽略：{'、'.join(shown)}" + (f"等{len(prepared.ignored)}列" if more > 0 else ""),
                      f"unrecognised columns ignored: {', '.join(shown)}" + (f" and {more} more" if more > 0 else "")))
    notes += prepared.notes
    n = result.rows_rejected
    of_dups = (f"(其中{dups}行与已入库的其他文件重复)", f" ({dups} repeating rows of another file already loaded)") \
        if dups else ("", "")
    if status == "loaded" and n:
        notes.append((f"{n}行被退回{of_dups[0]}，见回执退回明细", f"{n} rows rejected{of_dups[1]}, see the receipt"))
    elif status == "rejected":
        notes.append((f"全部{n}行均被退回{of_dups[0]}，本文件没有数据入库，见回执退回明细",
                      f"all {n} rows rejected{of_dups[1]}: nothing of this file was loaded, see the receipt"))
    elif status == "empty":
        notes.append(("文件只有表头，没有数据行，没有数据入库", "the file has a header but no data rows: nothing was loaded"))
    if n_old and status != "loaded":
        notes.append((f"此前报送的同类数据({n_old}个批次，{old_rows}行)保持不变，未被替换",
                      f"the earlier submission of this kind ({n_old} batches, {old_rows} rows) was kept, not replaced"))
    elif n_old and append:
        notes.append((f"追加报送：此前报送的同类数据({n_old}个批次，{old_rows}行)保留，本文件的数据补充其后",
                      f"appended: the earlier submission of this kind ({n_old} batches, {old_rows} rows) was kept "
                      "and this file adds to it"))
    elif n_old:
        notes.append((f"本次为重新报送，替换了此前报送的同类数据({n_old}个批次，{old_rows}行)",
                      f"a resubmission: replaced the earlier submission of this kind ({n_old} batches, {old_rows} rows)"))
    result.message_zh = "；".join(z for z, _ in notes) or "全部入库"
    result.message_en = "; ".join(e for _, e in notes) or "all rows loaded"


def ingest_file(con: duckdb.DuckDBPyConnection, path: Path, campaign: Campaign, tokenizer: Tokenizer,
                kind_name: str | None = None, company: str | None = None, profile: Profile | None = None,
                operator: str | None = None, append: bool = False) -> FileResult:
    """Ingest one file in this process (see :func:`workbench.ingest.ingest_paths` for many)."""
    sha = sha256_file(path)
    unchanged, failed_before = already_loaded(con, path, sha)
    if unchanged:
        return unchanged
    prepared = prepare_file(path, campaign, tokenizer, kind_name, company, profile, warehouse_companies(con))
    return load_prepared(con, prepared, sha, tokenizer, operator, failed_before, append=append)


def _manifest(con, batch_id, name, sha, size, r: FileResult, status, tokenizer, operator, started) -> None:
    con.execute(
        "INSERT INTO manifest (batch_id, file_name, file_sha256, file_bytes, kind, company_code, file_format, encoding,"
        " rows_read, rows_loaded, rows_rejected, rows_normalised, rows_warned, status, message_zh, message_en,"
        " key_fingerprint, operator, loaded_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        [batch_id, name, sha, size, r.kind, r.company, r.file_format, r.encoding, r.rows_read, r.rows_loaded,
         r.rows_rejected, r.rows_normalised, r.rows_warned, status, r.message_zh, r.message_en,
         tokenizer.fingerprint(), operator or None, started],
    )
