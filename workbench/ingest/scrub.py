"""Mask identifiers inside free text (自由文本脱敏): descriptions, bases, remarks.

Companies write prose into a few columns (线索描述, 认定依据, 备注 …) and it often names
people: "委托代理人廖福强代理5起案件", "受益人王静月非近亲属".  Before such text is
stored, three passes mask what can be recognised:

1. the row's own identifier values (its names, ID numbers, phones, accounts, plates),
   wherever they appear in the text;
2. numbers shaped like ID numbers, bank cards, mobiles and VINs, and licence plates;
3. a 2–3 character name right after a role word (受益人, 代理人, 协保员, 驾驶员 …).

Names with no role word and not in the row's own fields cannot be recognised; the template's
note asks companies to write roles, not names, and the receipt says how many texts were changed.
"""

from __future__ import annotations

import re

from ..protect import mask

ROLE_WORDS = ("被保险人", "投保人", "受益人", "领款人", "委托代理人", "代理人", "协保员", "村干部", "驾驶员",
              "驾驶人", "伤者", "车主", "中介", "黄牛", "业务员", "经办人", "组织者", "户主", "死者", "患者",
              "联系人", "报案人", "申请人", "监护人", "收款人", "当事人")
#: Characters that end a name: particles and counters that follow a name in these texts.
_NOT_NAME = "的在于与和及非是为等共向从对被已未不均所个户名位次起件家辆笔赔款账号称系将把让给由"
_ROLE_NAME = re.compile(
    "(" + "|".join(sorted(ROLE_WORDS, key=len, reverse=True)) + ")"
    + rf"([\u4e00-\u9fff](?:(?![{_NOT_NAME}])[\u4e00-\u9fff]){{1,2}})"
)
_PATTERNS = (
    (re.compile(r"(?<![0-9A-Za-z])[0-9]{17}[0-9Xx](?![0-9A-Za-z])"), "id_number"),
    (re.compile(r"(?<![0-9])[0-9]{15}(?![0-9])"), "id_number"),
    (re.compile(r"(?<![0-9])62[0-9]{14,17}(?![0-9])"), "bank_card"),
    (re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"), "phone"),
    (re.compile(r"(?<![0-9A-Z])[A-HJ-NPR-Z0-9]{17}(?![0-9A-Z])"), "vin"),
    (re.compile(r"[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-HJ-NP-Z][A-HJ-NP-Z0-9]{5,6}"), "plate"),
)


#: Numbers written in groups (139 1234 5678, 6222-0212-3456-7890, 220102 19900101 1239): masked when
#: the digits, joined, have the shape of a mobile, an ID number or a bank card; dates stay.
_GROUPED = re.compile(r"(?<![0-9A-Za-z])[0-9]{2,8}(?:[ \-][0-9]{2,8}){1,5}[Xx]?(?![0-9A-Za-z])")
#: What is left of a rejected value that may still be a personal identifier: a run of 9 or more
#: digits (an account of another bank, a landline), a lone 2–3 character Chinese word (a name).
_LONG_DIGITS = re.compile(r"(?<![0-9])[0-9]{9,}(?![0-9])")
_LONE_NAME = re.compile(r"(?<![\u4e00-\u9fff])[\u4e00-\u9fff]{2,3}(?![\u4e00-\u9fff])")


def _grouped(m: re.Match) -> str:
    digits = re.sub(r"[ \-]", "", m.group(0)).upper()
    if re.fullmatch(r"861[3-9][0-9]{9}", digits):  # +86 137 1111 2222 (the '+' stays outside)
        return "86" + (mask("phone", digits[2:]) or "*")
    if re.fullmatch(r"1[3-9][0-9]{9}|0[1-9][0-9]{8,10}", digits):  # a mobile, a landline 0431-84381650
        return mask("phone", digits) or "*"
    if re.fullmatch(r"[0-9]{17}[0-9X]|[0-9]{15}", digits):
        return mask("id_number", digits) or "*"
    if re.fullmatch(r"[0-9]{16,19}", digits):
        return mask("bank_card", digits) or "*"
    return m.group(0)


def scrub(text: str, known: list[tuple[str, str]], roles: bool = True) -> str:
    """``text`` with identifiers masked; ``known`` = (identifier type, raw value) of the row;
    ``roles``: a 2–3 character word after a role word is a name (not in headers: 经办人手机)."""
    out = text
    for id_type, value in sorted(known, key=lambda kv: -len(kv[1] or "")):
        if value and len(value) >= 2 and value in out:
            out = out.replace(value, mask(id_type, value) or "*")
    for pattern, id_type in _PATTERNS:
        out = pattern.sub(lambda m, t=id_type: mask(t, m.group(0).upper()) or "*", out)
    out = _GROUPED.sub(_grouped, out)
    return _ROLE_NAME.sub(lambda m: m.group(1) + (mask("name", m.group(2)) or "*"), out) if roles else out


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")


def shown(value: str, allowed: tuple[str, ...] | frozenset[str] = (), code: bool = False,
          headers: bool = False) -> str:
    """A rejected value as the receipt and ``rejects`` may show it (问题值): identifiers masked.

    A value in the wrong column is often an identifier — an ID number in the policy line, a name and
    mobile in the loss type, an account in the amount — so beyond :func:`scrub`'s patterns, any run
    of 9 or more digits and any lone 2–3 character Chinese word (a name) are masked too, unless the
    word is (part of) one of the field's ``allowed`` values. The clerk still sees
    the value's shape and the reason; a wrong category word of four or more characters stays whole.
    ``code``: the column holds codes (公司代码), where no Chinese belongs — a footer row there
    (制表人黄萍电话…) has its spaces removed and its name glued to other words, so every run of
    Chinese characters is masked after its first. ``headers``: the value is a header cell, where a
    role word followed by a word (经办人手机) is a column name, not a person.
    """
    out = scrub(value, [], roles=not headers)
    out = _LONG_DIGITS.sub(lambda m: mask("bank_card", m.group(0)) or "*", out)
    if code:
        return _CJK_RUN.sub(lambda m: m.group(0)[0] + "*" * (len(m.group(0)) - 1), out)
    return _LONE_NAME.sub(
        lambda m: m.group(0) if any(m.group(0) in a for a in allowed) else (mask("name", m.group(0)) or "*"), out)
