"""Vectorized identifier builders (批量生成合法证件号、卡号、车架号).

``workbench.identifiers`` checks one value at a time, which is right for the
ingest (it sees each distinct value once) but far too slow for building five
million synthetic persons.  These functions compute the same check characters
over whole numpy arrays: resident ID (居民身份证, ISO 7064 MOD 11-2), bank card
(银行卡, Luhn), VIN (车架号, ISO 3779 position-9 check digit) and the unified
social credit code (统一社会信用代码, GB 32100).  ``tests/test_synth.py``
compares them with ``workbench.identifiers`` and python-stdnum on samples.
"""

from __future__ import annotations

import numpy as np

ID_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
ID_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)

VIN_WEIGHTS = np.array([8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2], dtype=np.int64)
#: Characters allowed in a VIN (no I, O, Q).
VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_VALUE = np.zeros(256, dtype=np.int64)
for _c, _v in zip("0123456789", range(10), strict=True):
    _VIN_VALUE[ord(_c)] = _v
for _chars, _start in (("ABCDEFGH", 1), ("JKLMN", 1), ("P", 7), ("R", 9), ("STUVWXYZ", 2)):
    for _i, _c in enumerate(_chars):
        _VIN_VALUE[ord(_c)] = _start + _i

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _as_bytes(strings: np.ndarray, width: int) -> np.ndarray:
    """An (n, width) uint8 matrix of the ASCII characters of fixed-width strings."""
    arr = np.asarray(strings).astype(f"S{width}")
    return arr.view(np.uint8).reshape(len(arr), width)


def _from_bytes(matrix: np.ndarray) -> np.ndarray:
    """The inverse of :func:`_as_bytes`: a unicode string array."""
    width = matrix.shape[1]
    return np.ascontiguousarray(matrix).view(f"S{width}").ravel().astype(f"U{width}")


def int_digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative int64 values as an (n, width) int matrix."""
    values = np.asarray(values, dtype=np.int64)
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return (values[:, None] // powers[None, :]) % 10


def digits_to_str(digits: np.ndarray) -> np.ndarray:
    """An (n, width) digit matrix as zero-padded strings."""
    return _from_bytes((digits + 48).astype(np.uint8))


def id_check_chars(body17: np.ndarray) -> np.ndarray:
    """ISO 7064 MOD 11-2 check characters (校验码) for 17-digit ID bodies."""
    digits = _as_bytes(body17, 17).astype(np.int64) - 48
    return ID_CHECK[(digits @ ID_WEIGHTS) % 11]


def make_ids(region6: np.ndarray, birth: np.ndarray, seq3: np.ndarray) -> np.ndarray:
    """Valid 18-digit resident IDs from region codes (int), birth dates (datetime64[D])
    and 3-digit sequence codes (odd = male)."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    years = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    months = birth.astype("datetime64[M]").astype(np.int64) % 12 + 1
    days = (birth - birth.astype("datetime64[M]")).astype(np.int64) + 1
    ymd = years * 10000 + months * 100 + days
    body = np.asarray(region6, dtype=np.int64) * 10**11 + ymd * 1000 + np.asarray(seq3, np.int64)
    digits = int_digits(body, 17)
    check = ID_CHECK[(digits @ ID_WEIGHTS) % 11]
    out = np.empty((len(body), 18), dtype=np.uint8)
    out[:, :17] = digits + 48
    out[:, 17] = check
    return _from_bytes(out)


def valid_ids(ids: np.ndarray) -> np.ndarray:
    """True where an 18-character ID has the right check character."""
    ids = np.asarray(ids).astype("U18")
    m = _as_bytes(ids, 18)
    body_ok = ((m[:, :17] >= 48) & (m[:, :17] <= 57)).all(axis=1)
    digits = np.where(body_ok[:, None], m[:, :17].astype(np.int64) - 48, 0)
    return body_ok & (ID_CHECK[(digits @ ID_WEIGHTS) % 11] == m[:, 17])


