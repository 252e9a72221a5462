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
import unicodedata

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


#: The blocks Chinese submissions write plain text in: ASCII, the middle dot, general and CJK
#: punctuation, CJK ideographs (extension A and the basic block).
_TEXT_BLOCKS = ((0x21, 0x7E), (0xB7, 0xB7), (0x2010, 0x2027), (0x3001, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF))


def _stable_runs(blocks) -> list[tuple[int, int]]:
    """Runs of the characters in ``blocks`` that NFKC leaves unchanged and that are not whitespace.

    Only such text is "valid as is" for :func:`workbench.identifiers.normalize_text`; full-width
    forms, ligatures, '…' or compatibility ideographs go to the exact checker, which normalises them.
    """
    chars = [c for lo, hi in blocks for c in range(lo, hi + 1)
             if unicodedata.normalize("NFKC", chr(c)) == chr(c) and not chr(c).isspace()]
    runs: list[tuple[int, int]] = []
    for c in chars:
        if runs and runs[-1][1] == c - 1:
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


_TEXT_RUNS = _stable_runs(_TEXT_BLOCKS)
_TEXT_WORD_PY = "[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in _TEXT_RUNS) + "]+"


def plain_text(values: pd.Series) -> np.ndarray:
    """Text that normalisation leaves unchanged: NFKC-stable characters, single spaces between words."""
    return values.str.fullmatch(f"{_TEXT_WORD_PY}(?: {_TEXT_WORD_PY})*").fillna(False).to_numpy(dtype=bool)


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
        out[done] = (s[done].str.slice(0, 6) + "*" * 12).to_numpy(dtype=object)  # region only: see protect.mask
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


# --- the same fast paths as DuckDB expressions (SQL 快速校验) ---------------------------------
#
# At province scale most columns have nearly as many distinct values as rows (ID numbers, names,
# phones, policy numbers, premiums, issue times), so even one Python call per distinct value is
# too slow.  These expressions let DuckDB decide "valid as is" for whole columns; only the values
# they leave go to Python (the numpy fast paths above, then the exact checkers).  Each predicate
# accepts a SUBSET of what its Python twin above accepts, with the same value, so the verdicts
# cannot change; a test keeps them in step.  Arguments are SQL expressions (quoted column names);
# patterns are constants of this module, never data.

_CJK = "\\x{4e00}-\\x{9fff}"


