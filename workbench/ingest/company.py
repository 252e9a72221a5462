"""Which company a submitted file comes from (报送单位认定).

A file's company decides whose earlier batch a resubmission replaces and whose receipt tells
of it, so it is settled once, before validation: the ``--company`` option when given, else the
company the file's name (or folder) claims to send it, else the most frequent company code in
its rows.  The file name is the sender's claim: rows of any other company are rejected as
``company_mismatch`` (每家公司只能报送本公司数据), whether they are a few rows or all of them.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import COMPANY_FIELD, Kind
from ..errors import IngestError

#: What a company code looks like when no company register (机构名录) is loaded to say which codes
#: exist: one to four capital letters and one to six digits (C01, PICC01).  A file-name prefix of
#: that form names its sender; words, dates and version tags (意健险理赔, 2019, v2) do not.
CODE_FORM = re.compile(r"[A-Z]{1,4}[0-9]{1,6}")

#: Company codes written with lower-case letters (c07) are made upper case when they are letters and digits.
_UPPER_FORM = r"^[0-9A-Z]+$"


@dataclass(frozen=True)
class Companies:
    """The company codes the warehouse knows when a run starts."""

    register: frozenset[str] = frozenset()  # the company register (机构名录)
    known: frozenset[str] = frozenset()  # the register and every company that submitted before

    def valid(self, code: str) -> bool:
        """A code that may stand for a company: in the register when one is loaded, else of :data:`CODE_FORM`."""
        if self.register:
            return code in self.register
        return code in self.known or bool(CODE_FORM.fullmatch(code))

    @property
    def upper_case(self) -> bool:
        """Whether codes are written in capitals (then ``c07`` is ``C07``): no known code has a lower-case letter."""
        return all(c == c.upper() for c in self.known)


#: No company known (a first ingest, or a caller that does not look).
NO_COMPANIES = Companies()


def warehouse_companies(con: duckdb.DuckDBPyConnection) -> Companies:
    """The register's codes and those of earlier submissions."""
    register: set[str] = set()
    try:
        register = {r[0] for r in con.execute(f'SELECT DISTINCT "{COMPANY_FIELD}" FROM company').fetchall() if r[0]}
    except duckdb.Error:  # no register table yet
        pass
    seen = {r[0] for r in con.execute("SELECT DISTINCT company_code FROM manifest WHERE company_code IS NOT NULL "
                                      "AND status IN ('loaded', 'replaced')").fetchall()}
    return Companies(frozenset(register), frozenset(register | seen))


def checked_company(code: str | None, companies: Companies) -> str | None:
    """``--company`` as given, upper-cased like the rows' codes; refused when the register lacks it."""
    if not code:
        return code
    code = code.strip()
    if companies.upper_case and re.fullmatch(_UPPER_FORM, code.upper()):
        code = code.upper()
    if companies.register and code not in companies.register:
        listed = "、".join(sorted(companies.register)[:12]) + ("等" if len(companies.register) > 12 else "")
        raise IngestError(
            f"公司代码 {code} 不在机构名录中(名录共{len(companies.register)}家：{listed})，本次未入库任何文件；"
            f"请核对 --company 的公司代码，新参加的公司请先报送机构名录 / company code {code} is not in the company "
            f"register ({len(companies.register)} companies: {', '.join(sorted(companies.register)[:12])}"
            f"{' …' if len(companies.register) > 12 else ''}); nothing was loaded — check --company, or load the "
            "register with the new company first"
        )
    return code


def path_company(path: Path, companies: Companies | frozenset[str] | set[str] = NO_COMPANIES) -> str | None:
    """The company a file's name or folder says it comes from (文件名/文件夹所示公司), or None.

    Insurers name their files ``<company code>_<kind>…`` and the association files them in one
    folder per company.  The file-name prefix or a folder name counts when it is a company code
    the warehouse knows (register and earlier submissions); the file-name prefix also counts when
    the folder agrees (``C02/C02_意健险理赔.csv``), or when it has the form of a company code and no
    register is loaded to say otherwise (:meth:`Companies.valid`).
    """
    if not isinstance(companies, Companies):
        companies = Companies(known=frozenset(companies))
    prefix = re.split(r"[_\-\s·.]", path.stem, maxsplit=1)[0].strip()
    folders = [f.name for f in list(path.parents)[:3]]
    for candidate in (prefix, *folders):
        if candidate and candidate in companies.known:
            return candidate
    if prefix and (path.parent.name == prefix or companies.valid(prefix)):
        return prefix
    return None


def file_company(kind: Kind, raw_company: pd.Series | pa.ChunkedArray | None, explicit: str | None) -> str | None:
    """The company a file's rows belong to: the most frequent company code in it (first seen wins a tie)."""
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


def upper_case_codes(data: pa.Table, column: str, companies: Companies) -> tuple[pa.Table, pa.Array | None]:
    """(the rows with lower-case company codes made upper case, the spreadsheet rows changed or None).

    Company codes are capitals and digits (C07); a clerk's ``c07`` is the same company, not another
    one, so it is corrected and noted rather than rejected as another company's row.  Looked at on
    the column's distinct values first: nearly every file has one code, written correctly.
    """
    if not companies.upper_case:
        return data, None
    values = data.column(column)
    distinct = pc.unique(values)
    upper = pc.utf8_upper(pc.utf8_trim_whitespace(distinct))
    if not pc.any(pc.and_(pc.not_equal(upper, pc.utf8_trim_whitespace(distinct)),
                          pc.match_substring_regex(upper, _UPPER_FORM))).as_py():
        return data, None
    trimmed = pc.utf8_trim_whitespace(values)
    fixed = pc.utf8_upper(trimmed)
    changed = pc.fill_null(pc.and_(pc.not_equal(fixed, trimmed), pc.match_substring_regex(fixed, _UPPER_FORM)), False)
    data = data.set_column(data.column_names.index(column), column, pc.if_else(changed, fixed, values))
    return data, pc.filter(data.column("_row"), changed).combine_chunks()


def upper_case_notes(notes: pa.Table, changed: pa.Array, loaded_rows: pa.ChunkedArray | pa.Array) -> pa.Table:
    """``notes`` with one normalisation note per loaded row whose company code was upper-cased."""
    rows = pc.filter(changed, pc.is_in(changed, value_set=pc.cast(loaded_rows, changed.type)))
    if not len(rows):
        return notes
    n = len(rows)
    extra = pa.table({
        "row": pc.cast(rows, notes.schema.field("row").type),
        "field": pa.array([COMPANY_FIELD] * n, pa.string()),
        "severity": pa.array(["normalised"] * n, pa.string()),
        "code": pa.array(["upper_case"] * n, pa.string()),
        "note_zh": pa.array(["公司代码：小写字母已统一为大写"] * n, pa.string()),
        "note_en": pa.array([f"{COMPANY_FIELD}: lower-case letters made upper case"] * n, pa.string()),
    }).select(notes.column_names).cast(notes.schema)
    return pa.concat_tables([notes, extra]).sort_by([("row", "ascending")])


def rows_with(notes: pa.Table, severity: str) -> int:
    """Rows with at least one note of ``severity`` (a row counts once)."""
    return pc.count_distinct(notes.filter(pc.equal(notes["severity"], severity))["row"]).as_py()
