"""What a public dataset is, and how it comes through the warehouse door (公开数据集的入库).

A public dataset arrives in its publisher's shape, not ours.  Bringing it in takes two steps,
both declared, neither touching the ingest internals:

1. **staging** (整理): one DuckDB ``SELECT`` per contract kind over the raw files, keeping the
   dataset's own column names where a column passes unchanged and adding columns marked
   ``(derived)`` or ``(surrogate)`` where a value has to be computed (a date from month, week and
   weekday; a policy start from a day band).  The label column is never selected.  Staged files
   are written to a temporary folder beside the warehouse and deleted after loading, so raw
   identifiers exist on disk only where the publisher put them;
2. **ingest** (入库) through :func:`workbench.ingest.ingest_paths` with the dataset's
   column-mapping profile for that kind (``profiles/public/<dataset>/<kind>.yaml``: header →
   field, value translations, defaults, and in ``notes`` what cannot be derived).  Validation,
   normalisation, tokenization and masking are the same as for any insurer's file.

Labels are read by a separate query (:meth:`PublicDataset.labels`) straight from the raw files
into memory; they never enter a staged file or the warehouse.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from ..config import Campaign
from ..errors import WorkbenchError
from ..protect import Tokenizer
from ..warehouse import PROJECT_ROOT

log = logging.getLogger(__name__)

#: Column-mapping profiles of the public datasets: ``profiles/public/<dataset>/<kind>.yaml``.
PROFILES_DIR = PROJECT_ROOT / "profiles" / "public"

#: Where the public datasets live unless ``--data`` says otherwise (beside the project).
DEFAULT_DATA_ROOT = PROJECT_ROOT.parent / "shared" / "data" / "public"


@dataclass(frozen=True)
class Source:
    """One raw file of a dataset: a view name, a file-name pattern, and how to read it."""

    view: str
    pattern: str  # glob within the dataset folder; exactly one file must match
    null_string: str | None = None  # e.g. 'NA' for R's write.csv


@dataclass(frozen=True)
class Stage:
    """The staged file for one contract kind: a SELECT over the source views.

    The SELECT's column names are the headers the kind's profile maps."""

    kind: str
    sql: str


@dataclass(frozen=True)
class PublicDataset:
    """A public dataset: its files, how they map into the contract, and how it is judged."""

    name: str
    zh: str
    en: str
    folder: str  # sub-folder of the data root
    sources: tuple[Source, ...]
    company: str  # company code its rows carry (one publisher = one "company")
    window: tuple[dt.date, dt.date]  # its data window (the campaign window for its warehouse)
    stages: tuple[Stage, ...]
    labels_sql: str  # SELECT key, label (1 = fraud) over the source views
    level: str  # 'claim' or 'provider': what a label belongs to
    province_rules: tuple[str, ...]  # rules of sql/rules/ that apply to this data
    public_lines: tuple[str, ...]  # lines of sql/rules_public/ to run
    grids: dict[str, dict[str, list]] = field(
        default_factory=dict
    )  # rule -> param -> values to try
    prepare: Callable[[duckdb.DuckDBPyConnection], None] | None = None  # extra staging step

    def profile_path(self, kind: str) -> Path:
        return PROFILES_DIR / self.name / f"{kind}.yaml"

    def data_dir(self, root: str | Path | None = None) -> Path:
        return Path(root or DEFAULT_DATA_ROOT) / self.folder

    # --- reading -----------------------------------------------------------------------------

    def open_sources(self, data_dir: Path) -> duckdb.DuckDBPyConnection:
        """An in-memory DuckDB with one view per raw file (all columns as text)."""
        if not data_dir.is_dir():
            raise WorkbenchError(
                f"找不到公开数据集目录 {data_dir}，请用 --data 指定公开数据所在目录 / "
                f"dataset folder not found: {data_dir}; pass --data with the folder holding '{self.folder}/'"
            )
        con = duckdb.connect()
        for src in self.sources:
            found = sorted(data_dir.glob(src.pattern))
            if len(found) != 1:
                con.close()
                raise WorkbenchError(
                    f"{data_dir} 中应恰有一个文件匹配 {src.pattern}，实际 {len(found)} 个 / expected exactly one "
                    f"file matching {src.pattern} in {data_dir}, found {len(found)}"
                )
            path = str(found[0]).replace("'", "''")
            opts = "header = true, all_varchar = true"
            if src.null_string is not None:
                opts += ", nullstr = '" + src.null_string.replace("'", "''") + "'"
            con.execute(f"CREATE VIEW {src.view} AS SELECT * FROM read_csv('{path}', {opts})")
        return con

    def labels(self, data_dir: Path) -> pd.DataFrame:
        """The labels (key, label 0/1), read beside the data, never loaded into the warehouse."""
        con = self.open_sources(data_dir)
        try:
            df = con.execute(self.labels_sql).df()
        finally:
            con.close()
        df["key"] = df["key"].astype(str)
        df["label"] = df["label"].astype(int)
        return df

    def stage(self, data_dir: Path, out_dir: Path) -> dict[str, Path]:
        """Write one staged CSV per kind into ``out_dir``; return kind → file."""
        con = self.open_sources(data_dir)
        files = {}
        try:
            if self.prepare is not None:
                self.prepare(con)
            for st in self.stages:
                path = out_dir / f"{st.kind}.csv"
                target = str(path).replace("'", "''")
                con.execute(f"COPY ({st.sql}) TO '{target}' (HEADER, DELIMITER ',')")
                files[st.kind] = path
        finally:
            con.close()
        return files


def public_campaign(campaign: Campaign, dataset: PublicDataset, out_dir: Path) -> Campaign:
    """The campaign settings for a dataset's own warehouse: its data window and its folder."""
    start, end = dataset.window
    return dataclasses.replace(
        campaign,
        window_start=start,
        window_end=end,
        output_dir=out_dir,
        warehouse=out_dir / "warehouse.duckdb",
    )


