"""The data contract is declared once and consistent (数据规范自检)."""

import re

import pytest

from workbench.contract import COMPANY_FIELD, IDENTIFIER_TYPES, KINDS, SQL_TYPES_OK, TYPES, get_kind
from workbench.errors import ContractError

# Field names that, by their meaning, hold personal identifiers and must be marked as such.
PERSONAL = re.compile(r"(_id$|_phone$|^phone$|^mobile$|office_phone|account$|^plate$|_plate$|^vin$|^email$)")
PERSON_ROLES = ("policyholder", "insured", "beneficiary", "payee", "owner", "driver", "injured", "farmer",
                "assistant", "agent", "representative", "person", "contact")


def test_every_kind_has_the_upload_kinds_the_campaign_needs():
    for name in ("ah_policy", "ah_claim", "medical_receipt", "auto_policy", "auto_claim", "agri_policy",
                 "agri_claim", "land_roster", "disaster_event", "platform_clue_auto", "platform_clue_agri",
                 "att3_clue", "att4_person", "att5_clue", "att6_person", "att7_contact", "clue_feedback"):
        assert name in KINDS


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda k: k.name)
def test_personal_fields_are_marked_as_identifiers(kind):
    for f in kind.fields:
        if f.name in ("clue_id", "platform_clue_id"):
            continue
        is_person_name = f.name.endswith("_name") and f.name.split("_")[0] in PERSON_ROLES
        if PERSONAL.search(f.name) or is_person_name:
            assert f.identifier in IDENTIFIER_TYPES, f"{kind.name}.{f.name} must be an identifier"
        if f.identifier:
            assert f.identifier in IDENTIFIER_TYPES


def test_kinds_with_people_mark_identifiers():
    # Every kind that carries a person has at least one identifier field marked.
    for kind in KINDS.values():
        if any(f.name.split("_")[0] in PERSON_ROLES for f in kind.fields):
            assert kind.identifiers, kind.name


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda k: k.name)
def test_headers_unique_and_well_formed(kind):
    zh = [f.zh for f in kind.fields]
    assert len(zh) == len(set(zh)), f"duplicate Chinese header in {kind.name}"
    every = [h for f in kind.fields for h in f.headers]
    assert len(every) == len(set(every)), f"a header or alias is ambiguous in {kind.name}"
    names = [f.name for f in kind.fields]
    assert len(names) == len(set(names))
    for f in kind.fields:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", f.name), f.name
        assert re.search(r"[\u4e00-\u9fff]", f.zh), f"{f.name} needs a Chinese header"
        assert f.type in TYPES
        if f.type == "enum":
            assert f.allowed and len(set(f.allowed)) == len(f.allowed)
        else:
            assert not f.allowed


@pytest.mark.parametrize("kind", KINDS.values(), ids=lambda k: k.name)
def test_keys_checks_and_windows_refer_to_real_fields(kind):
    names = set(kind.names)
    assert set(kind.key) <= names
    for c in kind.checks:
        assert {c.left, c.right} <= names
        assert kind.field(c.left).type in SQL_TYPES_OK and kind.field(c.right).type in SQL_TYPES_OK
    if kind.window_field:
        assert kind.field(kind.window_field).type in ("date", "datetime")
        assert kind.window in ("campaign", "review")
    if kind.group == "upload":
        assert COMPANY_FIELD in names and kind.field(COMPANY_FIELD).required


def test_twin_kinds_are_told_apart_by_file_name():
    assert KINDS["ah_claim"].names == KINDS["ah_claim_hist"].names
    assert "2015-2017" in KINDS["ah_claim_hist"].file_hints
    assert KINDS["ah_claim"].window == "campaign" and KINDS["ah_claim_hist"].window == "review"


def test_get_kind_by_english_or_chinese_name():
    assert get_kind("auto_claim").zh == "车险已决赔案数据"
    assert get_kind("车险已决赔案数据").name == "auto_claim"
    with pytest.raises(ContractError, match="未知的数据类型"):
        get_kind("no_such_kind")
