"""The ingest's DuckDB twins of the Python checks, tokens and masks (SQL 快速校验与令牌).

The bulk ingest decides "valid as is", computes tokens and masks inside DuckDB over whole
columns; the one-value Python functions stay the reference.  These tests hold the twins to
them: a SQL fast path may only accept what the Python checker accepts unchanged, with the same
value; a SQL token or mask is byte for byte the Python one.
"""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pandas as pd
import pytest

from workbench import identifiers as ids
from workbench.ingest import fastpath
from workbench.ingest import values as V
from workbench.protect import TOKEN_PREFIX, Tokenizer, mask, mask_sql

ID1 = "220102199001011239"  # valid MOD 11-2
ID_X = ids.make_id_number("220104", dt.date(1985, 3, 7), 123)

MASK_CASES = {
    "id_number": ["220102199001011239", "110105491231002", "E12345678", "1", ""],
    "name": ["张三", "张小三", "欧阳修文", "买买提·艾力", "张", "Li Lei"],
    "phone": ["13812341234", "043188886666", "01088886666", "88886666", "12345"],
    "bank_card": ["6222021234567890128", "6222021234567890", "123456789012", "12345"],
    "plate": ["吉A12345", "吉AD12345", "吉A1", "A"],
    "vin": ["1M8GDM9AXKP042788", "P042788", "12"],
    "uscc": ["91110000600037341L"],
    "email": ["zhangsan@example.com", "nobody"],
}


def _sql_values(expr_of, values: list[str], params: dict | None = None) -> list:
    """Evaluate ``expr_of('v')`` in DuckDB over ``values`` (in order)."""
    con = duckdb.connect()
    con.register("t", pd.DataFrame({"i": range(len(values)), "v": pd.Series(values, dtype=object)}))
    sql = f"SELECT {expr_of('v')} FROM t ORDER BY i"
    return [r[0] for r in (con.execute(sql, params) if params else con.execute(sql)).fetchall()]


@pytest.mark.parametrize("key", [bytes(range(32)), b"k" * 64, bytes(range(200))],
                         ids=["32-byte key", "block-size key", "long key (hashed first)"])
def test_token_sql_is_the_python_token(key: bytes) -> None:
    tok = Tokenizer(key)
    rnd = random.Random(7)
    values = [ID1, ID_X, "张小三", "买买提·艾力", "13812341234", "吉A12345", "1M8GDM9AXKP042788", "",
              "".join(rnd.choice("0123456789X张王李") for _ in range(rnd.randint(1, 40)))]
    for id_type in sorted(TOKEN_PREFIX):
        got = _sql_values(lambda v, t=id_type: tok.token_sql(t, v), values, tok.sql_parameters())
        assert got == [tok.token(id_type, v) for v in values], id_type
    assert _sql_values(lambda v: tok.token_sql("name", v), [None], tok.sql_parameters()) == [None]


def test_token_sql_keeps_the_key_out_of_the_sql_text() -> None:
    key = bytes(range(32))
    tok = Tokenizer(key)
    sql = tok.token_sql("id_number", "v")
    assert key.hex() not in sql and "$hmac_ipad" in sql and "$hmac_opad" in sql


@pytest.mark.parametrize("id_type", sorted(MASK_CASES))
def test_mask_sql_is_the_python_mask(id_type: str) -> None:
    values = MASK_CASES[id_type]
    assert _sql_values(lambda v: mask_sql(id_type, v), values) == [mask(id_type, v) for v in values]


def _accepted_unchanged(checked) -> tuple[bool, str | None]:
    return checked.status == "ok", checked.value


def _assert_subset(pred_of, values: list[str], python_check) -> int:
    """Every value the SQL predicate accepts, Python accepts unchanged; returns how many it took."""
    oks = _sql_values(lambda v: f"coalesce({pred_of(v)}, false)", values)
    for value, ok in zip(values, oks, strict=True):
        if ok:
            good, normal = python_check(value)
            assert good and normal == value, f"SQL accepted {value!r}, Python says {python_check(value)}"
    return sum(oks)


def test_sql_id_number_fast_path_accepts_only_what_the_checker_accepts() -> None:
    vectors = pd.read_csv("tests/data/cn_resident_id_test_vectors.csv", dtype=str)["id_number"].tolist()
    bad_check = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")
    future = ids.make_id_number("220102", dt.date.today() + dt.timedelta(days=400), 1)
    feb30 = ids.make_id_number("220102", dt.date(1990, 2, 28), 1).replace("19900228", "19900230")
    leap = ids.make_id_number("220102", dt.date(2000, 2, 29), 5)
    values = vectors + [ID1, ID_X, bad_check, future, feb30, leap, ID1.lower(), " " + ID1, "２２０１０２１９９００１０１１２３９",
                        "2.20102E+17", "220102199001011230"[:15], "990102199001011239"]
    today = dt.date.today()
    taken = _assert_subset(lambda v: fastpath.id_numbers_sql(v, today), values,
                           lambda v: _accepted_unchanged(ids.check_id_number(v)))
    assert taken >= 3  # the valid canonical ones do take the fast path
    assert _sql_values(lambda v: fastpath.id_numbers_sql(v, today), [leap, feb30, future, bad_check]) == \
        [True, False, False, False]


