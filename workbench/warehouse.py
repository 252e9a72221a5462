"""The DuckDB warehouse (数据仓库): open it, and migrate it forward.

DDL lives in ``sql/ddl/V###__name.sql`` files applied in order; the versions
applied are recorded in ``schema_migrations`` so an existing warehouse is
brought forward by applying only what it lacks.  ``V002__tables.sql`` is
generated from the data contract (see :mod:`workbench.schema`).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb

from .errors import WorkbenchError

log = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
DDL_DIR = SQL_DIR / "ddl"
GENERATED_DDL = DDL_DIR / "V002__tables.sql"
_VERSION = re.compile(r"^V(\d{3})__([a-z0-9_]+)\.sql$")


def migrations() -> list[tuple[int, str, Path]]:
    """All DDL files, in version order."""
    found = []
    for path in sorted(DDL_DIR.glob("V*.sql")):
        m = _VERSION.match(path.name)
        if not m:
            raise WorkbenchError(f"DDL 文件名不合规范 / badly named DDL file: {path.name} (want V001__name.sql)")
        found.append((int(m.group(1)), m.group(2), path))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise WorkbenchError(f"DDL 版本号重复 / duplicate DDL versions in {DDL_DIR}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply every DDL file the warehouse lacks; return the names applied."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR, "
        "applied_at TIMESTAMP DEFAULT current_timestamp)"
    )
    done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()}
    applied = []
    for version, name, path in migrations():
        if version in done:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(path.read_text(encoding="utf-8"))
            con.execute("INSERT INTO schema_migrations (version, name) VALUES (?, ?)", [version, name])
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        log.info("applied migration %s", path.name)
        applied.append(path.name)
    return applied


def connect(path: str | Path, read_only: bool = False, migrate_schema: bool = True) -> duckdb.DuckDBPyConnection:
    """Open (and, unless read-only, migrate) the warehouse at ``path``."""
    path = Path(path)
    if read_only:
        if not path.exists():
            raise WorkbenchError(
                f"数据仓库不存在：{path}，请先运行 workbench ingest / warehouse not found: {path}; run workbench ingest first"
            )
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(path))
    if migrate_schema:
        migrate(con)
    return con


def table_counts(con: duckdb.DuckDBPyConnection, tables: list[str]) -> dict[str, int]:
    """Row count of each table (for summaries)."""
    return {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
