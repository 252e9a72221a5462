"""Blank Excel templates: headers, notes row, text-formatted identifiers, dropdowns."""

import openpyxl
import pytest

from workbench.contract import KINDS
from workbench.templates import LISTS_SHEET, NOTES_MARK, write_template


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    out = tmp_path_factory.mktemp("templates")
    return {name: write_template(name, out) for name in ("ah_policy", "auto_claim", "agri_policy", "clue_feedback")}


@pytest.mark.parametrize("name", ["ah_policy", "auto_claim", "agri_policy", "clue_feedback"])
def test_template_headers_text_format_and_dropdowns(templates, name):
    kind = KINDS[name]
    wb = openpyxl.load_workbook(templates[name])
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == [f.zh for f in kind.fields]
    assert str(ws.cell(row=2, column=1).value).startswith(NOTES_MARK)
    for i, f in enumerate(kind.fields, start=1):
        cell = ws.cell(row=3, column=i)
        if f.identifier or f.type == "code":
            assert cell.number_format == "@", f"{f.name} must be text-formatted"
    # every enum column has a list validation pointing into the hidden lists sheet
    validations = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            validations[rng.min_col] = dv
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    for i, f in enumerate(kind.fields, start=1):
        if f.allowed:
            dv = validations[i]
            assert dv.type == "list"
            col = dv.formula1.split("!")[1].split(":")[0].replace("$", "")
            letters = "".join(ch for ch in col if ch.isalpha())
            values = [c.value for c in lists[letters][1:] if c.value is not None]
            assert tuple(values) == f.allowed


def test_feedback_template_dropdown_has_the_three_conclusions(templates):
    wb = openpyxl.load_workbook(templates["clue_feedback"])
    lists = wb[LISTS_SHEET]
    found = [[c.value for c in col] for col in lists.iter_cols()]
    assert ["conclusion", "确认欺诈", "排除欺诈", "核查中"] in found
