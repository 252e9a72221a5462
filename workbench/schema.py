"""Warehouse tables derived from the data contract (仓库表结构).

Each submission kind becomes one table of the same name.  An identifier field
never becomes a column of its own: it becomes ``<field>_token`` (keyed HMAC,
for matching across companies), ``<field>_key`` (the token's entity key, a 60-bit integer the
rules group and join on faster: :func:`workbench.protect.token_key`) and ``<field>_mask`` (for
display); an ID number
also yields ``<field>_birth``, ``<field>_gender`` and ``<field>_region``
(birth date, sex and the 6-digit region code the rules need, none of which
identifies a person alone).  Every table carries ``_batch_id`` and ``_row``
so each warehouse row can be traced to its file and spreadsheet row.

The generated DDL is written to ``sql/ddl/V001__tables.sql``; a test keeps it
in step with the contract.
"""

from __future__ import annotations

from .contract import KINDS, Field, Kind

SQL_TYPES = {
    "text": "VARCHAR",
    "code": "VARCHAR",
    "enum": "VARCHAR",
    "list": "VARCHAR",
    "date": "DATE",
    "datetime": "TIMESTAMP",
    "amount": "DOUBLE",
    "number": "DOUBLE",
    "int": "BIGINT",
}

LINEAGE_COLUMNS = (("_batch_id", "VARCHAR NOT NULL"), ("_row", "INTEGER NOT NULL"))


def field_columns(f: Field) -> list[tuple[str, str]]:
    """The warehouse columns one contract field becomes."""
    if f.identifier:
        cols = [(f"{f.name}_token", "VARCHAR"), (f"{f.name}_key", "BIGINT"), (f"{f.name}_mask", "VARCHAR")]
        if f.identifier == "id_number":
            cols += [(f"{f.name}_birth", "DATE"), (f"{f.name}_gender", "VARCHAR"), (f"{f.name}_region", "VARCHAR")]
        return cols
    return [(f.name, SQL_TYPES[f.type])]


def table_columns(kind: Kind) -> list[tuple[str, str]]:
    """All columns of a kind's table, lineage first."""
    cols = list(LINEAGE_COLUMNS)
    for f in kind.fields:
        cols += field_columns(f)
    return cols


def create_table_sql(kind: Kind) -> str:
    body = ",\n".join(f"    {name} {typ}" for name, typ in table_columns(kind))
    return f"-- {kind.zh} / {kind.en}\nCREATE TABLE IF NOT EXISTS {kind.name} (\n{body}\n);\n"


def generated_ddl() -> str:
    """The DDL for every contract kind (the content of ``V001__tables.sql``)."""
    head = (
        "-- Generated from workbench/contract.py by `workbench schema --write`. Do not edit by hand:\n"
        "-- change the contract, regenerate, and add a new V00N migration for existing warehouses.\n\n"
    )
    return head + "\n".join(create_table_sql(k) for k in KINDS.values())
