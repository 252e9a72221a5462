"""Tables in the contract's shape (按数据规范组装的表).

Every generated table is a DataFrame whose columns are the contract's English
field names in contract order: text, codes and dates as strings ('' when
empty), amounts, numbers and integers as floats (NaN when empty).  Background
generators fill columns as whole arrays; planted scenarios add rows as dicts.
Only the writer turns the English names into the Chinese headers.

Text columns use pandas' Arrow-backed ``str`` dtype: a province of tens of
millions of rows then fits in memory (about a third of Python string objects).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

from ..contract import KINDS, Kind

NUMERIC_TYPES = ("amount", "number", "int")


def is_numeric(kind: Kind, name: str) -> bool:
    return kind.field(name).type in NUMERIC_TYPES


def frame(kind_name: str, n: int, columns: Mapping[str, object]) -> pd.DataFrame:
    """A table of ``n`` rows of ``kind_name``: given columns, the rest empty.

    A column may be given as a function returning its values: it is then built only when its turn
    comes and freed once converted, so a province-sized table never holds all its columns as wide
    numpy string arrays at once (what made ``province`` need more than 24 GiB).
    """
    kind = KINDS[kind_name]
    unknown = set(columns) - set(kind.names)
    if unknown:
        raise KeyError(f"{kind_name} has no fields {sorted(unknown)}")
    data: dict[str, object] = {}
    for f in kind.fields:
        value = columns.get(f.name)
        if callable(value):
            value = value()
        if f.type in NUMERIC_TYPES:
            if value is None:
                data[f.name] = np.full(n, np.nan)
            else:
                data[f.name] = np.broadcast_to(np.asarray(value, dtype=float), (n,)).copy()
        else:
            if value is None:
                data[f.name] = text_array(np.full(n, "", dtype=object))
            else:
                data[f.name] = text_array(np.broadcast_to(np.asarray(value).astype(str), (n,)))
    return pd.DataFrame(data)


def text_array(values) -> pd.api.extensions.ExtensionArray:
    """An Arrow-backed string array (compact, vectorized string operations)."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "UO":
        arr = arr.astype(str)
    return pd.array(pa.array(arr, type=pa.string()), dtype="str")


def rows(kind_name: str, records: Iterable[Mapping[str, object]]) -> pd.DataFrame:
    """A table from planted records (dicts of field → value)."""
    records = list(records)
    kind = KINDS[kind_name]
    cols: dict[str, list] = {f.name: [] for f in kind.fields}
    for r in records:
        unknown = set(r) - set(cols)
        if unknown:
            raise KeyError(f"{kind_name} has no fields {sorted(unknown)}")
        for f in kind.fields:
            v = r.get(f.name)
            if f.type in NUMERIC_TYPES:
                cols[f.name].append(np.nan if v is None or v == "" else float(v))
            else:
                cols[f.name].append("" if v is None else str(v))
    return pd.DataFrame(
        {
            name: (values if kind.field(name).type in NUMERIC_TYPES else text_array(values))
            for name, values in cols.items()
        }
    )


def concat(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        raise ValueError("nothing to concatenate")
    return pd.concat(frames, ignore_index=True)


#: Record number column(s) used in the ground truth for each kind.
RECORD_KEY = {
    "ah_policy": ("policy_no",),
    "ah_claim": ("claim_no",),
    "ah_claim_hist": ("claim_no",),
    "medical_receipt": ("receipt_code", "receipt_no"),
    "medical_receipt_hist": ("receipt_code", "receipt_no"),
    "auto_policy": ("policy_no",),
    "auto_claim": ("claim_no",),
    "agri_policy": ("policy_no",),
    "agri_claim": ("claim_no",),
    "platform_clue_auto": ("platform_clue_no",),
    "platform_clue_agri": ("platform_clue_no",),
    "att5_clue": ("clue_no",),
    "att6_person": ("person_id",),
}


def record_no(kind_name: str, df: pd.DataFrame) -> pd.Series:
    """The ground-truth record number of each row ('code/no' for receipts)."""
    cols = RECORD_KEY[kind_name]
    if len(cols) == 1:
        return df[cols[0]].astype(str)
    return df[cols[0]].astype(str) + "/" + df[cols[1]].astype(str)
