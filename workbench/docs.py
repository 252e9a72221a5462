"""Docs generated from declarations (生成文档): the data contract page and the contract DDL.

``workbench docs`` rewrites them; ``tests/test_docs.py`` fails when a file on
disk differs from what would be generated, so the docs cannot drift.
"""

from __future__ import annotations

from pathlib import Path

from .contract import GROUPS, IDENTIFIER_TYPES, KINDS, TYPES, Kind
from .schema import generated_ddl
from .warehouse import GENERATED_DDL, PROJECT_ROOT

CONTRACT_MD = PROJECT_ROOT / "docs" / "contract.md"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def kind_section(kind: Kind) -> str:
    lines = [f"### `{kind.name}` — {kind.zh}", "", f"{kind.en}. {kind.description}", ""]
    facts = [f"natural key (重复判定): `{', '.join(kind.key)}`"]
    if kind.window_field:
        facts.append(f"date window (期间): `{kind.window_field}` within the **{kind.window}** window of `campaign.toml`")
    if kind.file_hints:
        facts.append("same headers as its twin; chosen when the file name contains one of: "
                     + ", ".join(f"`{h}`" for h in kind.file_hints))
    for c in kind.checks:
        facts.append(f"check: `{c.left}` ≤ `{c.right}` — {c.zh} ({c.en})")
    lines += [f"- {x}" for x in facts] + [""]
    lines.append("| 表头 header | field | type | required | allowed values / range | identifier |")
    lines.append("|---|---|---|---|---|---|")
    for f in kind.fields:
        allowed = "、".join(f.allowed) if f.allowed else ""
        if f.min is not None or f.max is not None:
            allowed = f"{f.min if f.min is not None else ''}–{f.max if f.max is not None else ''}"
        if f.check:
            allowed = (allowed + " " if allowed else "") + f"format: {f.check}"
        ident = IDENTIFIER_TYPES[f.identifier] if f.identifier else ""
        lines.append(
            f"| {_cell(f.zh)} | `{f.name}` | {f.type} | {'是 yes' if f.required else ''} | {_cell(allowed)} | {ident} |"
        )
    return "\n".join(lines) + "\n"


def contract_markdown() -> str:
    out = [
        "# Data contract (数据规范)",
        "",
        "Generated from `workbench/contract.py` by `workbench docs`; do not edit by hand.",
        "A test fails when this page and the code disagree.",
        "",
        "Every identifier field is tokenized (keyed HMAC-SHA256, per-type prefix) and masked at ingest;",
        "the warehouse holds `<field>_token`, `<field>_key` (the token's 60-bit entity key, 实体键, which",
        "rules group on) and `<field>_mask` instead (ID numbers also `_birth`, `_gender`, `_region`).",
        "Headers are matched in Chinese or English; a column-mapping profile maps other headers.",
        "",
        "## Types",
        "",
        *[f"- `{k}`: {v}" for k, v in TYPES.items()],
        "",
        "## Identifier types (个人身份信息)",
        "",
        *[f"- `{k}`: {v}" for k, v in IDENTIFIER_TYPES.items()],
        "",
    ]
    for group, title in GROUPS.items():
        out += [f"## {title}", ""]
        for kind in KINDS.values():
            if kind.group == group:
                out.append(kind_section(kind))
    return "\n".join(out)


def generated_files() -> dict[Path, str]:
    return {CONTRACT_MD: contract_markdown(), GENERATED_DDL: generated_ddl()}


def write_docs() -> list[Path]:
    written = []
    for path, text in generated_files().items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
