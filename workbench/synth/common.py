"""Small shared helpers of the generator: campaign dates, date formatting, names.

Dates are handled as numpy ``datetime64[D]`` (and ``[m]`` for times) while
generating, and turned into ISO strings once, when a table is assembled, so
that every table holds text dates exactly as an insurer's export would.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from faker.providers.person.zh_CN import Provider as _FakerPerson

from . import reference as ref

DAY = np.timedelta64(1, "D")
MINUTE = np.timedelta64(1, "m")

#: Upload window (数据期间): policy start and claim close dates.
WINDOW_START = np.datetime64("2018-07-01", "D")
WINDOW_END = np.datetime64("2019-06-30", "D")
#: Company self-review window (2017年及以前) for the historic A&H claims.
HIST_START = np.datetime64("2015-01-01", "D")
HIST_END = np.datetime64("2017-12-31", "D")
#: Reference date for ages (年龄计算基准日).
AS_OF = np.datetime64("2019-07-01", "D")

_SURNAMES = np.array(list(_FakerPerson.last_names.keys()))
_SURNAME_P = np.array(list(_FakerPerson.last_names.values()), dtype=float)
_SURNAME_P /= _SURNAME_P.sum()
_FIRST_M = np.array(_FakerPerson.first_names_male)
_FIRST_F = np.array(_FakerPerson.first_names_female)
_GIVEN_M = np.array(ref.GIVEN_MALE)
_GIVEN_F = np.array(ref.GIVEN_FEMALE)


def day(value: str | dt.date) -> np.datetime64:
    """A ``datetime64[D]`` from an ISO string or a date."""
    return np.datetime64(value, "D")


def iso(dates: np.ndarray) -> np.ndarray:
    """ISO date strings (YYYY-MM-DD); NaT becomes ''."""
    arr = np.asarray(dates, dtype="datetime64[D]")
    out = np.datetime_as_string(arr, unit="D")
    return np.where(np.isnat(arr), "", out)


def iso_minutes(times: np.ndarray) -> np.ndarray:
    """'YYYY-MM-DD HH:MM' strings; NaT becomes ''."""
    arr = np.asarray(times, dtype="datetime64[m]")
    out = np.char.replace(np.datetime_as_string(arr, unit="m"), "T", " ")
    return np.where(np.isnat(arr), "", out)


def one_year(start: np.ndarray, years: int | np.ndarray = 1) -> np.ndarray:
    """End of a policy of whole years (终保日期): the day before the anniversary."""
    start = np.asarray(start, dtype="datetime64[D]")
    month = start.astype("datetime64[M]")
    dom = (start - month).astype(np.int64)
    return (month + 12 * np.asarray(years)).astype("datetime64[D]") + dom - 1


def age_on(birth: np.ndarray, when: np.ndarray | np.datetime64) -> np.ndarray:
    """Whole years of age (周岁) on ``when``."""
    birth = np.asarray(birth, dtype="datetime64[D]")
    when = np.broadcast_to(np.asarray(when, dtype="datetime64[D]"), birth.shape)
    by = birth.astype("datetime64[Y]").astype(np.int64)
    wy = when.astype("datetime64[Y]").astype(np.int64)
    b_md = (birth - birth.astype("datetime64[Y]")).astype(np.int64)
    w_md = (when - when.astype("datetime64[Y]")).astype(np.int64)
    return wy - by - (w_md < b_md)


def random_days(
    rng: np.random.Generator, lo: np.datetime64, hi: np.datetime64, n: int
) -> np.ndarray:
    """``n`` dates uniform in [lo, hi]."""
    span = int((hi - lo) / DAY) + 1
    return lo + rng.integers(0, span, n) * DAY


def person_names(
    rng: np.random.Generator, male: np.ndarray, surnames: np.ndarray | None = None
) -> np.ndarray:
    """Chinese names (姓名) built by choice from surname and given-name lists.

    A third get one of Faker's common single-character given names, the rest
    two characters, as in the population born after 1970.
    """
    n = len(male)
    if surnames is None:
        surnames = _SURNAMES[rng.choice(len(_SURNAMES), n, p=_SURNAME_P)]
    single = rng.random(n) < 0.33
    first_m = _FIRST_M[rng.integers(0, len(_FIRST_M), n)]
    first_f = _FIRST_F[rng.integers(0, len(_FIRST_F), n)]
    g1m = _GIVEN_M[rng.integers(0, len(_GIVEN_M), n)]
    g2m = _GIVEN_M[rng.integers(0, len(_GIVEN_M), n)]
    g1f = _GIVEN_F[rng.integers(0, len(_GIVEN_F), n)]
    g2f = _GIVEN_F[rng.integers(0, len(_GIVEN_F), n)]
    two_m = np.char.add(g1m, g2m)
    two_f = np.char.add(g1f, g2f)
    given = np.where(male, np.where(single, first_m, two_m), np.where(single, first_f, two_f))
    return np.char.add(surnames.astype(str), given.astype(str))


def random_surnames(rng: np.random.Generator, n: int) -> np.ndarray:
    return _SURNAMES[rng.choice(len(_SURNAMES), n, p=_SURNAME_P)]


def mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Mobile numbers (手机号): carrier prefix + 8 digits."""
    prefixes = np.array(ref.MOBILE_PREFIXES)[rng.integers(0, len(ref.MOBILE_PREFIXES), n)]
    rest = np.char.zfill(rng.integers(0, 10**8, n).astype(str), 8)
    return np.char.add(prefixes, rest)


def money(values: np.ndarray) -> np.ndarray:
    """Amounts rounded to fen (分)."""
    return np.round(np.asarray(values, dtype=float), 2)
