"""Subcommands of the later steps of the flow (ingest, screening, …), registered on the CLI."""

from __future__ import annotations

from pathlib import Path

from . import cli_screen  # noqa: F401  (registers screen, rings, evaluate, rules)
from .cli import _EXTENSIONS, _campaign


def cmd_ingest(args) -> int:
    """Load submitted files or folders into the desensitized warehouse (入库).

    A company's file replaces what it sent before of the same kind (重新报送替换); several files of
    one kind in one run add up, and with --append a later run's files add to the earlier ones too.
    A file none of whose rows can be loaded replaces nothing.  Every file found is reported: loaded,
    all rows rejected (全部退回), no data rows (无数据行), unchanged, or failed (未入库, e.g. .xls or .docx).
    """
    from .ingest import ingest_paths

    campaign = _campaign(args)
    report = ingest_paths(args.paths, campaign, warehouse=Path(args.warehouse) if args.warehouse else None,
                          kind=args.kind, company=args.company, profile=args.profile,
                          receipts_dir=Path(args.receipts) if args.receipts else None, append=args.append)
    print(report.to_text())
    return 1 if args.strict and report.strict_failure() else 0


def cmd_feedback(args) -> int:
    """Import the clue workbooks companies return (反馈导入): conclusions, amounts, referrals.

    Every row is recorded, left as not yet answered, or rejected with its reason; a file that cannot be
    imported as a whole (sheet renamed, damaged file) is reported as 未导入 FAILED and audited. As with
    `workbench ingest`, the exit status is 0 unless --strict is given: then 1 when any file failed or any
    row was rejected.
    """
    import duckdb

    from .feedback import import_feedback
    from .ingest.load import list_files
    from .lifecycle import LifecycleStore, default_store_path

    campaign = _campaign(args)
    warehouse = Path(args.warehouse) if args.warehouse else campaign.warehouse
    store = LifecycleStore(default_store_path(warehouse))
    con = duckdb.connect(str(warehouse), read_only=True)
    failed = files_failed = 0
    for path in list_files(args.paths):
        r = import_feedback(path, con, store, campaign, actor=args.actor or campaign.operator or "未配置",
                            company=args.company)
        failed += bool(r.failed or r.errors)
        files_failed += bool(r.failed)
        print(r.to_text())
    if files_failed:
        print(f"{files_failed} 个文件未导入 / {files_failed} file(s) not imported"
              + ("" if args.strict else "；加 --strict 时退出码为 1 / exit status 1 with --strict"))
    return 1 if failed and args.strict else 0


def cmd_run(args) -> int:
    """Execute a campaign notebook with papermill; the executed notebook is the run record (执行专项行动)."""
    import json

    from .runner import NOTEBOOKS, run_campaign
    from .screen import engine_options

    # Spark options without --engine spark are refused, as by `workbench screen`
    engine_options(args.engine, args.spark_master, args.parquet, args.spark_conf)
    campaign = _campaign(args)
    params = json.loads(args.rule_params) if args.rule_params else None
    if args.params_file:
        import yaml

        params = yaml.safe_load(Path(args.params_file).read_text(encoding="utf-8"))
    results = run_campaign(args.campaign, campaign, warehouse=Path(args.warehouse) if args.warehouse else None,
                           company=args.company, all_companies=args.all_companies, jobs=args.jobs,
                           rule_params=params, output_dir=Path(args.output) if args.output else None,
                           engine=args.engine, spark_master=args.spark_master,
                           spark_parquet=args.parquet, spark_conf=cli_screen.parse_conf(args.spark_conf))
    for r in results:
        status = "完成 ok" if r.ok else "失败 FAILED"
        print(f"{status:<10} {r.campaign:<18} {r.company or '-':<6} {r.seconds:6.1f}s  {r.output}")
        if not r.ok:
            print("    " + r.error.replace("\n", "\n    "))
    if not results:
        print(f"没有执行任何笔记本 / nothing ran (campaigns: {', '.join(NOTEBOOKS)}, all)")
    return 0 if results and all(r.ok for r in results) else 1


def cmd_status(args) -> int:
    """Per company: what is due, what was submitted and when, what is late (进度与时限)."""
    import datetime as dt

    import duckdb

    from .lifecycle import LifecycleStore, default_store_path
    from .status import contacts, deadline_status, feedback_progress, status_text

    campaign = _campaign(args)
    warehouse = Path(args.warehouse) if args.warehouse else campaign.warehouse
    as_of = dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    con = duckdb.connect(str(warehouse), read_only=True)
    store_path = default_store_path(warehouse)
    store = LifecycleStore(store_path) if store_path.exists() else None
    st = deadline_status(con, store, campaign, as_of)
    if args.company:
        st = st[st.company_code == args.company]
    print(status_text(st, as_of))
    if store is not None:
        fp = feedback_progress(store, as_of)
        if len(fp):
            print("\n线索反馈 / clue feedback")
            print(fp.to_string(index=False))
    if args.contacts:
        print("\n联系人(附表7) / contacts")
        print(contacts(con).to_string(index=False))
    return 0


