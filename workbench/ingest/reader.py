"""Read a submitted file into a table of strings (读取报送文件).

Insurers send xlsx, CSV in UTF-8 (with or without BOM) or in GB18030/GBK (what
"CSV (逗号分隔)" on Chinese Windows produces), and, for benchmarks, parquet.
Every cell is read as text so nothing — leading zeros, 18-digit IDs — is
changed before validation; the reader only reports what it found (format,
encoding) and refuses what it cannot read with a message a clerk can act on.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..errors import IngestError
from ..templates import NOTES_MARK

SUPPORTED = (".xlsx", ".xlsm", ".csv", ".txt", ".parquet")


@dataclass
class RawTable:
    """A file's header and data rows as strings, with the spreadsheet row of each."""

    headers: list[str]
    data: pd.DataFrame  # columns 0..n-1 as object/str, NaN-free ('' for blank)
    rows: pd.Series  # spreadsheet row number of each data row (header is row 1)
    file_format: str
    encoding: str | None
    sheet: str | None = None
    blank_rows: int = 0
    header_row: int = 1  # spreadsheet row of the headers: below a title, it is not row 1
    other_sheets: tuple[str, ...] = ()  # further sheets of a workbook that hold headers too (not read)


@dataclass
class Source:
    """A file's header and data rows for the bulk ingest: an Arrow table of strings.

    ``data`` holds one non-null string column per header, named ``"0"``, ``"1"`` …, and
    ``_row``, the spreadsheet row of each data row (header is row 1); blank rows are dropped.
    """

    headers: list[str]
    data: pa.Table
    file_format: str
    encoding: str | None
    sheet: str | None = None
    blank_rows: int = 0
    header_row: int = 1
    other_sheets: tuple[str, ...] = ()


def source_from_raw(raw: RawTable) -> Source:
    """A :class:`RawTable` (xlsx, parquet, or CSV read by pandas) as a :class:`Source`."""
    cols = [pa.array(raw.data[c].to_numpy(dtype=object), type=pa.string()) for c in raw.data.columns]
    names = [str(i) for i in range(len(cols))]
    data = pa.Table.from_arrays([*cols, pa.array(raw.rows.to_numpy(dtype="int64"), type=pa.int64())],
                                names=[*names, "_row"])
    return Source(raw.headers, data, raw.file_format, raw.encoding, raw.sheet, raw.blank_rows, raw.header_row,
                  raw.other_sheets)


def _fail(path: Path, zh: str, en: str) -> IngestError:
    return IngestError(f"{path.name}: {zh} / {en}")


#: How far down a title block may push the header row (a report title, a date line, a blank row).
HEADER_SEARCH_ROWS = 10


def _known_cells(cells) -> int:
    from .mapping import is_known_header

    return sum(1 for c in cells if c is not None and is_known_header(str(c)))


def header_row_index(first_rows: list[list]) -> int:
    """0-based index of the header row among a file's first rows.

    Exports often start with a title (“XX保险公司2019年意外险承保清单”) or a date line above the
    headers. Row 1 stays the header row unless it holds fewer than two headers of the contract and
    a row further down (within :data:`HEADER_SEARCH_ROWS`) holds two or more: then that row is.
    """
    if _known_cells(first_rows[0] if first_rows else []) >= 2:
        return 0
    for i, cells in enumerate(first_rows[1:HEADER_SEARCH_ROWS], start=1):
        if _known_cells(cells) >= 2:
            return i
    return 0


