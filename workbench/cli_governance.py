"""Governance subcommands (治理): ``audit``, ``quality``, ``assign``, ``case-study``, and
``package --investigator``.

Registered on the ``workbench`` command through ``cli._EXTENSIONS`` (imported last, so the commands
of the other modules exist).  Besides its own commands, :func:`register` adds the audit entry to the
commands that only read the warehouse (``status``, ``rings``, ``evaluate``, ``demo-summary``) and to
``verify``, and has ``screen`` export the configured operator so the screening hook deep in the
package logs the same name.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import time
from pathlib import Path

from . import audit
from .cli import _EXTENSIONS, _campaign
from .errors import WorkbenchError

log = logging.getLogger(__name__)


def _warehouse(args, campaign) -> Path:
    return Path(args.warehouse) if getattr(args, "warehouse", None) else campaign.warehouse


def _date(value: str | None, what: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise WorkbenchError(
            f"{what} 应为日期 YYYY-MM-DD，实际为 {value!r} / {what} must be YYYY-MM-DD"
        ) from exc


def _store(args, campaign):
    from .lifecycle import LifecycleStore, default_store_path

    return LifecycleStore(default_store_path(_warehouse(args, campaign)))


# --- audit ------------------------------------------------------------------------------------------


def cmd_audit(args) -> int:
    """List and filter the audit trail (审计日志): who did what, when, on which data, what it wrote."""
    campaign = _campaign(args)
    store = _store(args, campaign)
    if args.verify:
        check = audit.verify_chain(store)
        print(check.to_text())
        return 0 if check.ok else 1
    df = audit.entries(
        store,
        action=args.action,
        operator=args.operator,
        company=args.company,
        subject=args.subject,
        since=_date(args.since, "--since"),
        until=_date(args.until, "--until"),
        limit=None if args.detail or args.export else args.limit,
    )
    if args.detail:
        row = df[df.audit_id == args.detail]
        if row.empty:
            raise WorkbenchError(f"没有审计记录 #{args.detail} / no audit entry #{args.detail}")
        print(audit.detail_text(row.iloc[0].to_dict()))
        return 0
    if args.export:
        out = Path(args.export)
        out.parent.mkdir(parents=True, exist_ok=True)
        table = audit.listing(df).assign(
            输入明细=df["inputs"], 输出明细=df["outputs"], 哈希=df["entry_hash"]
        )
        if out.suffix.lower() == ".csv":
            table.to_csv(out, index=False, encoding="utf-8-sig")
        else:
            table.to_excel(out, index=False, sheet_name="审计日志")
        print(f"审计日志已导出 / exported: {out} ({len(table)} 条 entries)")
        return 0
    if df.empty:
        print("没有符合条件的审计记录 / no audit entries match")
        return 0
    for r in audit.listing(df).itertuples(index=False):
        print(
            f"#{r.编号:<5} {r.时间}  {r.经办人}  {r.动作}  公司 {r.公司 or '-'}  对象 {r.对象 or '-'}  {r.状态}  "
            f"指纹 {r.数据指纹 or '-'}  输入 {r.输入文件} 输出 {r.输出文件}\n       {r.摘要}"
        )
    print(
        f"\n共 {len(df)} 条 entries；详情 details: workbench audit --detail 编号；校验 verify: workbench audit --verify"
    )
    return 0


# --- quality ----------------------------------------------------------------------------------------


def cmd_quality(args) -> int:
    """Data-quality scorecards per company and the league table (数据质量记分卡与排行榜)."""
    from .quality import league_table, league_text, write_scorecards
    from .warehouse import connect

    campaign = _campaign(args)
    warehouse = _warehouse(args, campaign)
    out = Path(args.out) if args.out else campaign.output_dir / "reports" / "数据质量"
    con = connect(warehouse, read_only=True)
    try:
        cards, written = write_scorecards(con, campaign, out, company=args.company)
        if args.company:
            if args.company not in cards:
                raise WorkbenchError(
                    f"仓库中没有 {args.company} 报送的数据 / no submissions of {args.company}"
                )
            print(cards[args.company].to_text())
        else:
            print(league_text(league_table(cards)))
        print(f"\n记分卡已写入 / written: {len(written)} 个文件 files in {out}")
        audit.record(
            warehouse,
            "quality",
            campaign=campaign,
            con=con,
            company=args.company,
            outputs=written,
            summary=f"数据质量记分卡：{len(cards)} 家公司"
            + (f"（{args.company}）" if args.company else "，含排行榜"),
        )
    finally:
        con.close()
    return 0


# --- investigators ----------------------------------------------------------------------------------


def cmd_assign(args) -> int:
    """Assign a clue or ring to a third-party investigator (指派第三方调查); --list shows assignments."""
    import duckdb

    from .investigator import assign, assignments

    campaign = _campaign(args)
    store = _store(args, campaign)
    if args.list:
        df = assignments(store, args.clue)
        if df.empty:
            print("没有委托 / no assignments")
            return 0
        show = df.rename(
            columns={
                "assignment_id": "委托编号",
                "subject": "线索",
                "investigator": "调查人员",
                "organisation": "调查机构",
                "scope": "范围",
                "companies": "公司",
                "start_date": "开始",
                "end_date": "结束",
                "assigned_by": "指派人",
            }
        )
        print(
            show[
                [
                    "委托编号",
                    "线索",
                    "调查人员",
                    "调查机构",
                    "范围",
                    "公司",
                    "开始",
                    "结束",
                    "指派人",
                ]
            ].to_string(index=False)
        )
        return 0
    missing = [
        o
        for o, v in (
            ("CLUE", args.clue),
            ("--investigator", args.investigator),
            ("--org", args.org),
            ("--scope", args.scope),
            ("--from", args.start),
            ("--to", args.end),
        )
        if not v
    ]
    if missing:
        raise WorkbenchError(f"请提供 {'、'.join(missing)} / missing {', '.join(missing)}")
    con = duckdb.connect(str(_warehouse(args, campaign)), read_only=True)
    try:
        a = assign(
            con,
            store,
            campaign,
            args.clue,
            investigator=args.investigator,
            organisation=args.org,
            scope=args.scope,
            start=_date(args.start, "--from"),
            end=_date(args.end, "--to"),
            companies=[c.strip() for c in args.companies.split(",") if c.strip()]
            if args.companies
            else None,
            operator=args.operator,
        )
    finally:
        con.close()
    print(
        f"已指派 / assigned: {a.assignment_id}  {a.subject} → {a.organisation}（{a.investigator}） "
        f"{a.start_date} 至 {a.end_date}\n材料包 package: workbench package --investigator {a.assignment_id}"
    )
    return 0


def package_investigator(args) -> int:
    """``workbench package --investigator ID|NAME``: one package per assignment in force."""
    import duckdb

    from .investigator import find_assignments, investigator_package
    from .package import verify_package

    campaign = _campaign(args)
    store = _store(args, campaign)
    day = _date(getattr(args, "as_of", None), "--as-of") or dt.date.today()
    out = Path(args.out) if args.out else campaign.output_dir / "packages" / "investigators"
    con = duckdb.connect(str(_warehouse(args, campaign)), read_only=True)
    try:
        for a in find_assignments(store, args.investigator, day):
            folder = investigator_package(
                con, store, campaign, a.assignment_id, out, as_of=day, operator=args.operator
            )
            print(verify_package(folder).to_text(), "->", folder.parent / f"{folder.name}.zip")
    finally:
        con.close()
    return 0


# --- typical cases ----------------------------------------------------------------------------------


def cmd_case_study(args) -> int:
    """Draft a typical case (典型案例) from a confirmed clue or ring; --top N drafts the report's picks."""
    import duckdb

    from .case_study import CASES_DIRNAME, pick_typical, raw_identifiers, write_case
    from .report import clue_outcomes

    campaign = _campaign(args)
    store = _store(args, campaign)
    out = Path(args.out) if args.out else campaign.output_dir / "reports" / CASES_DIRNAME
    con = duckdb.connect(str(_warehouse(args, campaign)), read_only=True)
    try:
        outcomes = clue_outcomes(con, store, args.period)
        ids = list(args.clue_ids)
        if args.top:
            ids += [
                c
                for c in pick_typical(con, store, args.top, args.period, outcomes)["clue_id"]
                if c not in ids
            ]
        if not ids:
            raise WorkbenchError(
                "请指定线索编号，或用 --top N 选取成果最突出的案例 / give clue ids or --top N "
                "(no confirmed clue yet?)"
            )
        for cid in ids:
            cs = write_case(
                con,
                store,
                campaign,
                cid,
                out,
                force=args.force,
                operator=args.operator,
                outcomes=outcomes,
            )
            if cs.source == "analyst":
                print(
                    f"保留分析人员编辑版 / kept the analyst's edit: {cs.path} (重新起草请加 --force)"
                )
            else:
                print(
                    f"已起草 / drafted: {cs.path}\n  {cs.title}；规则 rules: {'、'.join(cs.rules) or 'ring'}"
                )
            left = raw_identifiers(cs.text)
            if left:
                print(f"  警告 / warning: {len(left)} 处疑似个人信息已在报告中屏蔽，请修改原文件")
    finally:
        con.close()
    return 0


