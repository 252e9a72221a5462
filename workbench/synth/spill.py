"""Background tables kept on disk until they are written (落盘暂存的背景表).

Why: at ``province`` scale the honest background alone (12 million A&H policies, 6 million auto
policies, …) is about 15 GiB in memory, and holding every table until the files are written
needed more than this 24 GiB machine has. The largest tables are not needed again before
writing — no planter or form reads them — so right after they are built they go to disk, one
parquet file per company, and come back one company at a time when that company's file is
written. Planted rows appended later are kept beside them in memory (a few hundred rows).

The rows a company's file receives are the same, in the same order, as from the table in memory,
so the generated province does not depend on whether its tables were spilled.
"""

from __future__ import annotations

import gc
from pathlib import Path

import pandas as pd
import pyarrow as pa

from .tables import concat


class SpilledTable:
    """One generated table on disk, by company, plus rows planted after it was spilled."""

    def __init__(self, df: pd.DataFrame, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.columns = list(df.columns)
        self.background_rows = len(df)
        self.companies: list[str] = []
        for code, idx in df.groupby("company_code", sort=True).indices.items():
            part = df.take(idx)  # positions in table order
            part.reset_index(drop=True).to_parquet(folder / f"{code}.parquet", index=False)
            self.companies.append(code)
        self.extra = df.iloc[:0].copy()

    def __len__(self) -> int:
        return self.background_rows + len(self.extra)

    def append(self, planted: pd.DataFrame) -> None:
        """Rows added after spilling (planted scenarios, negatives)."""
        self.extra = concat([self.extra, planted]) if len(self.extra) else planted.reset_index(drop=True)

    def company(self, code: str) -> pd.DataFrame:
        """The company's rows: its background rows in their order, then its planted rows."""
        parts = []
        if code in self.companies:
            # text comes back as the same Arrow-backed ``str`` dtype, numbers as float
            parts.append(pd.read_parquet(self.folder / f"{code}.parquet")[self.columns])
        if len(self.extra):
            mine = self.extra[self.extra["company_code"] == code]
            if len(mine):
                parts.append(mine[self.columns])
        return concat(parts) if parts else self.extra.iloc[:0]


def spill(tables: dict, kinds: tuple[str, ...], folder: Path) -> None:
    """Replace ``tables[kind]`` by a :class:`SpilledTable` for each kind, freeing the memory."""
    for kind in kinds:
        df = tables.get(kind)
        if isinstance(df, pd.DataFrame) and len(df):
            tables[kind] = SpilledTable(df, folder / kind)
            del df
    gc.collect()
    pa.default_memory_pool().release_unused()
