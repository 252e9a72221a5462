"""Validate, normalise and desensitize one file's rows (逐行校验、规范化、脱敏).

Set-based, in a private in-memory DuckDB database, so no per-row work happens in Python:

1. The file's cells go in as one table of strings (``src``: ``_row`` plus one column per field).
2. For every field, a DuckDB expression (:mod:`fastpath`) accepts the values that are valid as
   they are — nearly all of them — over the whole column.  Only the DISTINCT values it leaves go
   to Python, through the numpy fast paths and then the exact one-value checkers
   (:mod:`values`, :mod:`workbench.identifiers`), which give the normalised value and the verdict.
   Those verdicts come back as small lookup tables (raw → value, issue, masked value).
3. One joined table ``v`` holds every row's parsed values and issue ids; tokens (HMAC composed
   in SQL, :meth:`Tokenizer.token_sql`), masks and ID facts are computed once per distinct
   normalised identifier; required fields, the file's company, cross-field checks, the date
   window and duplicates on the natural key are SQL over ``v``.
4. What leaves is the warehouse-shaped table of accepted rows, one reject record per
   (row, reason) and one note per normalisation or warning — as Arrow tables.

Raw identifiers exist only inside this function's database, which lives in memory and may not
spill to disk (``temp_directory`` is empty): what leaves it is tokens and masks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import identifiers as ids
from ..config import Campaign
from ..contract import COMPANY_FIELD, Field, Kind
from ..protect import Tokenizer, mask_sql
from ..schema import SQL_TYPES, table_columns
from . import fastpath
from . import values as V
from .mapping import Mapping
from .reader import RawTable, Source, source_from_raw
from .scrub import scrub

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


def _safe_mask(id_type: str | None, raw: str) -> str:
    """Masked form of an offending value: never the whole identifier."""
    s = ids.normalize_text(raw)
    if not id_type:
        return s[:60]
    if id_type == "name":
        return (s[:1] + "*" * max(1, len(s) - 1)) if s else ""
    if len(s) <= 5:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 5) + s[-2:]


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
            vmasks[i] = _safe_mask(f.identifier, u[i])
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


def validate_source(source: Source, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
                    company: str | None, profile_values: dict[str, dict[str, str]] | None = None,
                    threads: int | None = None) -> Validated:
    """Validate a file's rows; the result's tables are Arrow tables (see the module docstring)."""
    con = connect_staging(threads)
    try:
        return _validate(con, source, mapping, campaign, tokenizer, company, profile_values or {})
    finally:
        con.close()


def _validate(con, source: Source, mapping: Mapping, campaign: Campaign, tokenizer: Tokenizer,
              company: str | None, pv: dict[str, dict[str, str]]) -> Validated:
    kind: Kind = mapping.kind
    n = source.data.num_rows
    header_of = {name: source.headers[i] for i, name in mapping.columns.items()}
    today = dt.date.today()
    max_amount = campaign.max_amount
    issues = _Issues()
    plain = [f for f in kind.fields if not f.identifier]
    order = plain + list(kind.identifiers)
    seq = {f.name: i for i, f in enumerate(order)}
    # Each fast path is evaluated once per row, while the cells are copied in: ``<field>__ok``
    # says "valid as is", ``<field>__fv`` holds the parsed value where it is not the text itself.
    fast_cols: dict[str, tuple[str, str]] = {}
    extra, helpers = [], []
    for f in order:
        col = _q(f.name)
        digits = None
        if f.identifier in fastpath.DIGITS_SQL:
            digits = _q(f.name + "__digits")
            helpers.append(f"{fastpath.DIGITS_SQL[f.identifier](col)} AS {digits}")
        fast = (fastpath.id_numbers_sql(col, today, digits), col) if f.identifier == "id_number" else \
            _sql_fast(f, col, today, max_amount, digits)
        if fast is None:
            continue
        pred, value = fast
        extra.append(f"coalesce({pred}, false) AS {_q(f.name + '__ok')}")
        fv = f"src.{col}"
        if value != col:
            extra.append(f"CASE WHEN {pred} THEN {value} END AS {_q(f.name + '__fv')}")
            fv = f"src.{_q(f.name + '__fv')}"
        fast_cols[f.name] = (f"src.{_q(f.name + '__ok')}", fv)
    con.register("src_arrow", _source_table(source, mapping, kind))
    inner = f"SELECT *{''.join(', ' + h for h in helpers)} FROM src_arrow"
    drop = f" EXCLUDE ({', '.join(h.rsplit(' AS ', 1)[1] for h in helpers)})" if helpers else ""
    con.execute(f"CREATE TABLE src AS SELECT *{drop}{''.join(', ' + e for e in extra)} FROM ({inner})")
    con.unregister("src_arrow")
    joins: list[str] = []  # LEFT JOINs of the lookup tables, in order
    select: list[str] = ["src._row AS _row"]

    def resolved(f: Field, key: str, fast: tuple[str, str] | None, table: pa.Table) -> None:
        """Add a field's value/issue columns to the row table, from its fast path and lookup."""
        alias = f"lk_{seq[f.name]}"
        if table.num_rows:
            con.register(alias, table)
            joins.append(f"LEFT JOIN {alias} ON {alias}.raw = {key}")
            if fast:
                pred, value = fast
                select.append(f"CASE WHEN {pred} THEN {value} ELSE {alias}.value END AS {_q(f.name)}")
            else:
                select.append(f"{alias}.value AS {_q(f.name)}")
            select.extend([f"{alias}.err AS {_q(f.name + '__e')}", f"{alias}.note AS {_q(f.name + '__n')}",
                           f"{alias}.vmask AS {_q(f.name + '__m')}"])
        else:  # every value took the fast path (or there are no rows)
            value = fast[1] if fast else "NULL"
            select.append(f"CAST({value} AS {SQL_TYPES[f.type] if not f.identifier else 'VARCHAR'}) AS {_q(f.name)}")
            select.extend(f"NULL::INTEGER AS {_q(f.name + s)}" for s in ("__e", "__n"))
            select.append(f"NULL::VARCHAR AS {_q(f.name + '__m')}")

    def leftovers(key: str, fast: tuple[str, str] | None, extra_join: str = "") -> list[str]:
        where = f"WHERE NOT {fast[0]}" if fast else ""
        rows = con.execute(f"SELECT DISTINCT {key} FROM src {extra_join} {where}").fetchall()
        return [r[0] for r in rows]

    # --- fields that are not identifiers: parse, normalise, check --------------------------
    for f in plain:
        src = f"src.{_q(f.name)}"
        fast = fast_cols.get(f.name)
        table = _field_lookup(f, leftovers(src, fast), pv.get(f.name), max_amount, issues, seq[f.name],
                              header_of.get(f.name))
        resolved(f, src, fast, table)

    # --- identifiers: check and normalise (tokens and masks below, per distinct value) ------
    for f in kind.identifiers:
        src = f"src.{_q(f.name)}"
        fast = fast_cols.get(f.name)
        key, extra_join = src, ""
        if f.identifier == "id_number":
            type_field = f.name + "_type"
            if type_field in seq:
                alias = f"lk_{seq[type_field]}"
                registered = any(j.startswith(f"LEFT JOIN {alias} ") for j in joins)
                tval = f"{alias}.value" if registered else "NULL"
                if registered:
                    extra_join = f"LEFT JOIN {alias} ON {alias}.raw = src.{_q(type_field)}"
                card = f"({tval} IS NULL OR {tval} = '{ID_CARD}')"
            else:
                card = "true"
            key = f"(CASE WHEN {card} THEN 'C|' ELSE 'O|' END || {src})"
            fast = (f"({card} AND {fast_cols[f.name][0]})", src)
        table = _identifier_lookup(f, leftovers(key, fast, extra_join), issues, seq[f.name], header_of.get(f.name))
        resolved(f, key, fast, table)

    con.execute(f"CREATE TABLE v AS SELECT {', '.join(select)} FROM src {' '.join(joins)}")
    for j in joins:
        con.unregister(j.split()[2])

    # --- tokens, masks and ID facts, once per distinct normalised value ---------------------
    params = tokenizer.sql_parameters()
    for id_type in sorted({f.identifier for f in kind.identifiers}):
        cols = [f for f in kind.identifiers if f.identifier == id_type]
        union = " UNION ".join(f"SELECT {_q(f.name)} AS value FROM v WHERE {_q(f.name)} IS NOT NULL" for f in cols)
        facts = ""
        if id_type == "id_number":
            is18 = "regexp_full_match(value, '[0-9]{17}[0-9X]')"
            facts = (f", CASE WHEN {is18} THEN CAST(try_strptime(substr(value, 7, 8), '%Y%m%d') AS DATE) END AS birth"
                     f", CASE WHEN {is18} THEN CASE WHEN CAST(substr(value, 17, 1) AS INTEGER) % 2 = 1"
                     f" THEN '男' ELSE '女' END END AS gender, CASE WHEN {is18} THEN substr(value, 1, 6) END AS region")
        con.execute(f"CREATE TABLE tok_{id_type} AS SELECT value, {tokenizer.token_sql(id_type, 'value')} AS token, "
                    f"{mask_sql(id_type, 'value')} AS mask{facts} FROM (SELECT DISTINCT value FROM ({union}))", params)

    # --- free text: mask identifiers written into prose ------------------------------------
    free = [f for f in kind.fields if f.free_text]
    scrubbed: dict[str, str] = {}
    scrub_issue: dict[str, int] = {}
    for f in free:
        idc = ", ".join(f"src.{_q(g.name)}" for g in kind.identifiers)
        rows = con.execute(f"SELECT v._row, v.{_q(f.name)}{', ' + idc if idc else ''} FROM v JOIN src USING (_row) "
                           f"WHERE v.{_q(f.name)} IS NOT NULL").fetchall()
        changed = []  # free-text columns are short forms (attachments, feedback) or rare (refusal reasons)
        for row, text, *raw_ids in rows:
            known = [(g.identifier, r.strip()) for g, r in zip(kind.identifiers, raw_ids, strict=True)]
            clean = scrub(text, known)
            if clean != text:
                changed.append((row, clean))
        if changed:
            scrub_issue[f.name] = issues.id(len(order), f.name, header_of.get(f.name), "normalised", "text_scrubbed",
                                            f"{f.zh}：文中的姓名、证件号等个人信息已脱敏",
                                            f"{f.name}: identifiers in the text masked")
            name = f"scrub_{seq[f.name]}"
            con.register(name, pa.table({"_row": pa.array([r for r, _ in changed], type=pa.int64()),
                                         "text": pa.array([t for _, t in changed], type=pa.string())}))
            con.execute(f"CREATE TABLE {name}_t AS SELECT * FROM {name}")
            con.unregister(name)
            scrubbed[f.name] = f"{name}_t"

    # --- row checks: required, company, cross-field, window --------------------------------
    base = len(order)
    parts = [f"SELECT _row, {_q(f.name + '__e')} AS issue, {_q(f.name + '__m')} AS vmask FROM v "
             f"WHERE {_q(f.name + '__e')} IS NOT NULL" for f in order]
    for i, f in enumerate(kind.fields):
        if f.required:
            sev, zh, en = V.MESSAGES["missing_required"]
            iid = issues.id(base + i, f.name, header_of.get(f.name), "error", "missing_required",
                            f"{f.zh}：{zh}", f"{f.name}: {en}")
            parts.append(f"SELECT _row, {iid}, '' FROM v WHERE {_q(f.name)} IS NULL AND {_q(f.name + '__e')} IS NULL")
    params_rows: dict[str, object] = {}
    at = base + len(kind.fields)
    if _company_of_rows(kind, company):
        iid = issues.id(at, COMPANY_FIELD, header_of.get(COMPANY_FIELD), "error", "company_mismatch",
                        f"公司代码与本文件所属公司({company})不一致，每家公司只能报送本公司数据",
                        f"company code differs from the file's company ({company}); send your own records only")
        params_rows["company"] = company
        parts.append(f"SELECT _row, {iid}, CAST({_q(COMPANY_FIELD)} AS VARCHAR) FROM v "
                     f"WHERE {_q(COMPANY_FIELD)} IS NOT NULL AND {_q(COMPANY_FIELD)} <> $company")
    for j, c in enumerate(kind.checks):
        iid = issues.id(at + 1 + j, c.left, header_of.get(c.left), "error", "cross_field",
                        f"{kind.field(c.left).zh}/{kind.field(c.right).zh}：{c.zh}", f"{c.left}/{c.right}: {c.en}")
        parts.append(f"SELECT _row, {iid}, '' FROM v WHERE {_comparable(kind.field(c.left))} > "
                     f"{_comparable(kind.field(c.right))}")
    if kind.window_field:
        start, end = ((campaign.window_start, campaign.window_end) if kind.window == "campaign"
                      else (campaign.review_start, campaign.review_end))
        wf = kind.field(kind.window_field)
        iid = issues.id(at + 1 + len(kind.checks), wf.name, header_of.get(wf.name), "error", "out_of_window",
                        f"{wf.zh}不在本次报送期间({start}至{end})内，请只报送期间内的数据",
                        f"{kind.window_field} outside the window {start}..{end}")
        params_rows.update(w_start=dt.datetime.combine(start, dt.time()),
                           w_end=dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
        d = f"CAST({_q(wf.name)} AS TIMESTAMP)"
        parts.append(f"SELECT _row, {iid}, '' FROM v WHERE {d} IS NOT NULL AND NOT ({d} >= $w_start AND {d} < $w_end)")
    con.execute(f"CREATE TABLE errs AS {' UNION ALL '.join(parts)}", params_rows)

    # --- duplicates on the natural key (among rows not otherwise rejected) -----------------
    # an identifier's normalised value stands for its token: equal values give equal tokens
    keys = ", ".join(_q(k) for k in kind.key)
    con.execute(f"CREATE TABLE dups AS SELECT _row, first_row FROM (SELECT _row, min(_row) OVER (PARTITION BY {keys}) "
                f"AS first_row FROM v WHERE _row NOT IN (SELECT _row FROM errs)) WHERE _row <> first_row" if kind.key and n else
                "CREATE TABLE dups AS SELECT NULL::BIGINT AS _row, NULL::BIGINT AS first_row WHERE false")
    con.execute("CREATE TABLE rejected AS SELECT DISTINCT _row FROM errs UNION SELECT _row FROM dups")

    con.register("issues", issues.table())
    key_zh, key_en = "、".join(kind.field(k).zh for k in kind.key), ", ".join(kind.key)
    rejects = con.sql(
        "SELECT \"row\", field, header, code, reason_zh, reason_en, value_mask FROM ("
        " SELECT e._row AS \"row\", i.seq, i.field, i.header, i.code, i.zh AS reason_zh, i.en AS reason_en,"
        " e.vmask AS value_mask FROM errs e JOIN issues i ON i.id = e.issue"
        " UNION ALL SELECT _row, 1000000, NULL, NULL, 'duplicate_row', '与第' || first_row || '行重复(相同的' || $kzh || ')',"
        " 'duplicate of row ' || first_row || ' (same ' || $ken || ')', '' FROM dups)"
        " ORDER BY \"row\", seq", params={"kzh": key_zh, "ken": key_en}).to_arrow_table()
    note_parts = [f"SELECT _row, {_q(f.name + '__n')} AS issue FROM v WHERE {_q(f.name + '__n')} IS NOT NULL"
                  for f in order]
    for name, table_name in scrubbed.items():
        note_parts.append(f"SELECT _row, {scrub_issue[name]} FROM {table_name}")
    notes = con.sql(
        "SELECT \"row\", field, severity, code, note_zh, note_en FROM ("
        " SELECT n._row AS \"row\", i.seq, i.field, i.severity, i.code, i.zh AS note_zh, i.en AS note_en"
        f" FROM ({' UNION ALL '.join(note_parts)}) n JOIN issues i ON i.id = n.issue"
        " WHERE n._row NOT IN (SELECT _row FROM rejected)) ORDER BY \"row\", seq").to_arrow_table()

    # --- the accepted rows, warehouse-shaped -----------------------------------------------
    cols, joins = ["CAST(v._row AS INTEGER) AS _row"], []
    for f in kind.fields:
        if f.identifier:
            t = f"t_{seq[f.name]}"
            joins.append(f"LEFT JOIN tok_{f.identifier} {t} ON {t}.value = v.{_q(f.name)}")
            cols += [f"{t}.token AS {_q(f.name + '_token')}", f"{t}.mask AS {_q(f.name + '_mask')}"]
            if f.identifier == "id_number":
                cols += [f"{t}.{s} AS {_q(f.name + '_' + s)}" for s in ("birth", "gender", "region")]
        elif f.name in scrubbed:
            s = f"s_{seq[f.name]}"
            joins.append(f"LEFT JOIN {scrubbed[f.name]} {s} ON {s}._row = v._row")
            cols.append(f"coalesce({s}.text, v.{_q(f.name)}) AS {_q(f.name)}")
        else:
            cols.append(f"v.{_q(f.name)}")
    wanted = [name for name, _ in table_columns(kind) if name != "_batch_id"]
    table = con.sql(f"SELECT {', '.join(cols)} FROM v {' '.join(joins)} WHERE v._row NOT IN "
                        f"(SELECT _row FROM rejected) ORDER BY v._row").to_arrow_table().select(wanted)
    rows_rejected = con.execute("SELECT count(*) FROM rejected").fetchone()[0]

    def rows_with(severity: str) -> int:
        return pc.count_distinct(notes.filter(pc.equal(notes["severity"], severity))["row"]).as_py()

    return Validated(table, rejects, notes, n, rows_with("normalised"), rows_with("warning"), int(rows_rejected))


def _comparable(f: Field) -> str:
    """A field as a comparable value: dates and times as TIMESTAMP, numbers as DOUBLE."""
    if f.type in ("date", "datetime"):
        return f"CAST({_q(f.name)} AS TIMESTAMP)"
    return f"CAST({_q(f.name)} AS DOUBLE)"


def _to_pandas(table: pa.Table) -> pd.DataFrame:
    """Arrow → pandas as the one-file API always returned it: object strings with None, Int64."""
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
