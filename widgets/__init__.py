"""Shared ipywidgets components (共享组件) for the analyst notebooks and the Voilà dashboards.

* :class:`ClueBrowser` — filter, sort and page through clues (线索浏览);
* :class:`ClueDetail` — one clue's evidence, records, entities and history (线索详情);
* :class:`EntityView` — entity 360°: one token across all companies (实体360°);
* :class:`RingView` — a ring's graph, members, links and money (团伙视图);
* :class:`VerdictForm` — the panel's verdict, written to the lifecycle store (研判结论);
* :class:`SeminarApp`, :class:`ProgressDashboard`, :class:`TrendsDashboard` — the three dashboards.

All of them take a :class:`Workbench` (read-only warehouse, lifecycle store, query time limit)
from :func:`open_workbench`; see ``docs/dashboards.md``.
"""

from .browser import ClueBrowser
from .data import (
    DEFAULT_TIMEOUT,
    STORE_ENV,
    TIMEOUT_ENV,
    WAREHOUSE_ENV,
    QueryTimeout,
    Workbench,
    ensure_screened_fixture,
    open_workbench,
    resolve_warehouse,
)
from .detail import ClueDetail
from .entity import EntityView
from .progress import ProgressDashboard
from .queries import ClueFilters
from .ring import RingView
from .seminar import SeminarApp
from .trends import TrendsDashboard
from .verdict import VerdictForm

__all__ = [
    "DEFAULT_TIMEOUT",
    "STORE_ENV",
    "TIMEOUT_ENV",
    "WAREHOUSE_ENV",
    "ClueBrowser",
    "ClueDetail",
    "ClueFilters",
    "EntityView",
    "ProgressDashboard",
    "QueryTimeout",
    "RingView",
    "SeminarApp",
    "TrendsDashboard",
    "VerdictForm",
    "Workbench",
    "ensure_screened_fixture",
    "open_workbench",
    "resolve_warehouse",
]
