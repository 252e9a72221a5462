"""Tests for workbench.identifiers (证件号码等的规范化与校验)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from stdnum import luhn

from workbench.identifiers import (
    CHECKERS,
    Checked,
    check_bank_card,
    check_id_number,
    check_name,
    check_phone,
    check_plate,
    check_uscc,
    check_vin,
    id_birth_date,
    id_gender,
    id_region,
    luhn_complete,
    make_id_number,
    make_vin,
    normalize_text,
    vin_check_digit,
)

VECTORS = Path(__file__).parent / "data" / "cn_resident_id_test_vectors.csv"


def _rows() -> list[dict[str, str]]:
    with VECTORS.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# Rows whose checksum is right but which we reject for another documented reason.
# stdnum's "county not registered at birth year" rows are accepted on purpose: we do
# not validate the full GB/T 2260 code (historical codes stay valid).
CHECKSUM_OK_BUT_REJECTED = {
    "990426199112010074": "id_region",  # 99 is not a province
    "160105194912310029": "id_region",  # 16 is not a province
    "360426199113010079": "id_birthdate",  # month 13
    "110105194902310026": "id_birthdate",  # 31 February
    "440524188001015368": "id_birthdate",  # born 1880, before our 1900 floor
}


@pytest.mark.parametrize("row", [r for r in _rows() if r["length"] == "18"],
                         ids=lambda r: r["id_number"])
def test_id_vectors_18_digit(row: dict[str, str]) -> None:
    got = check_id_number(row["id_number"])
    if row["checksum_matches"] != "True":
        assert got.status == "error" and got.value is None
        assert got.code == ("id_format" if row["id_number"].startswith("T") else "id_checksum")
    elif row["id_number"] in CHECKSUM_OK_BUT_REJECTED:
        assert (got.status, got.code) == ("error", CHECKSUM_OK_BUT_REJECTED[row["id_number"]])
        assert got.zh and got.en
    else:
        assert row["birthdate_parses"] == "True"
        assert got.status in ("ok", "normalised"), got
        assert got.value == row["id_number"].upper()
        assert got.value[-1] == row["computed_check_char"]


def test_id_vectors_15_digit() -> None:
    rows = {r["id_number"]: r for r in _rows() if r["length"] == "15"}
    # 110105 49 1231 002 -> 11010519491231002 + check. Weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2:
    # 7+9+0+5+0+20+2+9+24+27+7+18+30+5+0+0+4 = 167; 167 % 11 = 2 -> '10X98765432'[2] = 'X'
    got = check_id_number("110105491231002")
    assert rows["110105491231002"]["birthdate_parses"] == "True"
    assert (got.value, got.status, got.code) == ("11010519491231002X", "normalised",
                                                 "id_upgraded_15")
    assert "15位升级为18位 15→18 digit upgrade" in got.changes
    assert check_id_number(got.value).status == "ok"
    bad = check_id_number("110105491331002")  # month 13
    assert rows["110105491331002"]["birthdate_parses"] == "False"
    assert (bad.status, bad.code, bad.value) == ("error", "id_birthdate", None)


def test_id_valid_and_lowercase_x() -> None:
    assert check_id_number("220102199001011239") == Checked(
        "220102199001011239", "ok", "ok", "", "", ())
    got = check_id_number("11010519491231002x")
    assert (got.value, got.status) == ("11010519491231002X", "normalised")
    assert "小写x转大写X lowercase x→X" in got.changes


def test_id_full_width_and_spaces() -> None:
    got = check_id_number("２２０１０２１９９００１０１１２３９")
    assert (got.value, got.status) == ("220102199001011239", "normalised")
    assert "全角转半角 full-width→half-width" in got.changes
    spaced = check_id_number("220102 19900101 1239")
    assert spaced.value == "220102199001011239" and "去除空格 spaces removed" in spaced.changes
    assert check_id_number("  220102199001011239 ").status == "ok"  # trimming is not a change


def test_excel_leading_apostrophe_is_removed_and_said() -> None:
    """'220102… is how a clerk keeps Excel from turning an ID into a number: the same ID, not an error."""
    for raw in ("'220102199001011239", "‘220102199001011239"):
        got = check_id_number(raw)
        assert (got.value, got.status) == ("220102199001011239", "normalised")
        assert "去除Excel文本前导撇号 Excel's leading apostrophe removed" in got.changes
    assert check_phone("'13812341234").value == "13812341234"


