"""``workbench dashboard [NAME]``: serve a Voilà dashboard on localhost (see workbench/dashboard.py)."""

from __future__ import annotations

from pathlib import Path

from .cli import _EXTENSIONS, _campaign


def cmd_dashboard(args) -> int:
    """Serve a Voilà dashboard on localhost with the warehouse opened read-only (看板)."""
    from .dashboard import plan, serve

    campaign = _campaign(args)
    server = plan(
        args.name,
        campaign,
        warehouse=Path(args.warehouse) if args.warehouse else None,
        store=Path(args.store) if args.store else None,
        port=args.port,
        query_timeout=args.query_timeout,
    )
    return serve(server)


def register(sub) -> None:
    from .dashboard import DASHBOARDS

    names = ", ".join(f"{k} ({zh})" for k, (zh, _) in DASHBOARDS.items())
    p = sub.add_parser(
        "dashboard",
        help="serve a Voilà dashboard on localhost (看板)",
        description=f"{cmd_dashboard.__doc__} Dashboards: {names}.",
    )
    p.add_argument(
        "name",
        nargs="?",
        default="seminar",
        choices=list(DASHBOARDS),
        help="which dashboard (default seminar)",
    )
    p.add_argument("--warehouse", help="DuckDB warehouse (default: [paths] warehouse)")
    p.add_argument(
        "--store",
        help="lifecycle store for verdicts (default: lifecycle.sqlite beside the warehouse)",
    )
    p.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    p.add_argument(
        "--query-timeout",
        type=float,
        default=20.0,
        help="seconds an interactive query may run before it is stopped (default 20)",
    )
    p.set_defaults(func=cmd_dashboard)


_EXTENSIONS.append(register)