# --- audit entries on reading commands ------------------------------------------------------------------


def _audited(func, command: str):
    """Run a reading command, then log it with the warehouse's hashes (never fails the command)."""

    @functools.wraps(func)
    def wrapper(args):
        started = time.time()
        rc = func(args)
        try:
            import duckdb

            campaign = _campaign(args)
            warehouse = _warehouse(args, campaign)
            con = duckdb.connect(str(warehouse), read_only=True)
            try:
                outputs = []
                if command == "evaluate":
                    folder = Path(args.out) if args.out else campaign.output_dir / "evaluation"
                    outputs = audit.files_written_since(folder, started)
                audit.record(
                    warehouse,
                    command,
                    campaign=campaign,
                    con=con,
                    company=getattr(args, "company", None),
                    outputs=outputs,
                    status="ok" if not rc else "failed",
                    summary=f"workbench {command}"
                    + (f" --company {args.company}" if getattr(args, "company", None) else ""),
                )
            finally:
                con.close()
        except Exception as exc:  # noqa: BLE001 - no config or warehouse here: nothing to log against
            log.debug("read command %s not logged: %s", command, exc)
        return rc

    return wrapper


def _audited_verify(func):
    @functools.wraps(func)
    def wrapper(args):
        rc = func(args)
        try:
            campaign = _campaign(args)
            inputs = []
            for p in map(Path, args.packages):
                target = p / "manifest.json" if p.is_dir() else p
                if target.is_file():
                    inputs.append(
                        {"file": audit.display_path(target), "sha256": audit.sha256_of(target)}
                    )
            audit.record(
                campaign.warehouse,
                "verify",
                campaign=campaign,
                inputs=inputs,
                status="ok" if not rc else "failed",
                summary=f"校验报送包 {len(inputs)} 个："
                + ("全部通过" if not rc else "有未通过的包"),
            )
        except Exception as exc:  # noqa: BLE001
            log.debug("verify not logged: %s", exc)
        return rc

    return wrapper