def test_sql_identifier_fast_paths_accept_only_what_the_checkers_accept() -> None:
    card = ids.luhn_complete("622202123456789012")
    cases = {
        "bank_card": ([card, card[:-1] + str((int(card[-1]) + 1) % 10), "6222 0212 3456 7890", "12345",
                       "6.22202E+18"], ids.check_bank_card),
        "phone": (["13812341234", "12812341234", "138 1234 1234", "1381234123", "043188886666"], ids.check_phone),
        "name": (["张三", "欧阳修文", "买买提·艾力", "张", "Li Lei", "张 三", "某某科技有限公司"], ids.check_name),
        "plate": (["吉A12345", "吉AD12345", "吉a12345", "吉A 12345", "A12345"], ids.check_plate),
        "vin": (["1M8GDM9AXKP042788", "1M8GDM9A1KP042788", "1m8gdm9axkp042788", "1M8GDM9AXKP04278",
                 "IM8GDM9AXKP042788"], ids.check_vin),
    }
    for id_type, (values, check) in cases.items():
        taken = _assert_subset(fastpath.IDENTIFIER_FAST_SQL[id_type], values,
                               lambda v, c=check: _accepted_unchanged(c(v)))
        assert taken >= 1, id_type


def test_sql_value_fast_paths_agree_with_the_parsers() -> None:
    def parsed_unchanged(parse):
        def check(v):
            value, code = parse(v)
            return code == "ok", v
        return check

    # ligatures, '…', compatibility ideographs and circled numbers change under NFKC: not "as is"
    texts = ["正常文本", "two words", "  lead", "trail ", "a  b", "ＡＢ", "x\ty", "ﬁle", "1…2", "\uf900", "①", "（一）",
             "吉林省长春市朝阳区·红旗街", "A-B_c/d.e 《条款》、第2条"]
    assert _assert_subset(fastpath.plain_text_sql, texts, parsed_unchanged(V.parse_text)) == 4
    assert _sql_values(lambda v: f"coalesce({fastpath.plain_text_sql(v)}, false)", texts) == \
        fastpath.plain_text(pd.Series(texts, dtype="string")).tolist()  # the SQL twin and the Python one agree
    lists = ["P001;P002", "P001", "P001; P002", "P001,P002", "1.2E5;P1", "P1;1e5", "-1e5", "P1;;P2", ";P1", "耳标01;耳标02",
             "2.2E+17"]
    assert _assert_subset(fastpath.lists_sql, lists, parsed_unchanged(V.parse_list)) == 3
    codes = ["P2018000123", "A-1/2.3", "2.2E+17", "_x", "abc def"]
    assert _assert_subset(lambda v: fastpath.codes_sql(v, None), codes,
                          parsed_unchanged(lambda v: V.parse_code(v, None))) >= 2
    assert _assert_subset(lambda v: fastpath.codes_sql(v, "region6"), ["220102", "22010", "2201021"],
                          parsed_unchanged(lambda v: V.parse_code(v, "region6"))) == 1

    amounts = ["100", "100.50", "0", "1e5", "1,000", "-5", "１００", "200000001", "199999999"]
    pred, value = fastpath.amounts_sql("v", False, 0, 2e8)
    oks = _sql_values(lambda v: f"coalesce({pred}, false)", amounts)  # built over the column v
    vals = _sql_values(lambda v: value, amounts)
    for raw, ok, got in zip(amounts, oks, vals, strict=True):
        if ok:
            want, code = V.parse_number(raw, False, 0, 2e8)
            assert code == "ok" and want == got, raw
    assert oks == [True, True, True, False, False, False, False, False, True]  # 2e8 is the ceiling

    dates = ["2019-01-31", "2019-02-29", "2020-02-29", "2019/01/31", "20190131", "2019-13-01", "0999-01-01"]
    pred, value = fastpath.iso_dates_sql("v", False)
    oks = _sql_values(lambda v: f"coalesce({pred}, false)", dates)
    vals = _sql_values(lambda v: value, dates)
    for raw, ok, got in zip(dates, oks, vals, strict=True):
        if ok:
            want, code = V.parse_datetime(raw, False)
            assert code == "ok" and want == got, raw
    assert oks == [True, False, True, False, False, False, False]
