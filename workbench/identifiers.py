"""Normalise and check Chinese identifiers (证件号码等的规范化与校验).

Cross-company matching only works when every insurer's spelling of the same
number becomes the same string *before* it is tokenized (令牌化), so each
checker returns the one normalised form plus a verdict a clerk can act on.
The ingest calls these once per DISTINCT value; they are pure and keep no state.

Status meaning: ``ok`` (usable as given), ``normalised`` (usable after a
change listed in ``changes``), ``warning`` (usable, but doubtful; value kept),
``error`` (unusable; ``value`` is None). Empty input is ``ok``/``empty`` with
``value=None`` so the data contract, not this module, decides required-ness.
Algorithms come from python-stdnum where it has them (resident ID, USCC,
Luhn); stdnum has no VIN module, so the ISO 3779 check digit is written here.
"""

from __future__ import annotations

import datetime as _dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from stdnum import luhn
from stdnum.cn import ric, uscc
from stdnum.exceptions import InvalidChecksum, ValidationError

__all__ = [
    "CHECKERS", "Checked", "check_bank_card", "check_id_number", "check_name",
    "check_phone", "check_plate", "check_uscc", "check_vin", "id_birth_date",
    "id_gender", "id_region", "luhn_complete", "make_id_number", "make_vin",
    "normalize_text", "vin_check_digit",
]


@dataclass(frozen=True)
class Checked:
    """Outcome of checking one value (单值校验结果)."""

    value: str | None
    status: str
    code: str
    zh: str
    en: str
    changes: tuple[str, ...] = ()


_FIX_EXCEL = ("该列被Excel转换成了数字，末位已不可恢复。请在源系统中将该列设置为“文本”格式后重新导出，"
              "不要用Excel打开后另存。",
              "Excel converted this column to a number and the last digits are lost for good. "
              "Set the column to Text (文本) in the source system and export again; do not "
              "re-save it from Excel.")
_MESSAGES: dict[str, tuple[str, str]] = {
    "ok": ("", ""),
    "empty": ("", ""),
    "normalised": ("已自动规范化，无需处理", "normalised automatically; no action needed"),
    "id_upgraded_15": ("15位旧证件号码已升级为18位", "15-digit legacy ID upgraded to 18 digits"),
    "excel_sci_notation": ("号码显示为科学计数法（如2.20102E+17）。" + _FIX_EXCEL[0],
                           "Number is in scientific notation (e.g. 2.20102E+17). "
                           + _FIX_EXCEL[1]),
    "excel_trailing_zeros": ("号码以000结尾且校验失败，疑似被Excel截断为15位有效数字。" + _FIX_EXCEL[0],
                             "Number ends in 000 and fails its check, as if Excel cut it to "
                             "15 significant digits. " + _FIX_EXCEL[1]),
    "masked_input": ("提交的是已脱敏（含*号）的号码，无法比对。请提交完整号码，协会入库时统一脱敏",
                     "The value is already masked (contains *) and cannot be matched. Submit "
                     "the full value; the association desensitizes it at ingest."),
    "id_format": ("证件号码格式错误（应为18位数字，末位可为X；或15位旧号码），请核对原始证件",
                  "ID number format is wrong (18 digits, last may be X; or 15-digit legacy)."
                  " Check the original document."),
    "id_checksum": ("证件号码校验位错误，请核对原始证件",
                    "ID number check character is wrong; check the original document."),
    "id_region": ("证件号码前两位不是有效的省级行政区代码，请核对原始证件",
                  "The first two digits of the ID number are not a valid province code;"
                  " check the original document."),
    "id_birthdate": ("证件号码中的出生日期无效（不存在、早于1900年或晚于今天），请核对原始证件",
                     "The birth date inside the ID number is invalid (not a real date, before "
                     "1900 or in the future); check the original document."),
    "card_format": ("银行账号应为12–30位数字，请核对",
                    "A bank account number must be 12-30 digits; please check it."),
    "card_luhn": ("银行卡号未通过Luhn校验（存折、惠农一卡通、对公账户常见），已保留，请核对",
                  "Card number fails the Luhn check (common for passbooks, 惠农一卡通 and "
                  "corporate accounts); kept, please verify."),
    "phone_format": ("电话号码格式错误（手机11位以1开头；座机需带区号，如0431-88886666）",
                     "Phone number format is wrong (mobile: 11 digits starting with 1; "
                     "landline needs the area code, e.g. 0431-88886666)."),
    "plate_format": ("车牌号格式错误（如吉A12345、新能源吉AD12345），请核对行驶证",
                     "Licence plate format is wrong (e.g. 吉A12345, new-energy 吉AD12345); "
                     "check the vehicle licence."),
    "vin_format": ("车架号应为17位字母数字，且不含I、O、Q，请核对行驶证",
                   "A VIN has 17 letters/digits without I, O or Q; check the vehicle licence."),
    "vin_checksum": ("车架号第9位校验位错误，请核对行驶证",
                     "VIN check digit (position 9) is wrong; check the vehicle licence."),
    "vin_partial": ("只有车架号后几位，仅能作部分匹配，请尽量提供完整17位车架号",
                    "Only the last characters of the VIN were given, usable for partial "
                    "matching only; please supply the full 17-character VIN."),
    "uscc_format": ("统一社会信用代码格式错误（应为18位，或9位组织机构代码、15位工商注册号）",
                    "Organisation code format is wrong (18-char USCC, 9-char organisation "
                    "code or 15-digit business registration number)."),
    "uscc_checksum": ("统一社会信用代码（或组织机构代码）校验位错误，请核对营业执照",
                      "USCC (or organisation code) check character is wrong; check the "
                      "business licence."),
    "name_format": ("姓名含数字或没有文字，请核对", "Name contains digits or no letters; check it."),
}

