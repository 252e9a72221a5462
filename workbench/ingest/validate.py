"""Validate, normalise and desensitize one file's rows (逐行校验、规范化、脱敏).

Set-based, over DISTINCT values, so no per-row work happens in Python and little per row at all:

1. The file's cells are one Arrow table of strings (``_row`` plus one column per field).  Each
   column is dictionary-encoded once: its distinct values, and per row an index into them.
2. One DuckDB pass over the distinct values of all fields (a CASE on the field,
   :func:`_fast_verdicts`) accepts those valid as they are — nearly all — with the expressions
   of :mod:`fastpath`.  Only the values it leaves go to Python, through the numpy fast paths and
   then the exact one-value checkers (:mod:`values`, :mod:`workbench.identifiers`), which give
   the normalised value and the verdict.  ID numbers come second: whether the checksum applies
   depends on the row's document type.
3. Tokens (HMAC composed in SQL, :meth:`Tokenizer.token_sql`), masks and ID facts are computed
   once per distinct normalised identifier.  Every per-value result reaches the rows by index
   (Arrow ``take``), never by a join over the rows.
4. Required fields, the file's company, cross-field checks, the date window and duplicates on
   the natural key are SQL over the row table ``v`` (an Arrow table registered in DuckDB).
5. What leaves is the warehouse-shaped table of accepted rows (file order), one reject record
   per (row, reason) and one note per normalisation or warning — as Arrow tables.

Raw identifiers exist only in this process's memory and in its private in-memory DuckDB database,
which may not spill to disk (``temp_directory`` is empty): what leaves is tokens and masks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import identifiers as ids
from ..config import Campaign
from ..contract import COMPANY_FIELD, Field, Kind
from ..protect import Tokenizer, mask_sql, token_key_sql
from ..schema import SQL_TYPES, table_columns
from . import fastpath
from . import values as V
from .mapping import Mapping
from .reader import RawTable, Source, source_from_raw
from .scrub import scrub, shown

ID_CARD = "居民身份证"
_ARROW = {"VARCHAR": pa.string(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"), "DOUBLE": pa.float64(),
          "BIGINT": pa.int64()}
REJECT_COLUMNS = ["row", "field", "header", "code", "reason_zh", "reason_en", "value_mask"]
NOTE_COLUMNS = ["row", "field", "severity", "code", "note_zh", "note_en"]


@dataclass
class Validated:
    table: pa.Table | pd.DataFrame  # accepted rows, warehouse columns (without _batch_id)
    rejects: pa.Table | pd.DataFrame  # row, field, header, code, reason_zh, reason_en, value_mask
    notes: pa.Table | pd.DataFrame  # row, field, severity, code, note_zh, note_en
    rows_read: int
    rows_normalised: int
    rows_warned: int
    rows_rejected: int = 0


#: A text value worth a look for identifiers: 11 or more digits, grouped or not.
SUSPECT_TEXT = "[0-9][0-9 \\-]{9,}[0-9Xx]"


def _safe_mask(id_type: str | None, raw: str, allowed: tuple[str, ...] = (), code: bool = False) -> str:
    """Masked form of an offending value: never the whole identifier, not even in the wrong column
    (see :func:`workbench.ingest.scrub.shown`; ``code``: a code column, where no Chinese belongs)."""
    s = ids.normalize_text(raw)
    if not id_type:
        return shown(s, allowed, code)[:60]
    if id_type == "name":
        return (s[:1] + "*" * max(1, len(s) - 1)) if s else ""
    masked = shown(s)
    if masked != s:  # another identifier in this column (a name and mobile as the account): masked as that
        return masked[:60]
    if len(s) <= 5:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 5) + s[-2:]


def _shown_array(values: pa.Array) -> pa.Array:
    """:func:`~workbench.ingest.scrub.shown` over an array, once per distinct value: a footer row
    (制表人 … 电话 … 身份证 …) or an ID in the company column is rejected, and shown masked."""
    uniq = pc.unique(values)
    masked = pa.array([None if v is None else shown(v, code=True)[:60] for v in uniq.to_pylist()], pa.string())
    return masked.take(pc.index_in(values, value_set=uniq))


def _q(name: str) -> str:
    """Quote a column name taken from the contract (never from data)."""
    return '"' + name.replace('"', '""') + '"'


class _Issues:
    """Every distinct issue of a file (field, severity, code, message) with an id and an order.

    Rows carry only the id; the messages are joined on at the end.  ``seq`` orders a row's
    reasons as the checks run: value checks by field, then required, company, cross-field, window.
    """

    def __init__(self):
        self.rows: list[tuple] = []
        self._ids: dict[tuple, int] = {}

    def id(self, seq: int, field: str | None, header: str | None, severity: str, code: str, zh: str,
           en: str) -> int:
        key = (seq, field, severity, code, zh, en)
        if key not in self._ids:
            self._ids[key] = len(self.rows)
            self.rows.append((len(self.rows), seq, field, header, severity, code, zh, en))
        return self._ids[key]

    def table(self) -> pa.Table:
        cols = list(zip(*self.rows, strict=True)) if self.rows else [[]] * 8
        names = ["id", "seq", "field", "header", "severity", "code", "zh", "en"]
        types = [pa.int32(), pa.int32()] + [pa.string()] * 6
        return pa.table([pa.array(c, type=t) for c, t in zip(cols, types, strict=True)], names=names)


def _parser(f: Field, extra: dict[str, str] | None, max_amount: float):
    """(one-value parser, vectorised fast path or None) of a non-identifier field."""
    if f.type == "text":
        return V.parse_text, fastpath.plain_text
    if f.type == "code":
        if f.check == "uscc":
            def fn(u):
                c = ids.check_uscc(u)
                return (c.value, "ok" if c.status in ("ok", "normalised") else "uscc:" + c.code)
            return fn, None
        return (lambda u, ch=f.check: V.parse_code(u, ch)), (lambda u, ch=f.check: fastpath.codes(u, ch))
    if f.type == "enum":
        return (lambda u, a=f.allowed, x=extra: V.parse_enum(u, a, x)), None
    if f.type in ("date", "datetime"):
        t = f.type == "datetime"
        return (lambda u: V.parse_datetime(u, t)), (lambda u: fastpath.iso_dates(u, t))
    if f.type in ("amount", "number", "int"):
        integer = f.type == "int"
        hi = f.max if f.max is not None else (max_amount if f.type == "amount" else None)

        def fast_num(u, i=integer, lo=f.min, h=hi):
            ok, parsed = fastpath.amounts(u, i)
            ok &= ~((lo is not None) & (parsed < (lo if lo is not None else 0)))
            if h is not None:
                ok &= ~(parsed > h)
            out = parsed.astype(object)
            if i:
                out = np.array([int(x) if x == x else None for x in parsed], dtype=object)
            return ok, out
        return (lambda u, i=integer, lo=f.min, h=hi: V.parse_number(u, i, lo, h)), fast_num
    if f.type == "list":
        return V.parse_list, None
    raise AssertionError(f.type)  # pragma: no cover - the contract test guards the types


def _sql_fast(f: Field, src: str, today: dt.date, max_amount: float, n: str | None = None) -> tuple[str, str] | None:
    """(predicate, value) DuckDB expressions accepting ``src`` values of ``f`` valid as they are.

    ``n``: the column holding the value's integer form, for the checksum predicates.
    """
    if f.identifier:
        fast = fastpath.IDENTIFIER_FAST_SQL.get(f.identifier)
        if fast is None:
            return None
        return (fast(src, n) if f.identifier in fastpath.DIGITS_SQL else fast(src)), src
    if f.type == "text":
        return fastpath.plain_text_sql(src), src
    if f.type == "list":
        return fastpath.lists_sql(src), src
    if f.type == "code":
        pred = fastpath.codes_sql(src, f.check)
        return (pred, src) if pred else None
    if f.type in ("date", "datetime"):
        return fastpath.iso_dates_sql(src, f.type == "datetime")
    if f.type in ("amount", "number", "int"):
        hi = f.max if f.max is not None else (max_amount if f.type == "amount" else None)
        return fastpath.amounts_sql(src, f.type == "int", f.min, hi)
    return None


def _resolve(uniq: np.ndarray, fn, fast) -> tuple[np.ndarray, np.ndarray]:
    """Run ``fn`` once per distinct value, after ``fast`` marked those valid as they are."""
    vals = np.empty(len(uniq), dtype=object)
    codes = np.empty(len(uniq), dtype=object)
    done = np.zeros(len(uniq), dtype=bool)
    if fast is not None and len(uniq):
        got = fast(pd.Series(uniq, dtype="string"))
        if isinstance(got, tuple):
            done, fast_vals = got
            vals[done] = fast_vals[done]
        else:
            done = got
            vals[done] = uniq[done]
        codes[done] = "ok"
    for i in np.flatnonzero(~done):
        vals[i], codes[i] = fn(uniq[i])
    return vals, codes


def _lookup(raw, values, errs, notes, vmasks, sql_type: str) -> pa.Table:
    return pa.table({"raw": pa.array(raw, type=pa.string()), "value": pa.array(values, type=_ARROW[sql_type]),
                     "err": pa.array(errs, type=pa.int32()), "note": pa.array(notes, type=pa.int32()),
                     "vmask": pa.array(vmasks, type=pa.string())})


def _field_lookup(f: Field, uniq: list[str], extra, max_amount: float, issues: _Issues, seq: int,
                  header: str | None) -> pa.Table:
    """Verdicts of a non-identifier field's leftover distinct values (the old per-value logic)."""
    fn, fast = _parser(f, extra, max_amount)
    u = np.array(uniq, dtype=object)
    vals, codes = _resolve(u, fn, fast)
    errs, notes, vmasks = [None] * len(u), [None] * len(u), [None] * len(u)
    for i, code in enumerate(codes):
        if code in ("ok", "empty"):
            continue
        if code.startswith("uscc:"):  # USCC verdicts come from identifiers.py with their own messages
            c = ids.check_uscc(u[i])
            errs[i] = issues.id(seq, f.name, header, "error", c.code, f"{f.zh}：{c.zh}", f"{f.name}: {c.en}")
            vmasks[i] = _safe_mask(None, u[i])
            continue
        sev, zh, en = V.MESSAGES[code]
        if code == "bad_enum" and f.allowed:  # say which values are allowed
            zh = f"{zh}，可选：{'、'.join(f.allowed)}"
            en = f"{en}: {', '.join(f.allowed)}"
        if sev == "error":
            errs[i] = issues.id(seq, f.name, header, "error", code, f"{f.zh}：{zh}", f"{f.name}: {en}")
            vmasks[i] = _safe_mask(f.identifier, u[i], tuple(f.allowed or ()), f.type == "code")
        else:
            notes[i] = issues.id(seq, f.name, header, sev, code, f"{f.zh}：{zh}", f"{f.name}: {en}")
    return _lookup(u, vals, errs, notes, vmasks, SQL_TYPES[f.type])