def decode_text(path: Path, data: bytes) -> tuple[str, str]:
    """Decode in the order UTF-8-SIG → UTF-8 → GB18030; refuse NULs and mixed files."""
    if not data.strip():
        raise _fail(path, "文件为空", "the file is empty")
    if b"\x00" in data[:4096]:
        raise _fail(path, "文件编码无法识别(疑似UTF-16或二进制文件)，请另存为“CSV UTF-8(逗号分隔)”",
                    "unreadable encoding (UTF-16 or binary?); save as CSV UTF-8")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise _fail(path, f"文件声明为UTF-8但第{exc.start}字节处不是UTF-8，文件可能混合了多种编码，请重新导出",
                        f"UTF-8 BOM but invalid UTF-8 at byte {exc.start}: mixed encodings; export again") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # A line that is valid non-ASCII UTF-8 inside a file that is not UTF-8 means mixed encodings.
    utf8_lines = 0
    for line in data.splitlines():
        if max(line, default=0) < 0x80:
            continue
        try:
            line.decode("utf-8")
            utf8_lines += 1
        except UnicodeDecodeError:
            pass
    mixed = _fail(path, f"文件混合了UTF-8和GBK两种编码({utf8_lines}行为UTF-8)，请统一另存为“CSV UTF-8(逗号分隔)”后重新报送",
                  f"file mixes UTF-8 and GBK ({utf8_lines} UTF-8 lines); save it once as CSV UTF-8 and resubmit")
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if utf8_lines:  # a UTF-8 line can itself break GB18030 decoding: the mixture is the cause
            raise mixed from exc
        raise _fail(path, "文件编码无法识别(既不是UTF-8也不是GB18030/GBK)，请另存为“CSV UTF-8(逗号分隔)”",
                    "encoding is neither UTF-8 nor GB18030/GBK; save as CSV UTF-8") from exc
    if utf8_lines:
        raise mixed
    return text, "gb18030"


def _cell_text(v) -> str:
    """One xlsx cell as text, the way the clerk saw it (integral floats without '.0')."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        # Excel keeps 15 significant digits: show long numbers as Excel does (2.20102199001012E+17)
        return f"{v:.15g}".upper() if abs(v) >= 1e15 else str(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S") if (v.hour or v.minute or v.second) else v.strftime("%Y-%m-%d")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, dt.time):
        return v.strftime("%H:%M:%S")
    return str(v)


def _frame(path: Path, rows, file_format: str, encoding: str | None, sheet=None) -> RawTable:
    """Split header from data (a list of rows, or a DataFrame of strings read without header)."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(rows, dtype=object)
    if df.empty:
        raise _fail(path, "文件为空，没有表头", "the file is empty (no header row)")
    h = header_row_index(df.iloc[:HEADER_SEARCH_ROWS].values.tolist())
    headers = ["" if v is None else str(v).strip() for v in df.iloc[h].tolist()]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise _fail(path, "第1行没有表头", "row 1 holds no headers")
    width = len(headers)
    body = df.iloc[h + 1:]
    first_row = h + 2
    if len(body) and str(body.iat[0, 0] or "").startswith(NOTES_MARK):
        body = body.iloc[1:]  # the template's filling-notes row
        first_row += 1
    body = body.iloc[:, :width]
    for extra in range(body.shape[1], width):
        body[extra] = ""
    data = body.fillna("").astype(str)
    data.columns = range(width)
    data = data.reset_index(drop=True)
    row_numbers = pd.Series(np.arange(first_row, first_row + len(data)), dtype="int64")
    blank = np.ones(len(data), dtype=bool)
    for c in data.columns:
        blank &= (data[c].str.strip() == "").to_numpy(dtype=bool)
    n_blank = int(blank.sum())
    if n_blank:
        data, row_numbers = data[~blank].reset_index(drop=True), row_numbers[~blank].reset_index(drop=True)
    return RawTable(headers, data, row_numbers, file_format, encoding, sheet, n_blank, h + 1)


