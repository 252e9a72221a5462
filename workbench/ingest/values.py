"""Parse and normalise one distinct cell value (单元格取值规范化).

Validation works on DISTINCT values: a column's values are factorised, each
distinct value is parsed once here, and the verdicts are mapped back onto the
rows, so a million-row file with a few thousand distinct dates parses a few
thousand dates.  Each parser returns ``(value, code)``: the parsed value (None
when empty or unusable) and a code — ``ok``, ``empty``, a normalisation code,
or an error code listed in :data:`MESSAGES`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from ..identifiers import normalize_text

EXCEL_EPOCH = dt.date(1899, 12, 30)

#: code -> (severity, zh, en).  severity: error (row rejected) | normalised | warning.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "missing_required": ("error", "必填项为空，请补充", "required value is empty; fill it in"),
    "bad_date": ("error", "日期无法识别，请填写为 YYYY-MM-DD(如2019-01-05)",
                 "date not recognised; write it as YYYY-MM-DD (e.g. 2019-01-05)"),
    "bad_number": ("error", "数值无法识别，请只填写数字(不含单位、文字)",
                   "not a number; write digits only (no units or words)"),
    "negative": ("error", "数值不能为负数", "value must not be negative"),
    "not_integer": ("error", "应为整数", "must be a whole number"),
    "out_of_range": ("error", "数值超出合理范围，请核对单位(元)和金额", "value outside the plausible range; check unit and amount"),
    "bad_enum": ("error", "取值不在可选范围内，请从模板下拉列表中选择", "value not among the allowed values; pick one from the template's list"),
    "bad_code_digits": ("error", "应只包含数字(保留前导0)，请核对", "must contain digits only (keep leading zeros)"),
    "bad_region": ("error", "行政区划代码应为6位数字(GB/T 2260)", "region code must be 6 digits (GB/T 2260)"),
    "excel_sci_notation_code": ("error", "编号显示为科学计数法，已被Excel转换为数字，末位无法恢复。请将该列设为“文本”格式后从源系统重新导出",
                                "the number is in scientific notation: Excel converted it and lost digits. "
                                "Set the column to Text and export again from the source system"),
    "date_format": ("normalised", "日期格式已统一为YYYY-MM-DD", "date rewritten as YYYY-MM-DD"),
    "excel_serial_date": ("normalised", "Excel日期序列号已转换为日期", "Excel serial date converted"),
    "number_format": ("normalised", "数值中的千分位、单位或全角字符已去除", "separators, units or full-width digits removed"),
    "text_format": ("normalised", "全角字符或多余空格已规范化", "full-width characters or spaces normalised"),
    "enum_synonym": ("normalised", "取值已按同义词统一", "value mapped to its standard term"),
    "list_format": ("normalised", "列表分隔符已统一为;", "list separators unified to ';'"),
}

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[ T]+(\d{1,2})[:时](\d{1,2})(?:[:分](\d{1,2})(?:\.\d+)?秒?)?)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?$")
_SERIAL = re.compile(r"^\d{5}(?:\.\d+)?$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ISO_DT = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
_SCI = re.compile(r"^[+-]?\d+(?:\.\d*)?[eE][+-]?\d+$")
_NUM_JUNK = re.compile(r"[,，\s元¥￥]")
_LIST_SEP = re.compile(r"[;；,，、/\s]+")

SYNONYMS = {
    "身份证": "居民身份证", "二代身份证": "居民身份证", "居民身份证号": "居民身份证",
    "y": "是", "yes": "是", "1": "是", "有": "是", "true": "是",
    "n": "否", "no": "否", "0": "否", "无": "否", "false": "否",
}


def parse_datetime(raw: str, with_time: bool) -> tuple[dt.datetime | dt.date | None, str]:
    s = unicodedata.normalize("NFKC", raw).strip()
    if not s:
        return None, "empty"
    if _SERIAL.match(s):
        serial = float(s)
        if 20000 <= serial <= 80000:
            day = EXCEL_EPOCH + dt.timedelta(days=int(serial))
            if with_time:
                secs = round((serial - int(serial)) * 86400)
                return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=secs), "excel_serial_date"
            return day, "excel_serial_date"
        return None, "bad_date"
    m = _DATE.match(s) or _COMPACT.match(s)
    if not m:
        return None, "bad_date"
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in m.groups())
    try:
        value = dt.datetime(y, mo, d, hh, mi, ss)
    except ValueError:
        return None, "bad_date"
    if with_time:
        code = "ok" if _ISO_DT.match(s) or _ISO_DATE.match(s) else "date_format"
        return value, code
    code = "ok" if _ISO_DATE.match(s) else "date_format"
    if code == "date_format" and _ISO_DT.match(s) and not (hh or mi or ss):
        code = "date_format"
    return value.date(), code


def parse_number(raw: str, integer: bool, lo: float | None, hi: float | None) -> tuple[float | int | None, str]:
    s = raw.strip()
    if not s:
        return None, "empty"
    t = _NUM_JUNK.sub("", unicodedata.normalize("NFKC", s))
    try:
        v = float(t)
    except ValueError:
        return None, "bad_number"
    if v != v or v in (float("inf"), float("-inf")):
        return None, "bad_number"
    if v < 0:
        return None, "negative"
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        return None, "out_of_range"
    if integer:
        if not float(v).is_integer():
            return None, "not_integer"
        v = int(v)
    return v, ("ok" if t == s else "number_format")


def parse_text(raw: str) -> tuple[str | None, str]:
    s = normalize_text(raw)
    if not s:
        return None, "empty"
    return s, ("ok" if s == raw.strip() else "text_format")


def parse_code(raw: str, check: str | None) -> tuple[str | None, str]:
    nfkc = unicodedata.normalize("NFKC", raw)
    s = re.sub(r"\s+", "", nfkc)
    if not s:
        return None, "empty"
    if _SCI.match(s):
        return None, "excel_sci_notation_code"
    if check == "digits" and not s.isdigit():
        return None, "bad_code_digits"
    if check == "region6" and not (len(s) == 6 and s.isdigit()):
        return None, "bad_region"
    return s, ("ok" if s == raw.strip() else "text_format")


def parse_enum(raw: str, allowed: tuple[str, ...], extra: dict[str, str] | None = None) -> tuple[str | None, str]:
    s = normalize_text(raw)
    if not s:
        return None, "empty"
    if extra and s in extra:
        s2 = extra[s]
        return (s2, "enum_synonym") if s2 in allowed else (None, "bad_enum")
    if s in allowed:
        return s, ("ok" if s == raw.strip() else "text_format")
    syn = SYNONYMS.get(s.lower())
    if syn in allowed:
        return syn, "enum_synonym"
    return None, "bad_enum"


def parse_list(raw: str) -> tuple[str | None, str]:
    s = unicodedata.normalize("NFKC", raw).strip()
    if not s:
        return None, "empty"
    items = [x for x in _LIST_SEP.split(s) if x]
    if any(_SCI.match(x) for x in items):
        return None, "excel_sci_notation_code"
    joined = ";".join(items)
    return joined, ("ok" if joined == raw.strip() else "list_format")
