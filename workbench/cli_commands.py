"""Subcommands of the later steps of the flow (ingest, screening, …), registered on the CLI."""

from __future__ import annotations

from pathlib import Path

from .cli import _EXTENSIONS, _campaign


def cmd_ingest(args) -> int:
    """Load submitted files or folders into the desensitized warehouse (入库)."""
    from .ingest import ingest_paths

    campaign = _campaign(args)
    report = ingest_paths(args.paths, campaign, warehouse=Path(args.warehouse) if args.warehouse else None,
                          kind=args.kind, company=args.company, profile=args.profile,
                          receipts_dir=Path(args.receipts) if args.receipts else None)
    print(report.to_text())
    return 1 if args.strict and report.totals()["files_failed"] else 0


def cmd_feedback(args) -> int:
    """Import the clue workbooks companies return (反馈导入): conclusions, amounts, referrals."""
    import duckdb

    from .feedback import import_feedback
    from .ingest.load import list_files
    from .lifecycle import LifecycleStore, default_store_path

    campaign = _campaign(args)
    warehouse = Path(args.warehouse) if args.warehouse else campaign.warehouse
    store = LifecycleStore(default_store_path(warehouse))
    con = duckdb.connect(str(warehouse), read_only=True)
    failed = 0
    for path in list_files(args.paths):
        r = import_feedback(path, con, store, campaign, actor=args.actor or campaign.operator or "未配置",
                            company=args.company)
        failed += bool(r.failed or r.errors)
        print(r.to_text())
    return 1 if failed and args.strict else 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="load submissions into the warehouse (入库)", description=cmd_ingest.__doc__)
    p.add_argument("paths", nargs="+", help="files or folders (a company's submission, a wave)")
    p.add_argument("--kind", help="contract kind for all files (default: recognised from the headers)")
    p.add_argument("--company", help="company code for all files (default: from the 公司代码 column)")
    p.add_argument("--profile", help="column-mapping profile (YAML) for insurer-specific headers")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.add_argument("--receipts", help="folder for per-company receipts (default: outputs/receipts)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any file failed to load")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("feedback", help="import returned clue workbooks (反馈导入)", description=cmd_feedback.__doc__)
    p.add_argument("paths", nargs="+", help="returned workbooks or folders of them")
    p.add_argument("--company", help="company code (default: from the 公司代码 column)")
    p.add_argument("--actor", help="who imports (default: [campaign] operator)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.add_argument("--strict", action="store_true", help="exit 1 when any row or file was rejected")
    p.set_defaults(func=cmd_feedback)


_EXTENSIONS.append(register)