def cmd_refer(args) -> int:
    """Write the police referral package of a referred clue or ring (案件移送材料)."""
    import duckdb

    from .lifecycle import LifecycleStore, default_store_path
    from .package import verify_package
    from .referral import referral_package

    campaign = _campaign(args)
    warehouse = Path(args.warehouse) if args.warehouse else campaign.warehouse
    con = duckdb.connect(str(warehouse), read_only=True)
    store = LifecycleStore(default_store_path(warehouse))
    out = Path(args.out) if args.out else campaign.output_dir / "referrals"
    for clue_id in args.clue_ids:
        folder = referral_package(con, store, campaign, clue_id, out, operator=args.operator)
        print(verify_package(folder).to_text())
    return 0


def cmd_package(args) -> int:
    """Put a company's workbook(s) in a self-checking package for disc (光盘报送包)."""
    from .errors import WorkbenchError
    from .package import build_package, verify_package

    if args.investigator:  # a third-party investigator's package (调查机构材料包)
        from .cli_governance import package_investigator

        return package_investigator(args)
    campaign = _campaign(args)
    src = Path(args.workbooks) if args.workbooks else campaign.output_dir / "workbooks"
    out = Path(args.out) if args.out else campaign.output_dir / "packages"
    if args.all_companies:
        codes = sorted(p.name for p in src.iterdir() if p.is_dir()) if src.is_dir() else []
    elif args.company:
        codes = [args.company]
    else:
        raise WorkbenchError("请指定 --company 或 --all-companies / pass --company X or --all-companies")
    for code in codes:
        files = sorted((src / code).glob("*.xlsx")) if (src / code).is_dir() else []
        if not files:
            raise WorkbenchError(f"{code} 没有可报送的工作簿(在 {src / code}) / no workbooks for {code} in {src / code}")
        name = f"{code}_线索下发_{files[-1].stem.rsplit('_', 1)[-1]}"
        folder = build_package(files, out, name, campaign_name=campaign.name, company=code,
                               operator=args.operator or campaign.operator or None, purpose="线索下发 clue dispatch")
        print(verify_package(folder).to_text(), "->", folder.with_suffix(".zip"))
        # audit trail (审计日志): the workbooks packaged and the package written
        from .audit import record

        record(campaign.warehouse, "package", campaign=campaign, operator=args.operator, company=code, subject=name,
               inputs=[{"file": e["path"], "sha256": e["sha256"]} for e in verify_package(folder).manifest["files"]],
               outputs=[folder, out / f"{name}.zip"], summary=f"{code} 报送包 {name}：{len(files)} 个工作簿，校验通过")
    return 0


def cmd_verify(args) -> int:
    """Check a received package (folder or zip) against its manifest (报送包校验)."""
    from .package import verify_package

    bad = 0
    for p in args.packages:
        v = verify_package(p)
        print(v.to_text())
        bad += not v.ok
    return 1 if bad else 0


def cmd_simulate(args) -> int:
    """Demo only: play the companies and panels from the synthetic ground truth (模拟反馈与研判)."""
    import duckdb

    from .lifecycle import LifecycleStore, default_store_path
    from .simulate import simulate_round

    campaign = _campaign(args)
    warehouse = Path(args.warehouse) if args.warehouse else campaign.warehouse
    truth = Path(args.truth) if args.truth else campaign.synth_dir / "ground_truth"
    con = duckdb.connect(str(warehouse), read_only=True)
    store = LifecycleStore(default_store_path(warehouse))
    res = simulate_round(con, store, campaign, truth, campaign.output_dir / "returned")
    print(f"模拟反馈 simulated: 工作簿 {res['workbooks']} 个, 反馈 {res['feedback_rows']} 行 (退回 {res['feedback_rejected']}), "
          f"研判结论 verdicts {res['verdicts']} 条")
    return 0


def cmd_demo_summary(args) -> int:
    """Print where the workbooks are, clue counts per campaign step and company, and the evaluation."""
    from .demo import demo_summary

    campaign = _campaign(args)
    print(demo_summary(campaign, Path(args.warehouse) if args.warehouse else None,
                       Path(args.truth) if args.truth else None))
    return 0