def luhn_check_digits(digits: np.ndarray) -> np.ndarray:
    """Luhn (mod 10) check digits for an (n, width) digit matrix of card bodies."""
    width = digits.shape[1]
    # Double every second digit counting from the right of the body (the check
    # digit will sit to its right).
    double = (np.arange(width)[::-1] % 2) == 0
    d = digits.copy()
    dd = d[:, double] * 2
    d[:, double] = dd - 9 * (dd > 9)
    return (10 - d.sum(axis=1) % 10) % 10


def make_cards(prefix6: np.ndarray, body: np.ndarray) -> np.ndarray:
    """19-digit UnionPay-style cards (银联卡): 6-digit BIN + 12-digit account + Luhn digit."""
    n18 = np.asarray(prefix6, np.int64) * 10**12 + np.asarray(body, np.int64)
    digits = int_digits(n18, 18)
    check = luhn_check_digits(digits)
    return digits_to_str(np.concatenate([digits, check[:, None]], axis=1))


def vin_check_chars(vins: np.ndarray) -> np.ndarray:
    """ISO 3779 check characters for 17-character VINs (position 9 ignored)."""
    m = _as_bytes(vins, 17)
    total = _VIN_VALUE[m] @ VIN_WEIGHTS
    r = total % 11
    return np.where(r == 10, ord("X"), r + 48).astype(np.uint8)


def make_vins(wmi: np.ndarray, vds: np.ndarray, vis: np.ndarray) -> np.ndarray:
    """VINs with a correct check digit: WMI(3) + VDS(5) + check + VIS(8)."""
    body = np.char.add(
        np.char.add(np.asarray(wmi, "U3"), np.asarray(vds, "U5")),
        np.char.add("0", np.asarray(vis, "U8")),
    )
    m = _as_bytes(body, 17).copy()
    m[:, 8] = vin_check_chars(body)
    return _from_bytes(m)


def valid_vins(vins: np.ndarray) -> np.ndarray:
    """True where a 17-character VIN carries the right check digit."""
    vins = np.asarray(vins).astype("U17")
    m = _as_bytes(vins, 17)
    return vin_check_chars(vins) == m[:, 8]


def random_chars(rng: np.random.Generator, alphabet: str, n: int, width: int) -> np.ndarray:
    """``n`` random strings of ``width`` characters drawn from ``alphabet``."""
    table = np.frombuffer(alphabet.encode("ascii"), dtype=np.uint8)
    return _from_bytes(table[rng.integers(0, len(table), size=(n, width))])


def org_code(rng: np.random.Generator) -> str:
    """A 9-character organisation code (组织机构代码, GB 11714) with its check character."""
    body = "".join(rng.choice(list("0123456789ABCDEFGHJKLMNPQRTUWXY"), 8))
    body = str(rng.integers(1, 9)) + body[1:]
    total = sum(int(c, 36) * w for c, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def uscc_check_char(code17: str) -> str:
    """GB 32100 check character of the first 17 characters of a USCC."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(code17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def make_uscc(rng: np.random.Generator, region6: str, org_type: str = "92") -> str:
    """A valid USCC (统一社会信用代码): '91' companies, '92' individual businesses
    (个体工商户), '93' farmers' cooperatives (农民专业合作社)."""
    body = f"{org_type}{region6}{org_code(rng)}"
    return body + uscc_check_char(body)


def to_id15(id18: str) -> str:
    """The 15-digit legacy form (一代身份证号) of an ID of someone born 1900-1999."""
    return id18[:6] + id18[8:17]


def scramble(seq: np.ndarray, modulus: int, offset: int) -> np.ndarray:
    """A bijection of ``range(modulus)`` (modulus a power of ten, at most 10**9): record
    numbers look random, so a planted record's number says nothing about when it was made."""
    if modulus > 10**9:
        raise ValueError("modulus must be at most 10**9")
    mult = 6_180_339_887 % modulus or 7
    while np.gcd(mult, 10) != 1:
        mult += 1
    return (np.asarray(seq, dtype=np.int64) * mult + offset) % modulus
