"""Writing the submissions as the insurers would send them (报送文件输出).

Each company's files are xlsx (openpyxl write-only; identifiers and codes as
text cells, amounts as numbers), CSV UTF-8 with or without a BOM, or CSV in
GB18030 as Excel on Chinese Windows saves "CSV (逗号分隔)".  Headers are the
contract's Chinese headers in contract order, minus the optional columns a
company's system does not export.  ``parquet`` mode writes one parquet file per
company and kind with the same headers, for the large scales.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import KINDS
from .tables import NUMERIC_TYPES, text_array
from .xlsxfast import write_xlsx

#: File-name label (文件名) and period of each kind.
FILE_LABELS = {
    "ah_policy": ("意健险承保", "2018-2019"),
    "ah_claim": ("意健险理赔", "2018-2019"),
    "medical_receipt": ("医疗票据", "2018-2019"),
    "ah_claim_hist": ("意健险理赔", "2015-2017"),
    "medical_receipt_hist": ("医疗票据", "2015-2017"),
    "auto_policy": ("车险承保", "2018-2019"),
    "auto_claim": ("车险理赔", "2018-2019"),
    "agri_policy": ("农险承保", "2018-2019"),
    "agri_claim": ("农险理赔", "2018-2019"),
    "att5_clue": ("附表5_疑似欺诈线索", "2018-2019"),
    "att6_person": ("附表6_高风险人员", "2018-2019"),
    "att7_contact": ("附表7_联系人", ""),
}
#: Row order of each kind's file (the company's export order).
SORT_KEYS = {
    "ah_policy": ("start_date", "policy_no"),
    "ah_claim": ("close_date", "claim_no"),
    "ah_claim_hist": ("close_date", "claim_no"),
    "medical_receipt": ("claim_no", "receipt_code", "receipt_no"),
    "medical_receipt_hist": ("claim_no", "receipt_code", "receipt_no"),
    "auto_policy": ("start_date", "policy_no"),
    "auto_claim": ("close_date", "claim_no"),
    "agri_policy": ("start_date", "policy_no"),
    "agri_claim": ("close_date", "claim_no"),
}
UNDERWRITING = ("ah_policy", "auto_policy", "agri_policy")
ENCODINGS = {"utf-8-sig": "utf-8-sig", "utf-8": "utf-8", "gb18030": "gb18030"}


def file_name(company: str, kind: str, fmt: str) -> str:
    label, period = FILE_LABELS[kind]
    ext = {"xlsx": "xlsx", "parquet": "parquet"}.get(fmt, "csv")
    return f"{company}_{label}_{period}.{ext}" if period else f"{company}_{label}.{ext}"


def _num_str(values: np.ndarray, ftype: str) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    nan = np.isnan(v)
    v0 = np.where(nan, 0.0, v)
    if ftype == "amount":
        s = np.char.mod("%.2f", v0)
    elif ftype == "int":
        s = np.round(v0).astype(np.int64).astype(str)
    else:
        s = np.char.mod("%.1f", v0)
        s = np.where(np.char.endswith(s, ".0"), np.char.rstrip(np.char.rstrip(s, "0"), "."), s)
    return np.where(nan, "", s)


def to_strings(kind: str, df: pd.DataFrame, drop: tuple[str, ...] = ()) -> pd.DataFrame:
    """The table as export text, English field names, contract order, minus ``drop``."""
    k = KINDS[kind]
    cols = {}
    for f in k.fields:
        if f.name in drop or f.name not in df:
            continue
        if f.type in NUMERIC_TYPES:
            cols[f.name] = text_array(_num_str(df[f.name].to_numpy(), f.type))
        else:
            cols[f.name] = df[f.name].array
    return pd.DataFrame(cols)


def sort_rows(kind: str, df: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in SORT_KEYS.get(kind, ()) if c in df]
    if not keys:
        return df.reset_index(drop=True)
    return df.sort_values(keys, kind="mergesort").reset_index(drop=True)


def write_table(path: Path, kind: str, text: pd.DataFrame, fmt: str, fast: bool = True) -> None:
    """Write one file; ``text`` holds strings (English columns).

    ``fast`` picks the streaming xlsx writer (uploads) over openpyxl (small forms).
    """
    k = KINDS[kind]
    zh = {f.name: f.zh for f in k.fields}
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        _write_xlsx(path, k, text, fast)
    elif fmt == "parquet":
        data = {}
        for c in text.columns:
            f = k.field(c)
            if f.type in NUMERIC_TYPES:
                data[zh[c]] = pd.to_numeric(text[c].replace("", np.nan), errors="coerce")
            else:
                data[zh[c]] = text[c].astype(str)
        pq.write_table(pa.Table.from_pandas(pd.DataFrame(data), preserve_index=False), path)
    else:
        enc = ENCODINGS[fmt]
        crlf = fmt == "gb18030"
        text.rename(columns=zh).to_csv(
            path, index=False, encoding=enc, lineterminator="\r\n" if crlf else "\n"
        )


def _write_xlsx(path: Path, kind, text: pd.DataFrame, fast: bool) -> None:
    columns = []
    for c in text.columns:
        f = kind.field(c)
        vals = text[c].to_numpy()
        if f.type in NUMERIC_TYPES:
            num = pd.to_numeric(pd.Series(vals).replace("", np.nan), errors="coerce")
            col = [
                None if pd.isna(x) else (int(x) if f.type == "int" else float(x))
                for x in num.to_numpy()
            ]
        elif f.type == "date":
            # Excel keeps typed-in dates as numbers (serials, 20190105); the rest as text.
            col = [None if v == "" else (int(v) if v.isdigit() else v) for v in vals]
        else:
            col = [None if v == "" else v for v in vals]
        columns.append(col)
    header = [kind.field(c).zh for c in text.columns]
    if fast:
        write_xlsx(path, kind.zh[:31], header, columns)
        return
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(kind.zh[:31])
    ws.append(header)
    for row in zip(*columns, strict=True):
        ws.append(row)
    wb.save(path)


def write_rows(path: Path, kind: str, rows: list[dict], fmt: str = "xlsx") -> None:
    """A small form (platform list, attachment) from dicts, all columns, contract order."""
    from .tables import rows as make_rows

    write_table(path, kind, to_strings(kind, make_rows(kind, rows)), fmt, fast=False)