def read_xlsx(path: Path, sheet_name: str | None = None) -> RawTable:
    """The first visible sheet (or ``sheet_name``) of a workbook, every cell as text."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
        names = [n for n in wb.sheet_names if not n.startswith("_")]
        if sheet_name is not None:
            if sheet_name not in wb.sheet_names:
                raise _fail(path, f"找不到“{sheet_name}”工作表，请返回原工作簿，不要另建文件",
                            f"no sheet '{sheet_name}': return the original workbook")
            names = [sheet_name]
        if not names:
            raise _fail(path, "工作簿中没有工作表", "the workbook has no sheet")
        with_headers = [n for n in names if _has_headers(wb.get_sheet_by_name(n).to_python(nrows=HEADER_SEARCH_ROWS))] \
            if sheet_name is None and len(names) > 1 else names[:1]
        # the data on another sheet (a cover sheet or notes first): the first sheet with headers
        chosen = with_headers[0] if with_headers else names[0]
        raw = wb.get_sheet_by_name(chosen).to_python(skip_empty_area=False)
        others = tuple(n for n in with_headers if n != chosen)
    except IngestError:
        raise
    except Exception as exc:  # calamine raises its own types for damaged zips
        raise _fail(path, f"Excel文件已损坏或不完整，无法打开({type(exc).__name__})，请重新导出后报送",
                    f"the Excel file is damaged or truncated and cannot be opened ({exc})") from exc
    rows = [[_cell_text(v) for v in r] for r in raw]
    table = _frame(path, rows, "xlsx", None, chosen)
    table.other_sheets = others
    return table


def _has_headers(rows: list[list]) -> bool:
    """Whether a sheet holds two or more contract headers in one of its first rows."""
    return any(_known_cells(r) >= 2 for r in rows[:HEADER_SEARCH_ROWS])


def _sniff(text: str) -> str:
    try:
        sample = text[:20000]
        return csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _check_grid(path: Path, text: str, sep: str) -> list[list[str]]:
    """Refuse a CSV whose lines do not all have the header's number of fields (列数不一致).

    Excel writes every line with the same number of separators; a line with more fields holds an
    unquoted separator inside a value, a line with fewer was cut or hand-edited.  Either way the
    values would land in the wrong columns, so the whole file is refused with the line numbers
    (spreadsheet rows: the header is row 1).  Extra trailing cells that are empty are tolerated;
    blank lines are counted as blank rows, as before.
    """
    bad: list[tuple[int, int]] = []
    width = None
    records: list[list[str]] = []
    for row_no, rec in enumerate(csv.reader(io.StringIO(text), delimiter=sep), start=1):
        if width is None:
            width = len(rec)
            records.append(rec)
            if not any(c.strip() for c in rec):
                return records  # no header: _frame says so
            continue
        if not any(c.strip() for c in rec):
            records.append([""] * width)
            continue
        if len(rec) < width or (len(rec) > width and any(c.strip() for c in rec[width:])):
            bad.append((row_no, len(rec)))
        records.append(rec[:width])
    if bad:
        shown = bad[:5]
        rows = "、".join(str(r) for r, _ in shown) + ("等" if len(bad) > 5 else "")
        counts = "、".join(str(n) for _, n in shown)
        raise _fail(
            path,
            f"第{rows}行的列数({counts})与表头的列数({width})不一致，共{len(bad)}行——可能是内容中有未加引号的逗号，"
            "或行被截断；整个文件未入库，请用报送模板另存为CSV后重新报送",
            f"rows {', '.join(str(r) for r, _ in shown)}{' …' if len(bad) > 5 else ''} have {counts} fields but the "
            f"header has {width} ({len(bad)} rows in all: an unquoted comma in a value, or a cut line?); nothing "
            "was loaded — save the file again from the template as CSV",
        )
    return records


def read_csv(path: Path, data: bytes | None = None) -> RawTable:
    data = path.read_bytes() if data is None else data
    text, encoding = decode_text(path, data)
    sep = _sniff(text)
    try:
        records = _check_grid(path, text, sep)  # the lines, each cut to the header's width
    except csv.Error as exc:
        raise _fail(path, f"CSV文件格式错误，无法解析({exc})，请用报送模板另存为CSV后重新报送",
                    f"the CSV cannot be parsed ({exc}); save it again from the template as CSV") from exc
    return _frame(path, records, "csv", encoding)


class _Irregular(Exception):
    """The CSV is not a plain grid (ragged or blank lines): the lenient pandas reader takes it."""


def _arrow_csv(body, sample: str, threads: bool) -> pa.Table:
    """Parse UTF-8 CSV bytes into string columns with Arrow's multi-threaded C++ reader.

    The delimiter is sniffed as before; every cell stays text (no type inference, no NA values),
    so leading zeros and 18-digit IDs are untouched.  Arrow insists on a rectangular grid: a
    short, long or empty line raises, and the caller then falls back to pandas, which pads short
    lines and counts blank lines as rows exactly as the row numbers of the receipts expect.
    """
    sep = _sniff(sample)
    try:
        first = next(csv.reader(io.StringIO(sample[:200000]), delimiter=sep))
    except (StopIteration, csv.Error) as exc:
        raise _Irregular from exc
    names = [str(i) for i in range(len(first))]
    try:
        return pacsv.read_csv(
            body,
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads, block_size=8 << 20),
            parse_options=pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True, escape_char=False,
                                             newlines_in_values=True, ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()),
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False,
                                                 check_utf8=True))
    except pa.ArrowInvalid as exc:
        raise _Irregular(str(exc)) from exc


def _source_frame(path: Path, table: pa.Table, encoding: str) -> Source:
    """Header, notes row, width and blank rows as :func:`_frame` does them, on an Arrow table."""
    if table.num_rows == 0:
        raise _fail(path, "文件为空，没有表头", "the file is empty (no header row)")
    h = header_row_index([list(r.values()) for r in table.slice(0, HEADER_SEARCH_ROWS).to_pylist()])
    headers = [str(v).strip() for v in table.slice(h, 1).to_pylist()[0].values()]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise _fail(path, "第1行没有表头", "row 1 holds no headers")
    width = len(headers)
    body, first_row = table.slice(h + 1), h + 2
    if body.num_rows and body.column(0)[0].as_py().startswith(NOTES_MARK):
        body, first_row = body.slice(1), first_row + 1  # the template's filling-notes row
    body = body.select(list(range(width)))
    rows = pa.array(np.arange(first_row, first_row + body.num_rows, dtype="int64"))
    # blank rows: empty in every column; each column is looked at only in the rows still blank
    blank = np.arange(body.num_rows) if body.num_columns else np.zeros(0, dtype=np.int64)
    for col in body.columns:
        cells = col if len(blank) == body.num_rows else col.take(blank)
        blank = blank[np.flatnonzero(pc.equal(pc.utf8_length(pc.utf8_trim_whitespace(cells)), 0).to_numpy(
            zero_copy_only=False))]
        if not len(blank):
            break
    n_blank = len(blank)
    data = body.append_column("_row", rows)
    if n_blank:
        keep = np.ones(body.num_rows, dtype=bool)
        keep[blank] = False
        data = data.filter(pa.array(keep))
    return Source(headers, data, "csv", encoding, None, n_blank, h + 1)


def read_csv_source(path: Path, threads: bool = True) -> Source:
    """A CSV file as a :class:`Source`, read by Arrow when it is a plain grid (nearly always).

    UTF-8 is recognised by Arrow's own validation while it parses, so the file is not decoded
    twice; anything else goes through :func:`decode_text` (GB18030, or the clerk-readable
    refusal), and an irregular grid through the pandas reader, so the verdicts and row numbers
    are those of :func:`read_csv` in every case.
    """
    data = path.read_bytes()
    if not data[:65536].strip() and not data.strip():
        raise _fail(path, "文件为空", "the file is empty")
    if b"\x00" not in data[:4096]:
        bom = data.startswith(b"\xef\xbb\xbf")
        sample = data[3 if bom else 0:(3 if bom else 0) + 400000].decode("utf-8", errors="ignore")
        body = pa.py_buffer(data)
        try:
            return _source_frame(path, _arrow_csv(body[3:] if bom else body, sample, threads),
                                 "utf-8-sig" if bom else "utf-8")
        except _Irregular:
            pass
    text, encoding = decode_text(path, data)  # raises the exact message for unreadable files
    if encoding == "gb18030":
        try:
            return _source_frame(path, _arrow_csv(pa.py_buffer(text.encode("utf-8")), text[:400000], threads),
                                 encoding)
        except _Irregular:
            pass
    return source_from_raw(read_csv(path, data))


def read_source(path: Path, threads: bool = True) -> Source:
    """Read any supported file for the bulk ingest (CSV through Arrow, the rest as :func:`read_table`)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt") and path.stat().st_size > 0:
        return read_csv_source(path, threads)
    return source_from_raw(read_table(path))


def read_parquet(path: Path) -> RawTable:
    try:
        df = pd.read_parquet(path)
    except Exception as exc:
        raise _fail(path, f"parquet文件损坏，无法读取({exc})", f"the parquet file cannot be read ({exc})") from exc
    headers = [str(c) for c in df.columns]
    data = df.astype(str).where(df.notna(), "")
    data.columns = range(len(headers))
    return RawTable(headers, data, pd.Series(range(2, 2 + len(data)), dtype="int64"), "parquet", None)


def read_table(path: Path) -> RawTable:
    """Read any supported file; raise IngestError with a clerk-readable reason otherwise."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise _fail(path, f"不支持的文件类型 {suffix}，请报送 xlsx 或 CSV", f"unsupported file type {suffix}; send xlsx or CSV")
    if path.stat().st_size == 0:
        raise _fail(path, "文件为空(0字节)，请重新导出", "the file is empty (0 bytes); export it again")
    if suffix in (".xlsx", ".xlsm"):
        return read_xlsx(path)
    if suffix == ".parquet":
        return read_parquet(path)
    return read_csv(path)