CH_FULLWIDTH = "全角转半角 full-width→half-width"
CH_SPACES = "去除空格 spaces removed"
CH_SEPARATORS = "去除分隔符 separators removed"
CH_UPPER_X = "小写x转大写X lowercase x→X"
CH_UPPER = "小写转大写 lowercase→uppercase"
CH_UPGRADE_15 = "15位升级为18位 15→18 digit upgrade"
CH_COUNTRY_CODE = "去除国家代码 country code +86 removed"
CH_DOT = "统一间隔号为· middle dot unified"
CH_APOSTROPHE = "去除Excel文本前导撇号 Excel's leading apostrophe removed"

_WS_RE = re.compile(r"\s+")
_SCI_RE = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 "
    "50 51 52 53 54 61 62 63 64 65 71 81 82".split())
_MIN_BIRTH = _dt.date(1900, 1, 1)


def _result(value: str | None, code: str, status: str,
            changes: list[str] | tuple[str, ...] = ()) -> Checked:
    zh, en = _MESSAGES[code]
    return Checked(value, status, code, zh, en, tuple(dict.fromkeys(changes)))


def _fail(code: str, changes: list[str] | tuple[str, ...] = ()) -> Checked:
    return _result(None, code, "error", changes)


def _good(value: str, changes: list[str], code: str = "") -> Checked:
    if changes:
        return _result(value, code or "normalised", "normalised", changes)
    return _result(value, "ok", "ok")


_EMPTY = Checked(None, "ok", "empty", "", "", ())


def normalize_text(raw: str | None) -> str:
    """NFKC (full-width→half-width 全角转半角), strip, collapse whitespace runs to one space."""
    if raw is None:
        return ""
    return _WS_RE.sub(" ", unicodedata.normalize("NFKC", str(raw))).strip()


def _prepare(raw: str | None, drop: str = "") -> tuple[str, list[str]]:
    """Normalise and remove whitespace plus the characters in ``drop``, recording changes."""
    text = str(raw)
    changes: list[str] = []
    nfkc = unicodedata.normalize("NFKC", text)
    if nfkc != text:
        changes.append(CH_FULLWIDTH)
    compact = _WS_RE.sub("", nfkc)
    if compact != nfkc.strip():
        changes.append(CH_SPACES)
    if compact[:1] in ("'", "‘", "’"):  # Excel's mark for "keep as text" ('220102…), copied as a character
        compact = compact[1:]
        changes.append(CH_APOSTROPHE)
    if drop:
        stripped = compact.translate({ord(c): None for c in drop})
        if stripped != compact:
            changes.append(CH_SEPARATORS)
        compact = stripped
    return compact, changes


def _is_empty(raw: str | None) -> bool:
    return raw is None or normalize_text(raw) == ""


# --- resident ID 居民身份证号码 (GB 11643) -----------------------------------