def register(sub) -> None:
    p = sub.add_parser("ingest", help="load submissions into the warehouse (入库)", description=cmd_ingest.__doc__)
    p.add_argument("paths", nargs="+", help="files or folders (a company's submission, a wave)")
    p.add_argument("--kind", help="contract kind for all files (default: recognised from the headers)")
    p.add_argument("--company", help="company code for all files (default: the code the file name starts with, "
                                     "else the 公司代码 column); must be in the company register when one is loaded")
    p.add_argument("--profile", help="column-mapping profile (YAML) for insurer-specific headers")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.add_argument("--receipts", help="folder for per-company receipts (default: outputs/receipts)")
    p.add_argument("--append", action="store_true",
                   help="追加：本次文件补充而不替换此前报送的同类数据 / add to, do not replace, the company's earlier "
                        "batches of these kinds (a second part sent later); rows repeating earlier ones are rejected")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any file failed to load or had every row rejected, or a folder held no file")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("feedback", help="import returned clue workbooks (反馈导入)", description=cmd_feedback.__doc__)
    p.add_argument("paths", nargs="+", help="returned workbooks or folders of them")
    p.add_argument("--company", help="company code (default: from the 公司代码 column)")
    p.add_argument("--actor", help="who imports (default: [campaign] operator)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.add_argument("--strict", action="store_true",
                   help="exit 1 when any file failed or any row was rejected (default: report them, exit 0)")
    p.set_defaults(func=cmd_feedback)

    p = sub.add_parser("run", help="run a campaign notebook with papermill (执行专项行动)", description=cmd_run.__doc__)
    p.add_argument("campaign", help="top_down | cross_comparison | pre2017 | known_cases | company_workbook | "
                                    "summary_report | all")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--company", help="run for one company")
    who.add_argument("--all-companies", action="store_true", help="run once per company (read-only notebooks)")
    p.add_argument("--jobs", type=int, default=1, help="parallel notebooks for --all-companies (default 1)")
    p.add_argument("--rule-params", help='JSON overrides, e.g. \'{"ah_multi_company_cover": {"min_companies": 4}}\'')
    p.add_argument("--params-file", help="YAML/JSON file of rule parameter overrides")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.add_argument("--output", help="folder for workbooks and exports (default: outputs/workbooks)")
    cli_screen.add_engine_arguments(p, what="the screening notebooks")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("status", help="deadlines and submissions per company (进度)", description=cmd_status.__doc__)
    p.add_argument("--as-of", help="today's date for the calendar (YYYY-MM-DD; default: today)")
    p.add_argument("--company", help="one company only")
    p.add_argument("--contacts", action="store_true", help="also list the Attachment 7 contacts (masked)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("refer", help="write police referral packages (案件移送材料)", description=cmd_refer.__doc__)
    p.add_argument("clue_ids", nargs="+", help="referred clue or ring ids")
    p.add_argument("--out", help="folder (default: outputs/referrals)")
    p.add_argument("--operator", help="who prepares the referral (default: [campaign] operator)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_refer)

    p = sub.add_parser("simulate-feedback", help="demo: simulate company feedback and panel verdicts (模拟)",
                       description=cmd_simulate.__doc__)
    p.add_argument("--truth", help="ground-truth folder (default: [paths] synth_dir/ground_truth)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser("demo-summary", help="print the demo's results (演示汇总)", description=cmd_demo_summary.__doc__)
    p.add_argument("--truth", help="ground-truth folder (default: [paths] synth_dir/ground_truth)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_demo_summary)

    p = sub.add_parser("package", help="package a company's workbooks for disc (报送包)", description=cmd_package.__doc__)
    who = p.add_mutually_exclusive_group()
    who.add_argument("--company", help="company code")
    who.add_argument("--all-companies", action="store_true", help="one package per company with workbooks")
    who.add_argument("--investigator", metavar="ASSIGNMENT|NAME",
                     help="a third-party investigator's package: assignment id, or the investigator's name "
                          "(every assignment in force); see workbench assign")
    p.add_argument("--as-of", help="with --investigator: the day the assignment must be in force (default today)")
    p.add_argument("--warehouse", help="with --investigator: DuckDB file (default: [paths] warehouse)")
    p.add_argument("--workbooks", help="folder of per-company workbook folders (default: outputs/workbooks)")
    p.add_argument("--out", help="where packages go (default: outputs/packages)")
    p.add_argument("--operator", help="named on the manifest (default: [campaign] operator)")
    p.set_defaults(func=cmd_package)

    p = sub.add_parser("verify", help="verify a received package (报送包校验)", description=cmd_verify.__doc__)
    p.add_argument("packages", nargs="+", help="package folders or zips")
    p.set_defaults(func=cmd_verify)


_EXTENSIONS.append(register)
