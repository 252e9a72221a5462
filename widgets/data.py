"""Where the widgets get their data (数据连接): a read-only warehouse, the verdict store, a time limit.

Every widget and dashboard receives one :class:`Workbench` and asks it for data through
:meth:`Workbench.query`, which runs the SQL on its own cursor in a worker thread and interrupts
DuckDB when the time limit passes, raising :class:`QueryTimeout` — so a heavy filter on a
province-sized warehouse stops with a visible message instead of freezing a panel's screen.
Parameters are always bound; values are never formatted into SQL.

The warehouse is opened **read-only**: Voilà starts one kernel per visitor and many read-only
processes can share one DuckDB file.  Verdicts go to the lifecycle store (SQLite in WAL mode,
:class:`workbench.lifecycle.LifecycleStore`) beside the warehouse, which many processes can
write at once.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from workbench.config import Campaign
from workbench.dashboard import STORE_ENV, TIMEOUT_ENV, WAREHOUSE_ENV  # noqa: F401  (re-exported)
from workbench.errors import WorkbenchError
from workbench.lifecycle import LifecycleStore, default_store_path
from workbench.warehouse import connect

log = logging.getLogger(__name__)


#: Default time limit of one interactive query (秒 seconds).
DEFAULT_TIMEOUT = 20.0


class QueryTimeout(WorkbenchError):
    """An interactive query ran longer than its time limit and was interrupted (查询超时)."""

    def __init__(self, seconds: float, what: str = ""):
        self.seconds = seconds
        self.what = what
        super().__init__(
            f"查询超时：{what or '查询'}超过 {seconds:g} 秒仍未完成，已中止。请缩小筛选范围后重试。 / "
            f"Query timed out: {what or 'the query'} ran longer than {seconds:g} s and was stopped; "
            f"narrow the filters and try again."
        )


@dataclass
class Workbench:
    """A read-only warehouse connection, the lifecycle store and the query time limit."""

    con: duckdb.DuckDBPyConnection
    store: LifecycleStore
    warehouse: Path
    timeout: float = DEFAULT_TIMEOUT
    campaign: Campaign | None = None
    #: seconds each query took, newest last (for the status line and tests)
    timings: list[tuple[str, float]] = field(default_factory=list)

    def query(
        self,
        sql: str,
        params: dict | list | None = None,
        *,
        what: str = "",
        timeout: float | None = None,
        tables: dict[str, pd.DataFrame] | None = None,
    ) -> pd.DataFrame:
        """Run ``sql`` with bound ``params``; interrupt it after ``timeout`` seconds.

        ``tables`` are DataFrames made visible to this query only under the given names (the
        current lifecycle states, for example).  Raises :class:`QueryTimeout` when the limit is
        hit and :class:`WorkbenchError` when DuckDB refuses the query.
        """

        def work(cur):
            for name, df in (tables or {}).items():
                cur.register(name, df)
            return cur.execute(sql, params).df() if params else cur.execute(sql).df()

        return self.call(work, what=what, timeout=timeout)

    def call(self, fn: Callable, *args, what: str = "", timeout: float | None = None, **kwargs):
        """``fn(cursor, *args, **kwargs)`` under the time limit: for package functions that take a
        DuckDB connection (the report and status figures).  The cursor is interrupted when the
        limit passes and :class:`QueryTimeout` is raised."""
        limit = self.timeout if timeout is None else timeout
        cur = self.con.cursor()
        result: dict = {}

        def work():
            try:
                result["value"] = fn(cur, *args, **kwargs)
            except BaseException as exc:  # handed to the caller's thread below
                result["error"] = exc

        started = time.perf_counter()
        worker = threading.Thread(target=work, name=f"query {what}", daemon=True)
        worker.start()
        worker.join(limit)
        try:
            if worker.is_alive():
                cur.interrupt()
                worker.join(10)
                log.warning("query %s interrupted after %.1fs", what, limit)
                raise QueryTimeout(limit, what)
        finally:
            cur.close()
        self.timings.append((what, time.perf_counter() - started))
        del self.timings[:-50]
        if "error" in result:
            exc = result["error"]
            if isinstance(exc, duckdb.InterruptException):
                raise QueryTimeout(limit, what) from exc
            if isinstance(exc, duckdb.Error):
                raise WorkbenchError(f"查询失败 / query failed ({what}): {exc}") from exc
            raise exc
        return result["value"]

    def close(self) -> None:
        self.con.close()
        self.store.close()


def open_workbench(
    warehouse: str | Path,
    *,
    store_path: str | Path | None = None,
    timeout: float | None = None,
    campaign: Campaign | None = None,
) -> Workbench:
    """Open ``warehouse`` read-only and its lifecycle store (beside it unless ``store_path``)."""
    warehouse = Path(warehouse).resolve()
    con = connect(warehouse, read_only=True)
    store = LifecycleStore(Path(store_path) if store_path else default_store_path(warehouse))
    return Workbench(con, store, warehouse, timeout or DEFAULT_TIMEOUT, campaign)


def has_screening(path: Path) -> bool:
    """Whether the warehouse at ``path`` has a finished screening run (so it holds clues)."""
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WorkbenchError(f"无法打开数据仓库 / cannot open the warehouse {path}: {exc}") from exc
    try:
        return bool(
            con.execute("SELECT count(*) FROM screen_runs WHERE status = 'done'").fetchone()[0]
        )
    except duckdb.CatalogException:
        return False
    finally:
        con.close()


def ensure_screened_fixture(campaign: Campaign, path: Path | None = None) -> Path:
    """The small fixture warehouse (:func:`workbench.fixture.ensure_fixture`) with one screening
    run, so that notebooks and dashboards have clues to show on a fresh clone."""
    from workbench.fixture import FIXTURE_WAREHOUSE, ensure_fixture
    from workbench.screen import screen

    path = ensure_fixture(campaign, path or FIXTURE_WAREHOUSE)
    with open(path.parent / ".screen.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not has_screening(path):
            con = connect(path)
            try:
                log.info("screening the fixture warehouse %s", path)
                screen(con)
            finally:
                con.close()
    return path


def resolve_warehouse(campaign: Campaign, warehouse: str | Path | None = None) -> Path:
    """The warehouse a notebook shows: ``warehouse`` when given, else the campaign's warehouse
    (``make demo``) when it has been screened, else the screened fixture."""
    if warehouse:
        path = Path(warehouse)
        if not path.exists():
            raise WorkbenchError(f"数据仓库不存在 / warehouse not found: {path}")
        return path
    if campaign.warehouse.exists() and has_screening(campaign.warehouse):
        return campaign.warehouse
    return ensure_screened_fixture(campaign)