def _identifier_lookup(f: Field, keys: list[str], issues: _Issues, seq: int, header: str | None) -> pa.Table:
    """Verdicts of an identifier field's leftover distinct values.

    ID numbers arrive keyed ``C|value`` (document type is a resident ID card: checksum applies)
    or ``O|value`` (passport and other documents: normalised text only).
    """
    u = np.array(keys, dtype=object)
    if f.identifier == "id_number":
        def check(k):
            flag, value = k[:2], k[2:]
            if flag == "C|":
                return ids.check_id_number(value)
            text = ids.normalize_text(value).replace(" ", "").upper()
            return ids.Checked(text or None, "ok", "ok" if text else "empty", "", "")
        raws = np.array([k[2:] for k in u], dtype=object)
    else:
        check = ids.CHECKERS.get(f.identifier) or (lambda k: ids.Checked(
            ids.normalize_text(k) or None, "ok", "ok" if ids.normalize_text(k) else "empty", "", ""))
        raws = u
    fast = fastpath.IDENTIFIER_FAST.get(f.identifier)
    results = np.empty(len(u), dtype=object)
    done = np.zeros(len(u), dtype=bool)
    if fast is not None and len(u):
        plain = pd.Series(u, dtype="string")
        if f.identifier == "id_number":  # only ID-card values (prefixed 'C|') take the checksum path
            card = plain.str.startswith("C|").fillna(False).to_numpy(dtype=bool)
            done = card & fast(plain.str.slice(2))
        else:
            done = fast(plain)
        for i in np.flatnonzero(done):
            results[i] = ids.Checked(raws[i], "ok", "ok", "", "")
    for i in np.flatnonzero(~done):
        results[i] = check(u[i])
    values, errs, notes, vmasks = [], [None] * len(u), [None] * len(u), [None] * len(u)
    for i, r in enumerate(results):
        if r.status != "ok" and f.identifier == "name" and r.code == "name_format":
            # a payee or agent may be an organisation: keep the name, but warn
            r = ids.Checked(ids.normalize_text(raws[i]).replace(" ", "") or None, "warning", "name_format",
                            "姓名含数字或不是人名(可能为机构名称)，已保留，请核对", "not a personal name (an organisation?); kept")
        values.append(r.value)
        if r.status == "ok":
            continue
        if r.status == "error":
            errs[i] = issues.id(seq, f.name, header, "error", r.code, f"{f.zh}：{r.zh}", f"{f.name}: {r.en}")
            vmasks[i] = _safe_mask(f.identifier, raws[i])
        else:
            sev = "warning" if r.status == "warning" else "normalised"
            zh = r.zh or "已自动规范化：" + "、".join(r.changes)
            notes[i] = issues.id(seq, f.name, header, sev, r.code, f"{f.zh}：{zh}",
                                 f"{f.name}: {r.en or ', '.join(r.changes)}")
    return _lookup(u, values, errs, notes, vmasks, "VARCHAR")


