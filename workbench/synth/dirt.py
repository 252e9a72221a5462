"""Data-quality defects (脏数据) as insurers' exports really have them.

About one row in a hundred or two gets one defect.  Some the ingest must
normalise silently (full-width digits 全角数字, a lower-case x, a 15-digit
legacy ID, stray spaces, other date spellings, Excel date serials); others it
must reject with a reason a clerk can act on (Excel's scientific notation or
trailing zeros on an 18-digit ID, a wrong check digit, a missing required
value, an exact duplicate row, a value outside the allowed list).  Rejectable
defects never touch a planted-scenario or hard-negative record.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..contract import KINDS
from .ids import ID_CHECK, ID_WEIGHTS
from .tables import text_array

NORMALISED = (
    "fullwidth_digits",
    "lowercase_x",
    "id15",
    "spaces",
    "date_format",
    "excel_serial_date",
)
REJECTED = (
    "excel_sci_notation",
    "excel_trailing_zeros",
    "bad_checksum",
    "missing_required",
    "duplicate_row",
    "bad_enum",
)
DIRT_TYPES = NORMALISED + REJECTED

#: The person ID each kind's defects go to (主要证件号码字段).
ID_FIELD = {
    "ah_policy": "insured_id",
    "ah_claim": "insured_id",
    "ah_claim_hist": "insured_id",
    "auto_policy": "owner_id",
    "auto_claim": "driver_id",
    "agri_policy": "farmer_id",
    "agri_claim": "farmer_id",
}
#: Required fields that may be left blank, and values outside the allowed lists.
MISSING = {
    "ah_policy": ("insured_id", "start_date", "sum_insured"),
    "ah_claim": ("loss_date", "paid_amount", "insured_id"),
    "ah_claim_hist": ("loss_date", "paid_amount"),
    "medical_receipt": ("receipt_no", "receipt_date", "amount"),
    "medical_receipt_hist": ("receipt_no", "amount"),
    "auto_policy": ("vin", "start_date", "premium"),
    "auto_claim": ("accident_time", "paid_amount", "vin"),
    "agri_policy": ("farmer_id", "subject", "sum_insured"),
    "agri_claim": ("payee_account", "loss_date", "paid_amount"),
}
BAD_ENUM = {
    "line": ("意外伤害险", "健康险", "人身险"),
    "coverage": ("交强", "车损险", "三者险"),
    "loss_type": ("住院", "意外伤害", "死亡"),
    "decision": ("已赔付", "结案"),
    "category": ("种植业", "养殖业"),
    "subject": ("苞米", "母猪", "黄牛"),
    "loss_cause": ("雹灾", "死亡", "自然灾害"),
}
DATE_FORMATS = ("slash", "dot", "chinese", "compact", "midnight")
_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _date_fields(kind: str) -> list[str]:
    return [f.name for f in KINDS[kind].fields if f.type == "date"]


def _enum_fields(kind: str) -> list[str]:
    return [
        f.name for f in KINDS[kind].fields if f.type == "enum" and f.required and f.name in BAD_ENUM
    ]


def _valid18(s: str) -> bool:
    if len(s) != 18 or not s[:17].isdigit():
        return False
    total = sum(int(c) * int(w) for c, w in zip(s[:17], ID_WEIGHTS, strict=False))
    return chr(ID_CHECK[total % 11]) == s[17]


def reformat_date(iso: str, style: str) -> str:
    y, m, d = int(iso[:4]), int(iso[5:7]), int(iso[8:10])
    return {
        "slash": f"{y}/{m}/{d}",
        "dot": f"{y}.{m}.{d}",
        "chinese": f"{y}年{m}月{d}日",
        "compact": f"{y:04d}{m:02d}{d:02d}",
        "midnight": f"{iso[:10]} 00:00:00",
    }[style]


def excel_serial(iso: str) -> str:
    return str((dt.date.fromisoformat(iso[:10]) - _EXCEL_EPOCH).days)


def sci_notation(id18: str) -> str:
    """How Excel shows an 18-digit number in a General cell: six significant digits."""
    return f"{float(id18):.5E}".replace("E+0", "E+")


def applicable(kind: str, dirt: str, df: pd.DataFrame, row: int) -> str | None:
    """The field ``dirt`` would go to in ``row``, or None when it does not apply."""
    idf = ID_FIELD.get(kind)
    idv = str(df.at[row, idf]) if idf and idf in df else ""
    if dirt in (
        "fullwidth_digits",
        "spaces",
        "excel_sci_notation",
        "excel_trailing_zeros",
        "bad_checksum",
    ):
        if dirt == "excel_trailing_zeros" and (idv[-3:] == "000" or _valid18(idv[:15] + "000")):
            return None  # the cut ID must fail its checksum, or nothing would show it
        if dirt.startswith("excel_") and not idv.isdigit():
            return None  # an ID ending in X is text to Excel: it is never turned into a number
        return idf if len(idv) == 18 and _valid18(idv) else None
    if dirt == "lowercase_x":
        return idf if len(idv) == 18 and idv.endswith("X") else None
    if dirt == "id15":
        return idf if len(idv) == 18 and idv[6:8] == "19" and _valid18(idv) else None
    if dirt in ("date_format", "excel_serial_date"):
        cands = [f for f in _date_fields(kind) if f in df and len(str(df.at[row, f])) == 10]
        return cands[row % len(cands)] if cands else None
    if dirt == "missing_required":
        cands = [f for f in MISSING.get(kind, ()) if f in df and str(df.at[row, f]) != ""]
        return cands[0] if cands else None
    if dirt == "bad_enum":
        cands = [f for f in _enum_fields(kind) if f in df]
        return cands[row % len(cands)] if cands else None
    if dirt == "duplicate_row":
        return ""
    return None


def apply(dirt: str, value: str, rng: np.random.Generator, field: str) -> str:
    """The dirty spelling of ``value``."""
    if dirt == "fullwidth_digits":
        return value.translate(_FULLWIDTH)
    if dirt == "lowercase_x":
        return value[:-1] + "x"
    if dirt == "id15":
        return value[:6] + value[8:17]
    if dirt == "spaces":
        return f" {value[:6]} {value[6:]} "
    if dirt == "date_format":
        return reformat_date(value, DATE_FORMATS[int(rng.integers(0, len(DATE_FORMATS)))])
    if dirt == "excel_serial_date":
        return excel_serial(value)
    if dirt == "excel_sci_notation":
        return sci_notation(value)
    if dirt == "excel_trailing_zeros":
        return value[:15] + "000"
    if dirt == "bad_checksum":
        wrong = [c for c in "0123456789X" if c != value[-1]]
        return value[:-1] + wrong[int(rng.integers(0, len(wrong)))]
    if dirt == "missing_required":
        return ""
    if dirt == "bad_enum":
        opts = BAD_ENUM[field]
        return opts[int(rng.integers(0, len(opts)))]
    raise ValueError(dirt)


def _possible(kind: str, df: pd.DataFrame) -> list[str]:
    """Defect types this kind of file can carry at all."""
    out = ["duplicate_row"]
    if ID_FIELD.get(kind) in df:
        out += [
            "fullwidth_digits",
            "lowercase_x",
            "id15",
            "spaces",
            "excel_sci_notation",
            "excel_trailing_zeros",
            "bad_checksum",
        ]
    if any(f in df for f in _date_fields(kind)):
        out += ["date_format", "excel_serial_date"]
    if any(f in df for f in MISSING.get(kind, ())):
        out.append("missing_required")
    if any(f in df for f in _enum_fields(kind)):
        out.append("bad_enum")
    return out


class DirtPlan:
    """Cycles the defect types across files so every type appears at every scale."""

    def __init__(self, rng: np.random.Generator, rate: float):
        self.rng = rng
        self.rate = rate
        self.turn = 0

    def next_types(self, n: int) -> list[str]:
        out = [DIRT_TYPES[(self.turn + i) % len(DIRT_TYPES)] for i in range(n)]
        self.turn += n
        return out


def dirty(
    kind: str, df: pd.DataFrame, protected: np.ndarray, plan: DirtPlan
) -> tuple[pd.DataFrame, list[dict]]:
    """Add defects to one file's string table; returns the new table and the dirt log.

    ``protected`` marks planted and hard-negative rows (no rejectable defects there).
    Row numbers in the log are spreadsheet rows: header = 1, first data row = 2.
    """
    rng = plan.rng
    n = len(df)
    if n == 0:
        return df, []
    k = max(len(DIRT_TYPES) // 3, int(round(n * plan.rate)))
    k = min(k, max(1, n // 3))
    possible = set(_possible(kind, df))
    types = [t for t in plan.next_types(k) if t in possible]
    rows = rng.choice(n, size=min(n, k * 3), replace=False)
    taken: set[int] = set()
    log: list[tuple[int, str, str]] = []  # (original row, field, dirt)
    dup_rows: list[int] = []
    changes: dict[str, dict[int, str]] = {}
    cursor = 0
    for dirt in types:
        for _ in range(min(len(rows), 400)):
            r = int(rows[cursor % len(rows)])
            cursor += 1
            if r in taken or (dirt in REJECTED and protected[r]):
                continue
            field = applicable(kind, dirt, df, r)
            if field is None:
                continue
            taken.add(r)
            if dirt == "duplicate_row":
                dup_rows.append(r)
            else:
                changes.setdefault(field, {})[r] = apply(dirt, str(df.at[r, field]), rng, field)
            log.append((r, field, dirt))
            break
    if changes:  # one pass per touched column (Arrow arrays are immutable)
        df = df.copy(deep=False)
        for field, cells in changes.items():
            col = df[field].to_numpy(dtype=object, copy=True)
            for r, v in cells.items():
                col[r] = v
            df[field] = text_array(col)
    # Insert the duplicates right after their originals, then number the rows.
    is_dup = np.zeros(n, dtype=np.int64)
    is_dup[dup_rows] = 1
    out = df.take(np.repeat(np.arange(n), 1 + is_dup)).reset_index(drop=True) if dup_rows else df
    before = np.cumsum(is_dup) - is_dup  # duplicates inserted above each original row
    entries = []
    for r, field, dirt in log:
        row = int(r + 2 + before[r]) + (1 if dirt == "duplicate_row" else 0)
        entries.append(
            {
                "row": row,
                "field": field,
                "dirt": dirt,
                "expected": "rejected" if dirt in REJECTED else "normalised",
            }
        )
    return out, entries
