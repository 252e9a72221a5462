"""Generated docs and DDL match their declarations (Datasette-style docs test)."""

import re

from workbench.contract import KINDS
from workbench.docs import generated_files
from workbench.warehouse import PROJECT_ROOT


def test_generated_files_are_current():
    for path, text in generated_files().items():
        assert path.exists(), f"{path} missing: run `workbench docs`"
        assert path.read_text(encoding="utf-8") == text, f"{path.name} is stale: run `workbench docs`"


def test_every_kind_is_documented():
    doc = (PROJECT_ROOT / "docs" / "contract.md").read_text(encoding="utf-8")
    for name in KINDS:
        assert f"### `{name}`" in doc


def test_every_config_key_is_documented():
    import tomllib

    raw = tomllib.loads((PROJECT_ROOT / "campaign.toml").read_text(encoding="utf-8"))
    doc = (PROJECT_ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    for section, values in raw.items():
        assert f"[{section}]" in doc or f"[[{section}]]" in doc, section
        if isinstance(values, dict):
            for key in values:
                assert re.search(rf"`{key}`", doc), f"[{section}] {key} undocumented"