def _source_table(source: Source, mapping: Mapping, kind: Kind) -> pa.Table:
    """``_row`` plus one string column per contract field: the mapped column, a default or ''."""
    n = source.data.num_rows
    cols, names = [source.data.column("_row")], ["_row"]
    by_field = {name: i for i, name in mapping.columns.items()}
    for f in kind.fields:
        if f.name in by_field:
            col = source.data.column(str(by_field[f.name]))
        else:
            col = pa.array(np.full(n, mapping.defaults.get(f.name, ""), dtype=object), type=pa.string())
        cols.append(col)
        names.append(f.name)
    return pa.Table.from_arrays(cols, names=names)


def _company_of_rows(kind: Kind, company: str | None) -> bool:
    return kind.has_company and bool(company)


def connect_staging(threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for one file's raw values: nothing may spill to disk."""
    config = {"temp_directory": ""}
    if threads:
        config["threads"] = threads
    return duckdb.connect(":memory:", config=config)


_STAGING: dict[int | None, tuple[int, duckdb.DuckDBPyConnection]] = {}


def _staging_cursor(threads: int | None) -> duckdb.DuckDBPyConnection:
    """A cursor on this process's staging database (see :func:`connect_staging`).

    Starting a DuckDB database costs ≈ 15 ms, a cursor under 1 ms: with thousands of files per
    province the process keeps one.  What a file leaves in it — TEMP tables, registered Arrow
    tables — belongs to the cursor and is gone when the cursor closes.  A forked worker never
    reuses its parent's database (it is keyed by process id).
    """
    pid = os.getpid()
    held = _STAGING.get(threads)
    if held is None or held[0] != pid:
        held = _STAGING[threads] = (pid, connect_staging(threads))
    return held[1].cursor()


def validate_source(source: Source, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
                    company: str | None, profile_values: dict[str, dict[str, str]] | None = None,
                    threads: int | None = None) -> Validated:
    """Validate a file's rows; the result's tables are Arrow tables (see the module docstring)."""
    con = _staging_cursor(threads)
    try:
        return _validate(con, source, mapping, campaign, tokenizer, company, profile_values or {})
    finally:
        con.close()


@dataclass
class _Resolved:
    """One field's verdicts on its DISTINCT raw values, and which of them each row holds.

    ``indices`` None: the column was not encoded (nearly every value distinct, e.g. policy
    numbers) and the per-value arrays are per row.
    """

    indices: pa.Array | None  # per row: position among the distinct values (null for a null cell)
    value: pa.Array  # per distinct value: the parsed/normalised value (null: empty or rejected)
    err: pa.Array | None = None  # per distinct value: the issue id of an error (None: no value has one)
    note: pa.Array | None = None  # … of a normalisation or warning
    vmask: pa.Array | None = None  # … the masked offending value, where err

    def rows(self, per_value: pa.Array) -> pa.Array:
        """A per-distinct-value array spread over the rows."""
        return per_value if self.indices is None else per_value.take(self.indices)

    def kept(self, per_value: pa.Array, keep: pa.Array | None) -> pa.Array:
        """``rows(per_value)`` for the rows in ``keep`` (a row mask; None: every row), taken once."""
        if keep is None:
            return self.rows(per_value)
        if self.indices is None:
            return per_value.filter(keep)
        return per_value.take(self.indices.filter(keep))


def _combined(col) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        try:
            return col.combine_chunks()
        except pa.ArrowInvalid:  # over 2 GiB of text in one column: 64-bit offsets
            return col.cast(pa.large_string()).combine_chunks()
    return col


#: Rows looked at to tell a column of nearly unique values (policy numbers, times) from one
#: worth encoding, and the share of distinct values above which it is not encoded.
SAMPLE_ROWS, UNIQUE_SHARE = 10_000, 0.8


def _encode(col, maybe_unique: bool = False) -> tuple[pa.Array, pa.Array | None]:
    """(distinct values, each row's index into them) of a column: one hash pass, no copy of the rows.

    ``maybe_unique``: a column that identifies its row (policy, claim, receipt numbers of the
    natural key).  When its first rows are nearly all distinct it is left as it is (index None):
    hashing it would cost more than checking every value.  Other columns — identifiers too, whose
    repeats (a person's several policies) lie far apart in a file — are always encoded.
    """
    col = _combined(col)
    if maybe_unique and len(col) > 2 * SAMPLE_ROWS and \
            len(pc.unique(col.slice(0, SAMPLE_ROWS))) > UNIQUE_SHARE * SAMPLE_ROWS:
        return col, None
    enc = col.dictionary_encode()
    return enc.dictionary, enc.indices


def _codes(values: pa.Array) -> pa.Array:
    """Per value: the position of its value among the distinct ones (equal values, equal codes; null stays null)."""
    return _combined(values).dictionary_encode().indices


def _dict_column(indices: pa.Array, values: pa.Array) -> pa.DictionaryArray:
    """Rows of a string column as an Arrow dictionary array: no string is copied per row.

    DuckDB reads it as VARCHAR.  It does not look at nulls inside a dictionary, so a null value
    becomes a null index (and an empty dictionary entry nobody points at).
    """
    if values.null_count:
        indices = pc.if_else(values.is_valid().take(indices), indices, pa.scalar(None, indices.type))
        values = pc.fill_null(values, "")
    return pa.DictionaryArray.from_arrays(indices, values)


def _concat(arrays: list[pa.Array]) -> pa.Array:
    """Concatenate string arrays of possibly different offset widths."""
    if any(pa.types.is_large_string(a.type) for a in arrays):
        arrays = [a.cast(pa.large_string()) for a in arrays]
    return pa.concat_arrays(arrays) if arrays else pa.array([], pa.string())


def _fast_verdicts(con, items: list[tuple[Field, pa.Array, pa.Array | None]], today: dt.date,
                   max_amount: float) -> list[tuple[np.ndarray, pa.Array | None]]:
    """One DuckDB pass over the distinct values of many fields: which are valid as they are.

    ``items``: (field, distinct raw values, per value whether the document is a resident ID card
    or None). Returns per item (ok as a numpy bool array, the typed value where the field is not
    text, else None).  The fields' values are stacked in one table ``fid, v, card``; a CASE on
    ``fid`` runs each field's predicate (:mod:`fastpath`) on that field's values only.
    """
    out: list[tuple[np.ndarray, pa.Array | None]] = [(np.zeros(len(u), dtype=bool), None) for _, u, _ in items]
    cases, typed, digits = [], {}, {}
    for k, (f, _, _) in enumerate(items):
        if f.identifier in fastpath.DIGITS_SQL:
            digits.setdefault(f.identifier, []).append(k)
        n = f"d_{f.identifier}" if f.identifier in fastpath.DIGITS_SQL else None
        fast = (fastpath.id_numbers_sql("v", today, n), "v") if f.identifier == "id_number" else \
            _sql_fast(f, "v", today, max_amount, n)
        if fast is None:
            continue
        pred, value = fast
        if f.identifier == "id_number":
            pred = f"(card AND {pred})"
        cases.append(f"WHEN {k} THEN coalesce({pred}, false)")
        if value != "v":
            typed.setdefault(SQL_TYPES[f.type], []).append(f"WHEN {k} THEN {value}")
    if not cases or not any(len(u) for _, u, _ in items):
        return out
    lengths = [len(u) for _, u, _ in items]
    cards = [c if c is not None else pa.array(np.ones(len(u), dtype=bool)) for _, u, c in items]
    stacked = pa.table({"fid": pa.array(np.repeat(np.arange(len(items), dtype=np.int16), lengths)),
                        "v": _concat([u for _, u, _ in items]), "card": pa.concat_arrays(cards)})
    helpers = "".join(f", CASE WHEN fid IN ({', '.join(map(str, ks))}) THEN {fastpath.DIGITS_SQL[t]('v')} END AS d_{t}"
                      for t, ks in digits.items())
    values = "".join(f", CASE fid {' '.join(w)} END AS fv_{t}" for t, w in typed.items())
    con.register("fast_values", stacked)
    try:
        got = con.sql(f"SELECT CASE fid {' '.join(cases)} ELSE false END AS ok{values} "
                          f"FROM (SELECT fid, v, card{helpers} FROM fast_values)").to_arrow_table()
    finally:
        con.unregister("fast_values")
    ok = got.column("ok").to_numpy()
    start = 0
    for k, (f, _, _) in enumerate(items):
        end = start + lengths[k]
        fv = None
        if not f.identifier and f"fv_{SQL_TYPES[f.type]}" in got.column_names:
            fv = got.column(f"fv_{SQL_TYPES[f.type]}").slice(start, lengths[k]).combine_chunks()
        out[k] = (ok[start:end], fv)
        start = end
    return out


def _merge(uniq: pa.Array, ok: np.ndarray, fv: pa.Array | None, leftover: pa.Table | None) -> tuple:
    """Per distinct value: the fast path's value where it holds, the one-value checker's elsewhere."""
    base = fv if fv is not None else uniq
    if leftover is None or not leftover.num_rows:
        return base, None, None, None
    mask = pa.array(~ok)

    def spread(col: str, typ) -> pa.Array | None:
        repl = leftover.column(col).combine_chunks()
        if col != "value" and repl.null_count == len(repl):
            return None
        return pc.replace_with_mask(pa.nulls(len(uniq), typ), mask, repl.cast(typ))

    value = pc.replace_with_mask(base, mask, leftover.column("value").combine_chunks().cast(base.type))
    return value, spread("err", pa.int32()), spread("note", pa.int32()), spread("vmask", pa.string())


def _validate(con, source: Source, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
              company: str | None, pv: dict[str, dict[str, str]]) -> Validated:
    kind: Kind = mapping.kind
    src = _source_table(source, mapping, kind)
    n = src.num_rows
    header_of = {name: source.headers[i] for i, name in mapping.columns.items()}
    today = dt.date.today()
    max_amount = campaign.max_amount
    issues = _Issues()
    plain = [f for f in kind.fields if not f.identifier]
    order = plain + list(kind.identifiers)
    seq = {f.name: i for i, f in enumerate(order)}
    res: dict[str, _Resolved] = {}

    def resolve(fields: list[Field]) -> None:
        """Verdicts for ``fields``: distinct values, one SQL pass for the valid ones, Python for the rest."""
        items, indices = [], []
        for f in fields:
            col, card = src.column(f.name), None
            type_field = f.name + "_type"
            if f.identifier == "id_number" and type_field in res:
                # the checksum applies when the document is a resident ID card (or its type is empty)
                tr = res[type_field]
                other = pc.fill_null(tr.rows(pc.fill_null(pc.not_equal(tr.value, ID_CARD), False)), False)
                if pc.any(other).as_py():
                    keys, idx = _encode(pc.binary_join_element_wise(
                        pc.if_else(other, "O|", "C|"), _combined(col), ""))
                    items.append((f, pc.utf8_slice_codeunits(keys, 2), pc.starts_with(keys, "C|")))
                    indices.append(idx)
                    continue
            uniq, idx = _encode(col, maybe_unique=f.name in kind.key and not f.identifier)
            items.append((f, uniq, card))
            indices.append(idx)
        for (f, uniq, card), idx, (ok, fv) in zip(items, indices, _fast_verdicts(con, items, today, max_amount),
                                                  strict=True):
            left = np.flatnonzero(~ok)
            leftover = None
            if len(left):
                raws = uniq.take(left).to_pylist()
                header = header_of.get(f.name)
                if f.identifier == "id_number":
                    cards = card.take(left).to_pylist() if card is not None else [True] * len(raws)
                    keys = [("C|" if c else "O|") + r for c, r in zip(cards, raws, strict=True)]
                    leftover = _identifier_lookup(f, keys, issues, seq[f.name], header)
                elif f.identifier:
                    leftover = _identifier_lookup(f, raws, issues, seq[f.name], header)
                else:
                    leftover = _field_lookup(f, raws, pv.get(f.name), max_amount, issues, seq[f.name], header)
            res[f.name] = _Resolved(idx, *_merge(uniq, ok, fv, leftover))

    # --- every field: parse, normalise, check (ID numbers after their document type) ---------
    resolve([f for f in order if f.identifier != "id_number"])
    resolve([f for f in order if f.identifier == "id_number"])

    # --- tokens, masks and ID facts, once per distinct normalised value ---------------------
    params = tokenizer.sql_parameters()
    made: dict[str, dict[str, pa.Array]] = {}  # id type -> token, mask (, birth, gender, region) per distinct value
    at: dict[str, pa.Array] = {}  # identifier field -> per row: position among its type's distinct values
    for id_type in sorted({f.identifier for f in kind.identifiers}):
        fields = [f for f in kind.identifiers if f.identifier == id_type]
        values = _combined(_concat([res[f.name].value for f in fields])).dictionary_encode()
        facts = ""
        if id_type == "id_number":
            is18 = "regexp_full_match(value, '[0-9]{17}[0-9X]')"
            facts = (f", CASE WHEN {is18} THEN CAST(try_strptime(substr(value, 7, 8), '%Y%m%d') AS DATE) END AS birth"
                     f", CASE WHEN {is18} THEN CASE WHEN CAST(substr(value, 17, 1) AS INTEGER) % 2 = 1"
                     f" THEN '男' ELSE '女' END END AS gender, CASE WHEN {is18} THEN substr(value, 1, 6) END AS region")
        con.register("tok_values", pa.table({"value": values.dictionary}))
        try:
            table = con.sql(f"SELECT token, {token_key_sql('token')} AS key, mask{facts} FROM ("
                            f"SELECT value, {tokenizer.token_sql(id_type, 'value')} AS token, "
                            f"{mask_sql(id_type, 'value')} AS mask FROM tok_values) AS t",
                            params=params).to_arrow_table()
        finally:
            con.unregister("tok_values")
        made[id_type] = {c: table.column(c).combine_chunks() for c in table.column_names}
        start = 0
        for f in fields:
            r = res[f.name]
            at[f.name] = r.rows(values.indices.slice(start, len(r.value)))
            start += len(r.value)

    # --- free text: mask identifiers written into prose ------------------------------------
    scrubbed: dict[str, pa.Array] = {}
    scrub_notes: list[tuple[pa.Array, pa.Array]] = []
    rows = _combined(src.column("_row"))
    for f in (f for f in kind.fields if f.free_text):
        text_col = res[f.name].rows(res[f.name].value)
        where = np.flatnonzero(pc.is_valid(text_col).to_numpy(zero_copy_only=False))
        if not len(where):
            continue  # free-text columns are short forms (attachments, feedback) or rare (refusal reasons)
        texts = text_col.take(where).to_pylist()
        raw_ids = [_combined(src.column(g.name)).take(where).to_pylist() for g in kind.identifiers]
        changed, clean_texts = [], []
        for i, text in enumerate(texts):
            clean = scrub(text, [(g.identifier, raw[i].strip()) for g, raw in zip(kind.identifiers, raw_ids,
                                                                                   strict=True)])
            if clean != text:
                changed.append(where[i])
                clean_texts.append(clean)
        if changed:
            iid = issues.id(len(order), f.name, header_of.get(f.name), "normalised", "text_scrubbed",
                            f"{f.zh}：文中的姓名、证件号等个人信息已脱敏", f"{f.name}: identifiers in the text masked")
            mask = np.zeros(n, dtype=bool)
            mask[changed] = True
            scrubbed[f.name] = pc.replace_with_mask(text_col, pa.array(mask), pa.array(clean_texts, type=text_col.type))
            scrub_notes.append((rows.take(pa.array(changed)), pa.array(np.full(len(changed), iid, dtype=np.int32))))

    # --- other text columns (diagnosis, hospital, accident place …): numbers shaped like an ID,
    # a card or a phone are masked, on the distinct values holding 11 or more digits (found by one
    # regular expression in Arrow) — a value shifted from another column, a phone in a name.
    # Not the role-word rule of the prose columns: these hold categories and organisations
    # (人伤黄牛代理索赔, 委托代理人集中), where the word after a role word is no name
    for f in (f for f in kind.fields if f.type == "text" and not f.free_text and not f.identifier):
        r = res[f.name]
        if not len(r.value):
            continue
        suspect = pc.fill_null(pc.match_substring_regex(r.value, SUSPECT_TEXT), False)
        pos = np.flatnonzero(suspect.to_numpy(zero_copy_only=False))
        clean = {int(i): scrub(t, [], roles=False)
                 for i, t in zip(pos, r.value.take(pa.array(pos)).to_pylist(), strict=True)}
        changed = {i: t for i, t in clean.items() if t != r.value[i].as_py()}
        if not changed:
            continue
        flag = np.zeros(len(r.value), dtype=bool)
        flag[list(changed)] = True  # dict order: ascending positions, as replace_with_mask takes them
        res[f.name] = dataclasses.replace(r, value=pc.replace_with_mask(
            r.value, pa.array(flag), pa.array(list(changed.values()), r.value.type)))
        iid = issues.id(len(order), f.name, header_of.get(f.name), "normalised", "text_scrubbed",
                        f"{f.zh}：文中的姓名、证件号等个人信息已脱敏", f"{f.name}: identifiers in the text masked")
        hit = pc.fill_null(r.rows(pa.array(flag)), False)
        scrub_notes.append((rows.filter(hit), pa.array(np.full(pc.sum(hit).as_py() or 0, iid, dtype=np.int32))))

    # --- row checks: the field checks' errors, required, company, cross-field, window -------
    # each check is a boolean per distinct value (or per row), spread over the rows by index
    found: list[tuple[pa.Array, pa.Array, pa.Array]] = []  # (rows, issue ids, masked values)

    def flag(cond, issue, vmask=None) -> None:
        """Rows where ``cond`` holds have ``issue`` (an id, or per row); ``vmask``: per row, or a function of cond."""
        cond = pc.fill_null(cond, False)
        hits = rows.filter(cond)
        if len(hits):
            ids_ = issue.filter(cond) if isinstance(issue, pa.Array) else pa.array(np.full(len(hits), issue, np.int32))
            masks_ = (vmask(cond) if callable(vmask) else vmask.filter(cond)) if vmask is not None else \
                pa.array(np.full(len(hits), "", object), pa.string())
            found.append((hits, ids_.cast(pa.int32()), masks_.cast(pa.string())))

    def per_row(f: Field, per_value: pa.Array) -> pa.Array:
        return res[f.name].rows(per_value)

    with_err = {f.name for f in order if res[f.name].err is not None}
    for f in order:
        if f.name in with_err:
            r = res[f.name]
            errs_ = r.rows(r.err)
            flag(pc.is_valid(errs_), errs_, r.rows(r.vmask))
    base = len(order)
    for i, f in enumerate(kind.fields):
        if f.required:
            sev, zh, en = V.MESSAGES["missing_required"]
            iid = issues.id(base + i, f.name, header_of.get(f.name), "error", "missing_required",
                            f"{f.zh}：{zh}", f"{f.name}: {en}")
            r = res[f.name]
            missing = pc.is_null(r.value)
            if f.name in with_err:
                missing = pc.and_(missing, pc.is_null(r.err))
            flag(pc.fill_null(per_row(f, missing), True), iid)  # a null cell is missing too
    at_seq = base + len(kind.fields)
    if _company_of_rows(kind, company):
        iid = issues.id(at_seq, COMPANY_FIELD, header_of.get(COMPANY_FIELD), "error", "company_mismatch",
                        f"公司代码与本文件所属公司({company})不一致，每家公司只能报送本公司数据",
                        f"company code differs from the file's company ({company}); send your own records only")
        r = res[COMPANY_FIELD]
        flag(per_row(kind.field(COMPANY_FIELD), pc.not_equal(r.value, company)), iid,
             lambda cond, r=r: _shown_array(r.kept(r.value, cond)))
    for j, c in enumerate(kind.checks):
        iid = issues.id(at_seq + 1 + j, c.left, header_of.get(c.left), "error", "cross_field",
                        f"{kind.field(c.left).zh}/{kind.field(c.right).zh}：{c.zh}", f"{c.left}/{c.right}: {c.en}")
        left, right = kind.field(c.left), kind.field(c.right)
        flag(pc.greater(per_row(left, _comparable(left, res[c.left].value)),
                        per_row(right, _comparable(right, res[c.right].value))), iid)
    if kind.window_field:
        start, end = ((campaign.window_start, campaign.window_end) if kind.window == "campaign"
                      else (campaign.review_start, campaign.review_end))
        wf = kind.field(kind.window_field)
        iid = issues.id(at_seq + 1 + len(kind.checks), wf.name, header_of.get(wf.name), "error", "out_of_window",
                        f"{wf.zh}不在本次报送期间({start}至{end})内，请只报送期间内的数据",
                        f"{kind.window_field} outside the window {start}..{end}")
        d = _comparable(wf, res[wf.name].value)
        inside = pc.and_(pc.greater_equal(d, pa.scalar(dt.datetime.combine(start, dt.time()), d.type)),
                         pc.less(d, pa.scalar(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()), d.type)))
        flag(per_row(wf, pc.invert(inside)), iid)
    errs = pa.table({"_row": pa.concat_arrays([r for r, _, _ in found]) if found else pa.array([], pa.int64()),
                     "issue": pa.concat_arrays([i for _, i, _ in found]) if found else pa.array([], pa.int32()),
                     "vmask": pa.concat_arrays([m for _, _, m in found]) if found else pa.array([], pa.string())})

    # --- duplicates on the natural key (among rows not otherwise rejected) -----------------
    # each key field as an integer code per row: equal normalised values (tokens) give equal codes
    dups = pa.table({"_row": pa.array([], pa.int64()), "first_row": pa.array([], pa.int64())})
    if kind.key and n:
        codes = {k: at[k] if kind.field(k).identifier else
                 res[k].value if res[k].indices is None else res[k].rows(_codes(res[k].value)) for k in kind.key}
        keyed = pa.table({**codes, "_row": rows})
        if errs.num_rows:
            keyed = keyed.filter(pc.invert(pc.is_in(rows, value_set=errs["_row"])))
        groups = keyed.group_by(list(kind.key), use_threads=False).aggregate([("_row", "count")])
        if pc.any(pc.greater(groups["_row_count"], 1)).as_py():  # rare: name each repeat's first row
            con.register("keyed", keyed)
            keys = ", ".join(_q(k) for k in kind.key)
            same = " AND ".join(f"k.{_q(c)} IS NOT DISTINCT FROM g.{_q(c)}" for c in kind.key)
            dups = con.sql(f"SELECT k._row, g.first_row FROM keyed k JOIN (SELECT {keys}, min(_row) AS first_row "
                           f"FROM keyed GROUP BY {keys} HAVING count(*) > 1) g ON {same} WHERE k._row <> g.first_row "
                           "ORDER BY k._row").to_arrow_table()
    rejected = pc.unique(pa.concat_arrays([errs["_row"].combine_chunks(), dups["_row"].combine_chunks()]))

    # --- reject records and notes, with their messages (an issue's id is its position) ------
    issue_table = issues.table()
    said = issue_table.take(errs["issue"])
    key_zh, key_en = "、".join(kind.field(k).zh for k in kind.key), ", ".join(kind.key)
    firsts = dups["first_row"].to_pylist()
    text = pa.string()
    rejects = pa.concat_tables([
        pa.table({"row": errs["_row"], "seq": said["seq"], "field": said["field"], "header": said["header"],
                  "code": said["code"], "reason_zh": said["zh"], "reason_en": said["en"], "value_mask": errs["vmask"]}),
        pa.table({"row": dups["_row"], "seq": pa.array(np.full(len(firsts), 1000000, np.int32)),
                  "field": pa.nulls(len(firsts), text), "header": pa.nulls(len(firsts), text),
                  "code": pa.array(["duplicate_row"] * len(firsts), text),
                  "reason_zh": pa.array([f"与第{r}行重复(相同的{key_zh})" for r in firsts], text),
                  "reason_en": pa.array([f"duplicate of row {r} (same {key_en})" for r in firsts], text),
                  "value_mask": pa.array([""] * len(firsts), text)}),
    ]).sort_by([("row", "ascending"), ("seq", "ascending")]).drop_columns(["seq"])
    noted = []
    for f in order:
        r = res[f.name]
        if r.note is not None:
            per = r.rows(r.note)
            noted.append((rows.filter(pc.is_valid(per)), per.filter(pc.is_valid(per))))
    noted += scrub_notes
    note_rows = pa.concat_arrays([r for r, _ in noted]) if noted else pa.array([], pa.int64())
    note_ids = pa.concat_arrays([i.cast(pa.int32()) for _, i in noted]) if noted else pa.array([], pa.int32())
    if len(rejected) and len(note_rows):
        kept = pc.invert(pc.is_in(note_rows, value_set=rejected))
        note_rows, note_ids = note_rows.filter(kept), note_ids.filter(kept)
    said = issue_table.take(note_ids)
    notes = pa.table({"row": note_rows, "seq": said["seq"], "field": said["field"], "severity": said["severity"],
                      "code": said["code"], "note_zh": said["zh"], "note_en": said["en"]}).sort_by(
        [("row", "ascending"), ("seq", "ascending")]).drop_columns(["seq"])

    # --- the accepted rows, warehouse-shaped (in file order): each column taken once ---------
    keep = pc.invert(pc.is_in(rows, value_set=rejected)) if len(rejected) else None
    out: dict[str, pa.Array] = {"_row": pc.cast(rows if keep is None else rows.filter(keep), pa.int32())}
    for f in kind.fields:
        r = res[f.name]
        if f.identifier:
            pos = at[f.name] if keep is None else at[f.name].filter(keep)
            for c, values in made[f.identifier].items():
                out[f"{f.name}_{c}"] = _dict_column(pos, values) if pa.types.is_string(values.type) else values.take(pos)
        elif f.name in scrubbed:
            out[f.name] = scrubbed[f.name] if keep is None else scrubbed[f.name].filter(keep)
        elif r.indices is not None and pa.types.is_string(r.value.type):
            out[f.name] = _dict_column(r.indices if keep is None else r.indices.filter(keep), r.value)
        else:
            out[f.name] = r.kept(r.value, keep)
    wanted = [name for name, _ in table_columns(kind) if name != "_batch_id"]
    table = pa.table(out).select(wanted)

    def rows_with(severity: str) -> int:
        return pc.count_distinct(notes.filter(pc.equal(notes["severity"], severity))["row"]).as_py()

    return Validated(table, rejects, notes, n, rows_with("normalised"), rows_with("warning"), len(rejected))