def check_id_number(raw: str | None) -> Checked:
    """Check a resident ID (居民身份证号码); upgrade 15→18 so both forms match."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "-")
    if _SCI_RE.match(s):
        return _fail("excel_sci_notation", changes)
    if "*" in s:
        return _fail("masked_input", changes)
    if "x" in s:
        s = s.replace("x", "X")
        changes.append(CH_UPPER_X)
    code = ""
    if len(s) == 15 and s.isdigit():
        s = s[:6] + "19" + s[6:] + "0"
        s = s[:17] + ric.calc_check_digit(s)
        changes.append(CH_UPGRADE_15)
        code = "id_upgraded_15"
    elif len(s) != 18 or not s[:17].isdigit() or s[17] not in "0123456789X":
        return _fail("id_format", changes)
    elif s[17] != ric.calc_check_digit(s):
        return _fail("excel_trailing_zeros" if s.endswith("000") else "id_checksum", changes)
    if s[:2] not in _PROVINCES:
        return _fail("id_region", changes)
    try:
        birth = id_birth_date(s)
    except ValueError:
        return _fail("id_birthdate", changes)
    if birth < _MIN_BIRTH or birth > _dt.date.today():
        return _fail("id_birthdate", changes)
    return _good(s, changes, code)


def id_birth_date(id18: str) -> _dt.date:
    """Birth date (出生日期) from positions 7–14; ValueError if not a calendar date."""
    return _dt.date(int(id18[6:10]), int(id18[10:12]), int(id18[12:14]))


def id_gender(id18: str) -> str:
    """Gender (性别) from the sequence code: odd → '男', even → '女'."""
    return "男" if int(id18[16]) % 2 else "女"


def id_region(id18: str) -> str:
    """Address code (地址码, GB/T 2260 at time of issue): the first 6 digits."""
    return id18[:6]


def make_id_number(region6: str, birth: _dt.date, seq3: int) -> str:
    """Build a VALID 18-digit ID for synthetic data (合成数据); odd seq3 = male."""
    if len(region6) != 6 or not region6.isdigit() or not 0 <= seq3 <= 999:
        raise ValueError(f"bad region6/seq3: {region6!r}/{seq3!r}")
    body = f"{region6}{birth:%Y%m%d}{seq3:03d}"
    return body + ric.calc_check_digit(body + "0")


# --- bank card 银行卡号/账号 --------------------------------------------------


def check_bank_card(raw: str | None) -> Checked:
    """Check a bank card/account (银行卡号/账号); Luhn failure only warns (存折/惠农一卡通)."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "-")
    if _SCI_RE.match(s):
        return _fail("excel_sci_notation", changes)
    if "*" in s:
        return _fail("masked_input", changes)
    if not s.isdigit() or not 12 <= len(s) <= 30:
        return _fail("card_format", changes)
    if not luhn.is_valid(s):
        code = "excel_trailing_zeros" if 16 <= len(s) <= 19 and s.endswith("000") else "card_luhn"
        return _result(s, code, "warning", changes)
    return _good(s, changes)


def luhn_complete(partial: str) -> str:
    """Append the Luhn check digit (校验位) to ``partial``."""
    return partial + luhn.calc_check_digit(partial)


# --- phone 电话号码 -----------------------------------------------------------

_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}\d{7,8}$")


def check_phone(raw: str | None) -> Checked:
    """Check a mobile (手机) or landline with area code (座机含区号); store digits only."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "-()")
    if "*" in s:
        return _fail("masked_input", changes)
    for cc in ("+86", "0086"):
        if s.startswith(cc):
            s = s[len(cc):]
            changes.append(CH_COUNTRY_CODE)
            break
    else:
        if len(s) == 13 and s.startswith("861"):
            s = s[2:]
            changes.append(CH_COUNTRY_CODE)
    if _MOBILE_RE.match(s) or _LANDLINE_RE.match(s):
        return _good(s, changes)
    return _fail("phone_format", changes)


# --- licence plate 号牌号码 (GA 36-2018) -------------------------------------

PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_NULLS = frozenset({"未上牌", "新车", "无牌", "暂无"})
_P = f"[{PLATE_PROVINCES}][A-HJ-NP-Z]"
_C = "[A-HJ-NP-Z0-9]"
_PLATE_RE = re.compile(
    rf"^{_P}(?:{_C}{{5}}|[A-HJK]{_C}\d{{4}}|\d{{5}}[DF]|{_C}{{4}}[挂学警港澳领使])$")


def check_plate(raw: str | None) -> Checked:
    """Check a plate (号牌号码); '未上牌'/'*' (not yet registered) count as empty."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "·•・‧-.")
    if s in PLATE_NULLS or set(s) == {"*"}:
        return _EMPTY
    if s != s.upper():
        s = s.upper()
        changes.append(CH_UPPER)
    if _PLATE_RE.match(s):
        return _good(s, changes)
    return _fail("masked_input" if "*" in s else "plate_format", changes)