def _sql_str(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _full(expr: str, pattern: str) -> str:
    return f"regexp_full_match({expr}, {_sql_str(pattern)})"


_VIN_FROM, _VIN_TO = "ABCDEFGHJKLMNPRSTUVWXYZ", "12345678123457923456789"  # ISO 3779 transliteration
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def _digit(n: str, power: int) -> str:
    """The decimal digit of integer expression ``n`` at 10**power."""
    return f"(({n} // {10**power}) % 10)" if power else f"({n} % 10)"


def id_number_digits_sql(v: str) -> str:
    """The first 17 digits of an ID as one BIGINT (NULL when they are not digits)."""
    return f"TRY_CAST(substr({v}, 1, 17) AS BIGINT)"


def bank_card_digits_sql(v: str) -> str:
    """A card number as one UBIGINT (19 digits fit; NULL when not digits)."""
    return f"TRY_CAST({v} AS UBIGINT)"


def vin_digits_sql(v: str) -> str:
    """A VIN transliterated to 17 digits (ISO 3779) as one BIGINT."""
    return f"TRY_CAST(translate({v}, '{_VIN_FROM}', '{_VIN_TO}') AS BIGINT)"


#: Integer forms the checksum predicates read many times: compute them once per row and pass
#: the column as ``n`` (DuckDB would otherwise parse the text again for every digit).
DIGITS_SQL = {"id_number": id_number_digits_sql, "bank_card": bank_card_digits_sql, "vin": vin_digits_sql}


def id_numbers_sql(v: str, today: dt.date, n: str | None = None) -> str:
    """SQL twin of :func:`id_numbers`: 18-digit canonical IDs with a valid check, province and birth date.

    Pure integer arithmetic on the first 17 digits (one BIGINT): digits, the MOD 11-2 sum, the
    province and the birth date's calendar check cost a few nanoseconds a row, where parsing the
    date as text (strptime) cost microseconds.
    """
    n = n or id_number_digits_sql(v)
    total = " + ".join(f"{int(w)} * {_digit(n, 16 - i)}" for i, w in enumerate(_ID_WEIGHTS))
    provinces = ", ".join(str(int(p)) for p in _PROVINCES)
    b = f"(({n} // 1000) % 100000000)"  # YYYYMMDD
    y, m, d = f"({b} // 10000)", f"(({b} // 100) % 100)", f"({b} % 100)"
    leap = f"CAST(({y} % 4 = 0 AND {y} % 100 <> 0) OR {y} % 400 = 0 AS INTEGER)"
    days = f"CASE WHEN {m} = 2 THEN 28 + {leap} ELSE 30 + ({m} + {m} // 8) % 2 END"
    return (f"({_full(v, '[0-9]{17}[0-9X]')} AND substr('10X98765432', CAST(({total}) % 11 AS INTEGER) + 1, 1)"
            f" = substr({v}, 18, 1) AND {n} // 1000000000000000 IN ({provinces})"
            f" AND {b} BETWEEN 19000101 AND {today:%Y%m%d} AND {m} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND {days})")


def bank_cards_sql(v: str, n: str | None = None) -> str:
    """SQL twin of :func:`bank_cards`: 13–19 digits passing Luhn (as UBIGINT, 19 digits fit)."""
    n = n or bank_card_digits_sql(v)
    terms = []
    for k in range(19):
        d = _digit(n, k)
        terms.append(d if k % 2 == 0 else f"(2 * {d} - 9 * CAST(2 * {d} > 9 AS INTEGER))")
    return f"({_full(v, '[0-9]{13,19}')} AND ({' + '.join(terms)}) % 10 = 0)"


def phones_sql(v: str) -> str:
    return _full(v, "1[3-9][0-9]{9}")


def names_sql(v: str) -> str:
    return _full(v, f"[{_CJK}]{{2,6}}|[{_CJK}]{{1,8}}\\x{{b7}}[{_CJK}]{{1,8}}")


def plates_sql(v: str) -> str:
    """Plates already canonical (GA 36-2018 pattern of :mod:`workbench.identifiers`, nothing to strip)."""
    from ..identifiers import _PLATE_RE

    return _full(v, _PLATE_RE.pattern.strip("^$").replace("\\d", "[0-9]"))


def vins_sql(v: str, n: str | None = None) -> str:
    """17-character VINs with the right check digit at position 9 (ISO 3779)."""
    n = n or vin_digits_sql(v)
    total = " + ".join(f"{w} * {_digit(n, 16 - i)}" for i, w in enumerate(_VIN_WEIGHTS) if w)
    check = f"substr('0123456789X', CAST(({total}) % 11 AS INTEGER) + 1, 1)"
    return f"({_full(v, '[A-HJ-NPR-Z0-9]{17}')} AND {check} = substr({v}, 9, 1))"


IDENTIFIER_FAST_SQL = {"bank_card": bank_cards_sql, "phone": phones_sql, "name": names_sql,
                       "plate": plates_sql, "vin": vins_sql}


def codes_sql(v: str, check: str | None) -> str | None:
    """SQL twin of :func:`codes` (None: no fast path, e.g. USCC)."""
    if check == "digits":
        return _full(v, "[0-9]+")
    if check == "region6":
        return _full(v, "[0-9]{6}")
    if check == "uscc":
        return None
    return f"({_full(v, '[0-9A-Za-z][0-9A-Za-z_/.-]*')} AND NOT {_full(v, '[+-]?[0-9]+([.][0-9]*)?[eE][+-]?[0-9]+')})"


def plain_text_sql(v: str) -> str:
    """SQL twin of :func:`plain_text` (the same character runs, spelled for RE2)."""
    word = "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" for a, b in _TEXT_RUNS) + "]+"
    return _full(v, f"{word}(?: {word})*")


def lists_sql(v: str) -> str:
    """Lists already canonical for :func:`workbench.ingest.values.parse_list`: items of ASCII letters,
    digits, CJK ideographs, ``_ . -``, separated by single ``;``, no item in scientific notation."""
    item = "[0-9A-Za-z\\x{4e00}-\\x{9fff}_.-]+"
    sci = "[0-9]+([.][0-9]*)?[eE][0-9]+"  # an item cannot hold + or - before its digits here
    return f"({_full(v, f'{item}(?:;{item})*')} AND NOT regexp_matches({v}, '(^|;)[-]?{sci}(;|$)'))"


def amounts_sql(v: str, integer: bool, lo: float | None, hi: float | None) -> tuple[str, str]:
    """SQL twin of :func:`amounts` with the range check: (predicate, value as DOUBLE or BIGINT)."""
    pattern = "[0-9]{1,15}" if integer else "[0-9]{1,15}([.][0-9]{1,15})?"
    value = f"TRY_CAST({v} AS DOUBLE)"
    pred = _full(v, pattern)
    if lo is not None:
        pred += f" AND {value} >= {float(lo)!r}"
    if hi is not None:
        pred += f" AND {value} <= {float(hi)!r}"
    return f"({pred})", (f"CAST({value} AS BIGINT)" if integer else value)


def iso_dates_sql(v: str, with_time: bool) -> tuple[str, str]:
    """SQL twin of :func:`iso_dates`: (predicate, value as DATE or TIMESTAMP)."""
    day = "[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}"
    if with_time:
        pattern, value = day + "(?: (?:[01][0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?)?", f"TRY_CAST({v} AS TIMESTAMP)"
    else:
        pattern, value = day, f"TRY_CAST({v} AS DATE)"
    return f"({_full(v, pattern)} AND {value} IS NOT NULL)", value
