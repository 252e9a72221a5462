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


def _fail(path: Path, zh: str, en: str) -> IngestError:
    return IngestError(f"{path.name}: {zh} / {en}")


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
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise _fail(path, "文件编码无法识别(既不是UTF-8也不是GB18030/GBK)，请另存为“CSV UTF-8(逗号分隔)”",
                    "encoding is neither UTF-8 nor GB18030/GBK; save as CSV UTF-8") from exc
    if utf8_lines:
        raise _fail(path, f"文件混合了UTF-8和GBK两种编码({utf8_lines}行为UTF-8)，请统一另存为“CSV UTF-8(逗号分隔)”后重新报送",
                    f"file mixes UTF-8 and GBK ({utf8_lines} UTF-8 lines); save it once as CSV UTF-8 and resubmit")
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
    headers = ["" if h is None else str(h).strip() for h in df.iloc[0].tolist()]
    while headers and headers[-1] == "":
        headers.pop()
    if not headers:
        raise _fail(path, "第1行没有表头", "row 1 holds no headers")
    width = len(headers)
    body = df.iloc[1:]
    first_row = 2
    if len(body) and str(body.iat[0, 0] or "").startswith(NOTES_MARK):
        body = body.iloc[1:]  # the template's filling-notes row
        first_row = 3
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
    return RawTable(headers, data, row_numbers, file_format, encoding, sheet, n_blank)


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
        sheet = wb.get_sheet_by_name(names[0])
        raw = sheet.to_python(skip_empty_area=False)
    except IngestError:
        raise
    except Exception as exc:  # calamine raises its own types for damaged zips
        raise _fail(path, f"Excel文件已损坏或不完整，无法打开({type(exc).__name__})，请重新导出后报送",
                    f"the Excel file is damaged or truncated and cannot be opened ({exc})") from exc
    rows = [[_cell_text(v) for v in r] for r in raw]
    return _frame(path, rows, "xlsx", None, names[0])


def read_csv(path: Path, data: bytes | None = None) -> RawTable:
    data = path.read_bytes() if data is None else data
    text, encoding = decode_text(path, data)
    try:
        sample = text[:20000]
        dialect = csv.Sniffer().sniff(sample.splitlines()[0] if sample else ",", delimiters=",\t;|")
        sep = dialect.delimiter
    except csv.Error:
        sep = ","
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, header=None,
                         skip_blank_lines=False, engine="c")
    except Exception as exc:
        raise _fail(path, f"CSV文件格式错误，无法解析({exc})", f"the CSV cannot be parsed ({exc})") from exc
    return _frame(path, df, "csv", encoding)


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