# --- VIN 车辆识别代号/车架号 (GB 16735, ISO 3779) -----------------------------

_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_RE = re.compile(r"^[A-HJ-NPR-Z0-9]+$")


def vin_check_digit(vin17: str) -> str:
    """Check digit for position 9 (校验位); position 9 of the input is ignored."""
    if len(vin17) != 17 or not _VIN_RE.match(vin17):
        raise ValueError(f"not a 17-character VIN body: {vin17!r}")
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin17, _VIN_WEIGHTS, strict=True))
    return "X" if total % 11 == 10 else str(total % 11)


def make_vin(wmi3: str, vds5: str, vis8: str) -> str:
    """Build a VIN with a correct check digit: WMI(3) + VDS(5) + check + VIS(8)."""
    body = f"{wmi3}{vds5}0{vis8}".upper()
    return body[:8] + vin_check_digit(body) + body[9:]


def check_vin(raw: str | None) -> Checked:
    """Check a VIN (车架号); the last 6–8 characters alone are kept as a partial key."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "-")
    if "*" in s:
        return _fail("masked_input", changes)
    if s != s.upper():
        s = s.upper()
        changes.append(CH_UPPER)
    if not _VIN_RE.match(s):
        return _fail("vin_format", changes)
    if 6 <= len(s) <= 8:
        return _result(s, "vin_partial", "warning", changes)
    if len(s) != 17:
        return _fail("vin_format", changes)
    if s[8] != vin_check_digit(s):
        return _fail("vin_checksum", changes)
    return _good(s, changes)


# --- organisation codes 统一社会信用代码 / 组织机构代码 / 工商注册号 ----------

_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_RE = re.compile(r"^[0-9A-Z]{8}[0-9X]$")


def _org_code_valid(code9: str) -> bool:
    """GB 11714 organisation code (组织机构代码) check character."""
    total = sum(int(c, 36) * w for c, w in zip(code9[:8], _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return code9[8] == {10: "X", 11: "0"}.get(check, str(check))


def check_uscc(raw: str | None) -> Checked:
    """Check a USCC (统一社会信用代码), or a legacy 组织机构代码 / 工商注册号."""
    if _is_empty(raw):
        return _EMPTY
    s, changes = _prepare(raw, "-")
    if s != s.upper():
        s = s.upper()
        changes.append(CH_UPPER)
    if len(s) == 18:
        try:
            uscc.validate(s)
        except InvalidChecksum:
            return _fail("uscc_checksum", changes)
        except ValidationError:
            return _fail("uscc_format", changes)
        return _good(s, changes)
    if len(s) == 9 and _ORG_RE.match(s):
        return _good(s, changes) if _org_code_valid(s) else _fail("uscc_checksum", changes)
    if len(s) == 15 and s.isdigit():
        return _good(s, changes)
    return _fail("uscc_format", changes)


# --- personal name 姓名 -------------------------------------------------------

_DOT_CHARS = "·•・‧∙⋅."
_DOTS_RE = re.compile(rf"\s*[{_DOT_CHARS}]+\s*")
_CJK_RE = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f]")


def check_name(raw: str | None) -> Checked:
    """Normalise a name (姓名) so two insurers' spellings match: Chinese names lose all
    spaces and keep one '·' between parts (少数民族/外籍 names such as 买买提·艾力);
    Latin-script names keep single spaces and are upper-cased."""
    if _is_empty(raw):
        return _EMPTY
    text = str(raw)
    s = normalize_text(text)
    changes = [CH_FULLWIDTH] if unicodedata.normalize("NFKC", text) != text else []
    if "*" in s:
        return _fail("masked_input", changes)
    if any(c.isdigit() for c in s) or not any(c.isalpha() for c in s):
        return _fail("name_format", changes)
    if _CJK_RE.search(s):
        dotted = _DOTS_RE.sub("·", s).strip("·")
        if dotted.replace(" ", "") != s.replace(" ", ""):
            changes.append(CH_DOT)
        if " " in s:
            changes.append(CH_SPACES)
        s = dotted.replace(" ", "")
    else:
        if s != s.upper():
            changes.append(CH_UPPER)
        if s != unicodedata.normalize("NFKC", text).strip():
            changes.append(CH_SPACES)
        s = s.upper()
    return _good(s, changes)


CHECKERS: dict[str, Callable[[str | None], Checked]] = {
    "id_number": check_id_number,
    "bank_card": check_bank_card,
    "phone": check_phone,
    "plate": check_plate,
    "vin": check_vin,
    "uscc": check_uscc,
    "name": check_name,
}