@pytest.mark.parametrize("raw", ["2.20102E+17", "2.20102199001012E+17", "2.201021990010112e+17"])
def test_id_excel_scientific_notation(raw: str) -> None:
    got = check_id_number(raw)
    assert (got.status, got.code, got.value) == ("error", "excel_sci_notation", None)
    assert "文本" in got.zh and "Excel" in got.zh


def test_id_excel_trailing_zeros_and_checksum() -> None:
    got = check_id_number("220102199001010000")
    assert (got.status, got.code) == ("error", "excel_trailing_zeros")
    assert "文本" in got.zh
    assert check_id_number("220102199001011238").code == "id_checksum"
    assert check_id_number("2201021990010112").code == "id_format"
    assert check_id_number("220102********1239").code == "masked_input"


def test_id_birthdate() -> None:
    # 1990-02-30 with a correct check char, so only the date is wrong
    body = "22010219900230123"
    from stdnum.cn import ric
    id18 = body + ric.calc_check_digit(body + "0")
    assert check_id_number(id18).code == "id_birthdate"
    future = make_id_number("220102", dt.date.today() + dt.timedelta(days=400), 123)
    assert check_id_number(future).code == "id_birthdate"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000"])
def test_empty_is_ok_everywhere(raw: str | None) -> None:
    for check in CHECKERS.values():
        assert check(raw) == Checked(None, "ok", "empty", "", "", ())


def test_id_helpers_and_maker() -> None:
    assert id_birth_date("220102199001011239") == dt.date(1990, 1, 1)
    assert id_gender("220102199001011239") == "男"  # sequence 123 is odd
    assert id_gender("11010519491231002X") == "女"  # sequence 002 is even
    assert id_region("220102199001011239") == "220102"
    assert make_id_number("220102", dt.date(1990, 1, 1), 123) == "220102199001011239"
    assert make_id_number("110105", dt.date(1949, 12, 31), 2) == "11010519491231002X"
    for seq in range(0, 1000, 37):
        assert check_id_number(make_id_number("220381", dt.date(1975, 6, 30), seq)).status == "ok"
    with pytest.raises(ValueError):
        make_id_number("22010", dt.date(1990, 1, 1), 1)


def test_normalize_text() -> None:
    assert normalize_text("  张\u3000 三  ") == "张 三"
    assert normalize_text("ＡＢＣ１２３") == "ABC123"
    assert normalize_text(None) == ""


def test_vin() -> None:
    # Hand check of 1M8GDM9AXKP042788: values 1 4 8 7 4 4 9 1 _ 2 7 0 4 2 7 8 8, weighted sum 351,
    # 351 % 11 = 10 -> 'X' at position 9.
    assert check_vin("1M8GDM9AXKP042788").status == "ok"
    assert vin_check_digit("1M8GDM9A0KP042788") == "X"
    assert check_vin("1m8gdm9axkp042788").value == "1M8GDM9AXKP042788"
    assert check_vin("1M8GDM9AXKP042789").code == "vin_checksum"
    assert check_vin("1M8GDM9AXKP04278O").code == "vin_format"  # letter O
    assert check_vin("1M8GDM9AXKP0427").code == "vin_format"
    vin = make_vin("LVS", "HCAMB", "6M123456")
    assert len(vin) == 17 and check_vin(vin).status == "ok"
    assert vin[:8] == "LVSHCAMB" and vin[9:] == "6M123456"
    partial = check_vin("P042788")
    assert (partial.status, partial.code, partial.value) == ("warning", "vin_partial", "P042788")


