"""A small synthetic warehouse for notebooks and tests (小规模演示仓库).

Parametrized notebooks default to ``outputs/fixture/warehouse.duckdb`` so that
nbmake can run each of them on a fresh clone: when that warehouse is missing it
is built here from the ``small`` synthetic province with a fixed fixture key
(the data is invented; the key protects nothing real).  ``workbench run``
passes the real warehouse instead.
"""

from __future__ import annotations

import fcntl
import hashlib
from pathlib import Path

from .config import Campaign
from .protect import Tokenizer
from .warehouse import PROJECT_ROOT

FIXTURE_DIR = PROJECT_ROOT / "outputs" / "fixture"
FIXTURE_WAREHOUSE = FIXTURE_DIR / "warehouse.duckdb"
FIXTURE_KEY = hashlib.sha256(b"workbench fixture key - synthetic data only").digest()
FIXTURE_SEED = 7


def ensure_fixture(campaign: Campaign, path: Path = FIXTURE_WAREHOUSE, scale: str = "small") -> Path:
    """Build the fixture warehouse (synth + ingest) unless it exists; safe across processes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():  # built by an earlier version: brought forward to the current schema
            from .warehouse import connect

            connect(path).close()
            return path
        from .ingest import ingest_paths
        from .synth import generate

        province = path.parent / "province"
        generate(province, seed=FIXTURE_SEED, scale=scale)
        tmp = path.with_suffix(".building")
        if tmp.exists():
            tmp.unlink()
        ingest_paths([province / "submissions"], campaign, warehouse=tmp, tokenizer=Tokenizer(FIXTURE_KEY),
                     receipts_dir=path.parent / "receipts")
        tmp.rename(path)
    return path
