"""Vectorised fast paths (批量快速校验) for values that are already canonical and valid.

Most cells in a real submission are fine as they are.  These functions look at a
column's distinct values all at once (regular expressions and numpy checksums)
and mark those that need no normalisation and pass their check; only the rest
go through the one-value checkers of :mod:`workbench.identifiers` and
:mod:`workbench.ingest.values`, which give the exact verdict and message.  A
fast path may only say "valid as is": it never rejects.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

_ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_PROVINCES = np.array([11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
                       50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82])


def _bytes(values: pd.Series, width: int) -> np.ndarray:
    arr = values.to_numpy(dtype=f"U{width}").astype(f"S{width}")
    return arr.view(np.uint8).reshape(len(arr), width)


def id_numbers(values: pd.Series) -> np.ndarray:
    """Valid canonical 18-digit resident IDs: format, province, birth date, MOD 11-2 check."""
    ok = values.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
    if not ok.any():
        return ok
    idx = np.flatnonzero(ok)
    m = _bytes(values.iloc[idx], 18)
    digits = m[:, :17].astype(np.int64) - 48
    check = _ID_CHECK[(digits * _ID_WEIGHTS).sum(axis=1) % 11]
    good = check == m[:, 17]
    good &= np.isin(digits[:, 0] * 10 + digits[:, 1], _PROVINCES)
    birth = pd.to_datetime(values.iloc[idx].str.slice(6, 14), format="%Y%m%d", errors="coerce")
    good &= (birth.notna() & (birth >= pd.Timestamp(1900, 1, 1)) & (birth <= pd.Timestamp(dt.date.today()))).to_numpy()
    ok[idx] = good
    return ok


def bank_cards(values: pd.Series) -> np.ndarray:
    """Digit-only accounts of 13–19 digits that pass Luhn (others go to the slow path, which warns)."""
    ok = values.str.fullmatch(r"[0-9]{13,19}").fillna(False).to_numpy(dtype=bool)
    if not ok.any():
        return ok
    idx = np.flatnonzero(ok)
    lengths = values.iloc[idx].str.len().to_numpy()
    good = np.zeros(len(idx), dtype=bool)
    for width in np.unique(lengths):  # one numpy pass per length, at most 7
        sel = np.flatnonzero(lengths == width)
        d = _bytes(values.iloc[idx[sel]], int(width)).astype(np.int64) - 48
        rev = d[:, ::-1]
        doubled = rev[:, 1::2] * 2
        total = rev[:, 0::2].sum(axis=1) + (doubled - 9 * (doubled > 9)).sum(axis=1)
        good[sel] = total % 10 == 0
    ok[idx] = good
    return ok


def phones(values: pd.Series) -> np.ndarray:
    return values.str.fullmatch(r"1[3-9][0-9]{9}").fillna(False).to_numpy(dtype=bool)


def names(values: pd.Series) -> np.ndarray:
    """Chinese personal names already in canonical form (2–6 CJK characters, optional single ·)."""
    return values.str.fullmatch(r"[\u4e00-\u9fff]{2,6}|[\u4e00-\u9fff]{1,8}·[\u4e00-\u9fff]{1,8}").fillna(
        False).to_numpy(dtype=bool)


def codes(values: pd.Series, check: str | None) -> np.ndarray:
    """Codes (policy and claim numbers…) that need no change: ASCII letters, digits, - _ / ."""
    if check == "digits":
        return values.str.fullmatch(r"[0-9]+").fillna(False).to_numpy(dtype=bool)
    if check == "region6":
        return values.str.fullmatch(r"[0-9]{6}").fillna(False).to_numpy(dtype=bool)
    if check == "uscc":
        return np.zeros(len(values), dtype=bool)
    return values.str.fullmatch(r"[0-9A-Za-z][0-9A-Za-z\-_/.]*").fillna(False).to_numpy(dtype=bool) & \
        ~values.str.fullmatch(r"[+-]?\d+(\.\d*)?[eE][+-]?\d+").fillna(False).to_numpy(dtype=bool)


def plain_text(values: pd.Series) -> np.ndarray:
    """Text with no full-width forms, no leading/trailing or doubled whitespace."""
    return values.str.fullmatch(r"[^\s\u3000\uff01-\uff5e]+(?: [^\s\u3000\uff01-\uff5e]+)*").fillna(
        False).to_numpy(dtype=bool)


def amounts(values: pd.Series, integer: bool) -> tuple[np.ndarray, np.ndarray]:
    """Plain non-negative decimals (or integers): (mask, parsed values)."""
    pattern = r"[0-9]+" if integer else r"[0-9]+(?:\.\d+)?"
    ok = values.str.fullmatch(pattern).fillna(False).to_numpy(dtype=bool)
    parsed = pd.to_numeric(values.where(ok), errors="coerce").to_numpy(dtype="float64")
    return ok, parsed


IDENTIFIER_FAST = {"id_number": id_numbers, "bank_card": bank_cards, "phone": phones, "name": names}


def iso_dates(values: pd.Series, with_time: bool) -> tuple[np.ndarray, np.ndarray]:
    """ISO dates (YYYY-MM-DD) or date-times (YYYY-MM-DD HH:MM[:SS]) parsed in one pass."""
    if with_time:
        ok = values.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}(?: [0-9]{2}:[0-9]{2}(?::[0-9]{2})?)?").fillna(
            False).to_numpy(dtype=bool)
        parsed = pd.to_datetime(values.where(ok), format="ISO8601", errors="coerce")
        out = np.array(parsed.dt.to_pydatetime(), dtype=object)
    else:
        ok = values.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).to_numpy(dtype=bool)
        parsed = pd.to_datetime(values.where(ok), format="%Y-%m-%d", errors="coerce")
        out = np.array([d.date() if d is not pd.NaT else None for d in parsed], dtype=object)
    ok &= parsed.notna().to_numpy()
    return ok, out


def masks(id_type: str, values: np.ndarray, one) -> np.ndarray:
    """Masked display forms (掩码) for distinct normalised values; ``one`` masks a single value.

    18-digit IDs and 11-digit mobiles — nearly all values — are masked with string slicing over
    the whole array; anything else goes through ``one`` (workbench.protect.mask).
    """
    out = np.empty(len(values), dtype=object)
    if not len(values):
        return out
    s = pd.Series(values, dtype="string")
    done = np.zeros(len(values), dtype=bool)
    if id_type == "id_number":
        done = s.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
        out[done] = (s[done].str.slice(0, 6) + "********" + s[done].str.slice(14, 18)).to_numpy(dtype=object)
    elif id_type == "phone":
        done = s.str.fullmatch(r"1[0-9]{10}").fillna(False).to_numpy(dtype=bool)
        out[done] = (s[done].str.slice(0, 3) + "****" + s[done].str.slice(7, 11)).to_numpy(dtype=object)
    elif id_type == "name":
        n = s.str.len().fillna(0).to_numpy()
        two, three = n == 2, n == 3
        out[two] = (s[two].str.slice(0, 1) + "*").to_numpy(dtype=object)
        out[three] = (s[three].str.slice(0, 1) + "*" + s[three].str.slice(2, 3)).to_numpy(dtype=object)
        done = two | three
    for i in np.flatnonzero(~done):
        out[i] = one(id_type, values[i])
    return out


def id_facts(values: np.ndarray) -> dict[str, np.ndarray]:
    """Birth date, sex and region code of distinct 18-digit IDs (None for other document numbers)."""
    s = pd.Series(values, dtype="string")
    is18 = s.str.fullmatch(r"[0-9]{17}[0-9X]").fillna(False).to_numpy(dtype=bool)
    birth = pd.to_datetime(s.where(is18).str.slice(6, 14), format="%Y%m%d", errors="coerce")
    births = np.array([d.date() if d is not pd.NaT else None for d in birth], dtype=object)
    seq = pd.to_numeric(s.where(is18).str.slice(16, 17), errors="coerce").to_numpy()
    genders = np.where(np.isnan(seq), None, np.where(np.nan_to_num(seq) % 2 == 1, "男", "女")).astype(object)
    regions = np.where(is18, s.str.slice(0, 6).to_numpy(dtype=object, na_value=None), None)
    return {"birth": births, "gender": genders, "region": regions}