def _comparable(f: Field, values: pa.Array) -> pa.Array:
    """A field's values as comparable ones: dates and times as timestamps, numbers as doubles."""
    if f.type in ("date", "datetime"):
        return pc.cast(values, pa.timestamp("us"))
    return pc.cast(values, pa.float64())


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas as the one-file API always returned it: object strings with None, Int64."""
    table = pa.table({name: col.cast(col.type.value_type) if pa.types.is_dictionary(col.type) else col
                      for name, col in zip(table.column_names, table.columns, strict=True)})
    df = table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for name, typ in zip(table.column_names, table.schema.types, strict=True):
        if pa.types.is_string(typ):
            df[name] = df[name].astype(object).where(df[name].notna(), None)
    return df


def validate(raw: RawTable, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
             company: str | None, profile_values: dict[str, dict[str, str]] | None = None) -> Validated:
    """Validate a :class:`RawTable` (pandas in, pandas out) — for callers outside the bulk ingest."""
    v = validate_source(source_from_raw(raw), mapping, campaign, tokenizer, company, profile_values)
    v.table, v.rejects, v.notes = _to_pandas(v.table), _to_pandas(v.rejects), _to_pandas(v.notes)
    return v


__all__ = ["Validated", "validate", "validate_source", "connect_staging", "REJECT_COLUMNS", "NOTE_COLUMNS"]