@dataclass
class LoadSummary:
    """What the ingest of a dataset did, per kind (for the report)."""

    rows: pd.DataFrame  # kind, rows_read, rows_loaded, rows_rejected, rows_warned
    rejects: pd.DataFrame  # kind, field, code, reason_zh, reason_en, rows
    seconds: float


def ingest_dataset(
    dataset: PublicDataset,
    data_dir: Path,
    con: duckdb.DuckDBPyConnection,
    campaign: Campaign,
    tokenizer: Tokenizer,
) -> LoadSummary:
    """Stage the dataset and load every staged file through the ingest door with its profile."""
    from ..ingest import ingest_paths

    started = dt.datetime.now()
    results = []
    campaign.output_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="_staging_", dir=campaign.output_dir) as tmp:
        staged = dataset.stage(data_dir, Path(tmp))
        for kind, path in staged.items():
            report = ingest_paths(
                [path],
                campaign,
                con=con,
                kind=kind,
                company=dataset.company if kind != "public_beneficiary" else None,
                profile=dataset.profile_path(kind),
                receipts_dir=False,
                tokenizer=tokenizer,
                jobs=1,
            )
            for r in report.results:
                if r.status == "failed":
                    raise WorkbenchError(
                        f"公开数据集 {dataset.name} 的 {kind} 未能入库：{r.message_zh} / {kind} of {dataset.name} "
                        f"was not loaded: {r.message_en}"
                    )
                results.append(r)
    rows = pd.DataFrame(
        [
            dict(
                kind=r.kind,
                rows_read=r.rows_read,
                rows_loaded=r.rows_loaded,
                rows_rejected=r.rows_rejected,
                rows_warned=r.rows_warned,
            )
            for r in results
        ]
    )
    rejects = con.execute(
        "SELECT kind, field, code, min(reason_zh) AS reason_zh, min(reason_en) AS reason_en, "
        "count(DISTINCT row) AS rows FROM rejects GROUP BY kind, field, code ORDER BY kind, field, code"
    ).df()
    return LoadSummary(rows, rejects, (dt.datetime.now() - started).total_seconds())