def _exports_operator(func):
    """Put the configured operator in the environment for the hooks (and processes) below the command."""

    @functools.wraps(func)
    def wrapper(args):
        import os

        try:
            campaign = _campaign(args)
        except WorkbenchError:
            campaign = None
        exported = bool(campaign is not None and campaign.operator and not audit.environ_operator())
        if exported:
            os.environ[audit.OPERATOR_ENV] = campaign.operator
        try:
            return func(args)
        finally:
            if exported:
                os.environ.pop(audit.OPERATOR_ENV, None)

    return wrapper


def register(sub) -> None:
    p = sub.add_parser(
        "audit", help="list and filter the audit trail (审计日志)", description=cmd_audit.__doc__
    )
    p.add_argument(
        "--action",
        help="action(s), comma-separated: ingest, screen, run, package, feedback, verdict, "
        "refer, assign, package_investigator, export_national, quality, case_study … "
        "(or the Chinese names)",
    )
    p.add_argument("--operator", help="only this operator (未配置 = not configured)")
    p.add_argument("--company", help="only entries about this company")
    p.add_argument("--subject", help="only entries about this clue, ring or file")
    p.add_argument("--since", help="from this date (YYYY-MM-DD)")
    p.add_argument("--until", help="up to and including this date (YYYY-MM-DD)")
    p.add_argument("--limit", type=int, default=50, help="the latest N entries (default 50)")
    p.add_argument(
        "--detail", type=int, metavar="ID", help="one entry in full: input and output hashes"
    )
    p.add_argument(
        "--verify", action="store_true", help="check the hash chain (nothing altered or removed)"
    )
    p.add_argument("--export", help="write the matching entries to .xlsx or .csv")
    p.add_argument(
        "--warehouse", help="DuckDB file (default: [paths] warehouse); the log is beside it"
    )
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser(
        "quality",
        help="data-quality scorecards and league table (数据质量记分卡)",
        description=cmd_quality.__doc__,
    )
    p.add_argument("--company", help="one company's scorecard")
    p.add_argument("--out", help="folder for the workbooks (default: outputs/reports/数据质量)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_quality)

    p = sub.add_parser(
        "assign",
        help="assign a clue or ring to a third-party investigator (指派调查)",
        description=cmd_assign.__doc__,
    )
    p.add_argument("clue", nargs="?", help="clue or ring id")
    p.add_argument("--investigator", help="the investigator's name")
    p.add_argument("--org", help="the investigator's organisation")
    p.add_argument("--scope", help="the work asked for, e.g. 核实就诊经过与票据真伪")
    p.add_argument("--from", dest="start", help="first day of the assignment (YYYY-MM-DD)")
    p.add_argument("--to", dest="end", help="last day of the assignment (YYYY-MM-DD)")
    p.add_argument(
        "--companies",
        help="only these companies' records, comma-separated (default: all of the clue's)",
    )
    p.add_argument("--operator", help="who assigns (default: [campaign] operator)")
    p.add_argument("--list", action="store_true", help="list assignments (of CLUE if given)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_assign)

    p = sub.add_parser(
        "case-study",
        help="draft a typical case write-up (典型案例)",
        description=cmd_case_study.__doc__,
    )
    p.add_argument("clue_ids", nargs="*", help="confirmed clue or ring ids")
    p.add_argument(
        "--top", type=int, default=0, help="also draft the N best cases by outcome and money"
    )
    p.add_argument("--period", default="campaign", choices=["campaign", "pre2017"])
    p.add_argument("--out", help="folder (default: outputs/reports/典型案例)")
    p.add_argument("--force", action="store_true", help="redraft even over an analyst's edit")
    p.add_argument("--operator", help="named on the draft (default: [campaign] operator)")
    p.add_argument("--warehouse", help="DuckDB file (default: [paths] warehouse)")
    p.set_defaults(func=cmd_case_study)

    for name in ("status", "rings", "evaluate", "demo-summary"):
        if name in sub.choices:
            q = sub.choices[name]
            q.set_defaults(func=_audited(q.get_default("func"), name))
    if "verify" in sub.choices:
        q = sub.choices["verify"]
        q.set_defaults(func=_audited_verify(q.get_default("func")))
    if "screen" in sub.choices:
        q = sub.choices["screen"]
        q.set_defaults(func=_exports_operator(q.get_default("func")))


_EXTENSIONS.append(register)