def test_bank_card() -> None:
    # Hand Luhn of 6222021234567890128 (doubling every 2nd digit from the right): sum 80 -> valid
    card = luhn_complete("622202123456789012")
    assert card == "6222021234567890128" and luhn.is_valid(card)
    assert check_bank_card(card).status == "ok"
    got = check_bank_card("6222 0212-3456 7890 128")
    assert (got.value, got.status) == (card, "normalised")
    bad = check_bank_card("6222021234567890127")
    assert (bad.status, bad.code, bad.value) == ("warning", "card_luhn", "6222021234567890127")
    zeros = check_bank_card("6222021234567890000")
    assert (zeros.status, zeros.code, zeros.value) == ("warning", "excel_trailing_zeros",
                                                       "6222021234567890000")
    assert check_bank_card("6.22202E+18").code == "excel_sci_notation"
    assert check_bank_card("6.22202E+18").status == "error"
    assert check_bank_card("62220212345678901A").status == "error"
    assert check_bank_card("12345").code == "card_format"


def test_uscc() -> None:
    assert check_uscc("91110000600037341L").status == "ok"
    assert check_uscc("91110000600037341M").code == "uscc_checksum"
    # GB 11714: 6*3+0+0+0+3*5+7*8+3*4+4*2 = 109; 11 - 109 % 11 = 1
    org = check_uscc("60003734-1")
    assert (org.value, org.status) == ("600037341", "normalised")
    assert check_uscc("600037342").code == "uscc_checksum"
    assert check_uscc("220102000012345").status == "ok"  # 15-digit 工商注册号, format only
    assert check_uscc("9111000060003734").code == "uscc_format"


def test_plates() -> None:
    assert check_plate("吉A12345") == Checked("吉A12345", "ok", "ok", "", "", ())
    dotted = check_plate("吉A·12345")
    assert (dotted.value, dotted.status) == ("吉A12345", "normalised")
    assert check_plate("吉AD12345").status == "ok"  # small new-energy
    assert check_plate("吉A12345D").status == "ok"  # large new-energy
    assert check_plate("吉a-b1234").value == "吉AB1234"
    assert check_plate("吉A1234挂").status == "ok"
    assert check_plate("吉A1234警").status == "ok"
    assert check_plate("吉I12345").code == "plate_format"
    assert check_plate("XA12345").code == "plate_format"
    assert check_plate("吉A1234").code == "plate_format"
    for null in ("未上牌", "*", "新车", "***"):
        assert check_plate(null) == Checked(None, "ok", "empty", "", "", ())


def test_phones() -> None:
    got = check_phone("+86 138-0013-8000")
    assert (got.value, got.status) == ("13800138000", "normalised")
    assert check_phone("008613800138000").value == "13800138000"
    assert check_phone("13800138000").status == "ok"
    assert check_phone("0431-88886666").value == "043188886666"
    assert check_phone("0431-88886666").status in ("ok", "normalised")
    assert check_phone("12345").code == "phone_format"
    assert check_phone("12800138000").code == "phone_format"  # 12x is not a mobile prefix
    assert check_phone("88886666").code == "phone_format"  # landline without area code


def test_names() -> None:
    assert check_name("张三") == Checked("张三", "ok", "ok", "", "", ())
    spaced = check_name("张  三")
    assert (spaced.value, spaced.status) == ("张三", "normalised")
    assert check_name("欧阳 修文").value == "欧阳修文"
    assert check_name("买买提 • 艾力").value == "买买提·艾力"
    assert check_name("买买提..艾力").value == "买买提·艾力"
    assert check_name("张三1").code == "name_format"
    assert check_name("john  smith").value == "JOHN SMITH"
    assert check_name("张*").code == "masked_input"


def test_checkers_table() -> None:
    assert set(CHECKERS) == {"id_number", "bank_card", "phone", "plate", "vin", "uscc", "name"}
    assert CHECKERS["id_number"] is check_id_number
