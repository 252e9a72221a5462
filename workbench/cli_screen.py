"""Screening subcommands (筛查命令): ``screen``, ``rings``, ``evaluate``, ``rules``, ``export``.

Thin wrappers over :func:`workbench.screen.screen`,
:func:`workbench.evaluate.evaluate` and the rule catalogue, registered on the
``workbench`` command through ``cli._EXTENSIONS`` so ``cli.py`` stays small.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import yaml

from .cli import _EXTENSIONS, _campaign
from .errors import RuleError

log = logging.getLogger(__name__)


def _warehouse(args) -> Path:
    return Path(args.warehouse) if args.warehouse else _campaign(args).warehouse


def parse_set(items: list[str] | None) -> dict:
    """``--set rule.param=value`` options as ``{rule: {param: value}}`` (values read as YAML scalars)."""
    out: dict[str, dict] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        rule, dot, param = key.partition(".")
        if not sep or not dot or not rule or not param:
            raise RuleError(f"--set 应为 规则.参数=值 / --set wants rule.param=value, got {item!r}")
        out.setdefault(rule, {})[param] = yaml.safe_load(value)
    return out


def _split(value: str | None) -> list[str] | None:
    return [v.strip() for v in value.split(",") if v.strip()] if value else None


def parse_conf(items: list[str] | None) -> dict:
    """``--spark-conf key=value`` options as a dict."""
    from .screen import parse_spark_conf

    return parse_spark_conf(items)


ENGINE_CHOICES = ("duckdb", "spark")


def engine_choice(value: str) -> str:
    """``--engine``: duckdb or spark, with a message in both languages otherwise."""
    if value not in ENGINE_CHOICES:
        raise argparse.ArgumentTypeError(
            f"未知的引擎 {value!r}，可选 duckdb 或 spark / unknown engine {value!r}: choose duckdb or spark"
        )
    return value


def add_engine_arguments(p, *, what: str) -> None:
    """``--engine``, ``--spark-master``, ``--spark-conf``, ``--parquet`` (screen and run)."""
    p.add_argument(
        "--engine",
        default="duckdb",
        type=engine_choice,
        metavar="{duckdb,spark}",
        help=f"where {what} run the rules: duckdb (default) or spark (Apache Spark, see docs/spark.md)",
    )
    p.add_argument(
        "--spark-master",
        metavar="URL",
        help="Spark master for --engine spark (default local[*]; spark://host:7077, yarn, k8s://… "
        "for a cluster)",
    )
    p.add_argument(
        "--spark-conf", action="append", metavar="KEY=VALUE",
        help="one Spark setting for --engine spark (repeatable); workbench.rulesAtOnce=N: rules "
        "submitted at once",
    )
    p.add_argument(
        "--parquet",
        metavar="DIR",
        help="parquet tables Spark reads (default: <warehouse folder>/parquet, exported again when "
        "stale; an hdfs://, s3a:// or file:// location is checked against its export manifest, "
        "never refreshed; a folder without one is read as it is)",
    )


def cmd_screen(args) -> int:
    """Run the screening rules on the warehouse and write clues (运行筛查规则，生成线索).

    With ``--engine spark`` the rules run on Apache Spark over the parquet export of the warehouse
    (made or refreshed when stale, or ``--parquet`` on a cluster) and the clues are written back
    here, in the same shape: see docs/spark.md.
    """
    from .screen import engine_options, screen
    from .warehouse import connect

    if args.debug:  # show every rendered statement whatever the root log level
        logging.getLogger("workbench.engine").setLevel(logging.INFO)
        logging.getLogger("workbench.spark_engine").setLevel(logging.INFO)
    engine = engine_options(args.engine, args.spark_master, args.parquet, args.spark_conf)
    con = connect(_warehouse(args))
    try:
        result = screen(
            con,
            rules=_split(args.rules),
            lines=_split(args.line),
            params=parse_set(args.set),
            params_file=args.params,
            period=args.period,
            rings=not args.no_rings,
            debug=args.debug,
            **engine,
        )
        print(result.to_text())
        tiers = con.execute(
            "SELECT tier, count(*) FROM clues WHERE current AND period = ? GROUP BY tier "
            "ORDER BY tier",
            [args.period],
        ).fetchall()
        print("当前线索分级 current clues by tier: " + ", ".join(f"{t}={n}" for t, n in tiers))
    finally:
        con.close()
    return 0


def cmd_export(args) -> int:
    """Export the warehouse tables to parquet (导出 parquet), one folder per table, for Spark.

    ``workbench screen --engine spark`` does this itself when the export is missing or stale;
    run it by hand to copy the folders to a cluster (see docs/spark.md).
    """
    from .export import export_parquet
    from .warehouse import connect

    con = connect(_warehouse(args), read_only=True)
    try:
        result = export_parquet(con, args.parquet, tables=_split(args.tables))
    finally:
        con.close()
    print(result.to_text())
    return 0


def cmd_rings(args) -> int:
    """List the current ring clues (团伙线索) of the last screening."""
    from .warehouse import connect

    con = connect(_warehouse(args), read_only=True)
    try:
        df = con.execute(
            "SELECT clue_id, tier, score, fraud_kind, CAST(metric1 AS INTEGER) AS persons, "
            "CAST(metric2 AS INTEGER) AS claims, companies, round(amount) AS paid, evidence_zh "
            "FROM clues WHERE rule_id = 'ring' AND current AND period = ? ORDER BY score DESC, clue_id LIMIT ?",
            [args.period, args.top],
        ).df()
    finally:
        con.close()
    print(df.to_string(index=False) if len(df) else "没有团伙线索 / no ring clues")
    return 0


def cmd_evaluate(args) -> int:
    """Recall and precision against the synthetic ground truth (对照模拟真值评估)."""
    from .evaluate import evaluate
    from .warehouse import connect

    campaign = _campaign(args)
    truth = Path(args.truth) if args.truth else campaign.synth_dir / "ground_truth"
    out = Path(args.out) if args.out else campaign.output_dir / "evaluation"
    con = connect(_warehouse(args), read_only=True)
    try:
        result = evaluate(con, truth, periods=tuple(_split(args.period)) if args.period else None)
    finally:
        con.close()
    print(result.to_text())
    for path in result.write(out):
        log.info("wrote %s", path)
    print(f"结果已写入 / written to {out}")
    return 0 if result.passed or not args.strict else 1


def cmd_rules(args) -> int:
    """List the rule catalogue (规则目录); --write-docs regenerates docs/rules.md."""
    from .rules import discover
    from .rules_doc import RULES_MD, catalogue_markdown

    rules = discover()
    if args.write_docs:
        RULES_MD.write_text(catalogue_markdown(rules), encoding="utf-8")
        print(RULES_MD)
        return 0
    wanted = _split(args.line)
    for r in rules.values():
        if wanted and r.line not in wanted:
            continue
        params = ", ".join(f"{p.name}={p.default}" for p in r.params.values())
        print(
            f"{r.id:32} {r.indicator:4} {r.fraud_kind:26} 严重{r.severity} v{r.version} {r.title_zh}"
            + (f"  [{params}]" if params else "")
        )
    return 0


def register(sub) -> None:
    p = sub.add_parser(
        "screen",
        help="run the screening rules and write clues (筛查)",
        description=cmd_screen.__doc__,
    )
    p.add_argument("--warehouse", help="warehouse file (default: [paths] warehouse)")
    p.add_argument("--rules", help="comma-separated rule ids to run (default: all)")
    p.add_argument("--line", help="comma-separated lines: auto, agri, accident_health, life")
    p.add_argument(
        "--params", help="parameters file (YAML/JSON): {rule_id: {param: value}}; 'ring' for rings"
    )
    p.add_argument(
        "--set", action="append", metavar="RULE.PARAM=VALUE", help="override one parameter"
    )
    p.add_argument(
        "--period",
        default="campaign",
        choices=["campaign", "pre2017", "both"],
        help="data period: campaign (default), pre2017 self-review, or both",
    )
    p.add_argument("--no-rings", action="store_true", help="skip ring detection (团伙)")
    p.add_argument("--debug", action="store_true", help="log every rendered SQL statement")
    add_engine_arguments(p, what="the rules")
    p.set_defaults(func=cmd_screen)

    p = sub.add_parser(
        "export",
        help="export the warehouse tables to parquet, for Spark (导出)",
        description=cmd_export.__doc__,
    )
    p.add_argument("--warehouse", help="warehouse file (default: [paths] warehouse)")
    p.add_argument("--parquet", required=True, metavar="DIR", help="folder to write (one sub-folder per table)")
    p.add_argument("--tables", help="comma-separated tables (default: every contract table)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "rings", help="list ring clues of the last screening (团伙)", description=cmd_rings.__doc__
    )
    p.add_argument("--warehouse", help="warehouse file (default: [paths] warehouse)")
    p.add_argument("--period", default="campaign", choices=["campaign", "pre2017", "both"])
    p.add_argument("--top", type=int, default=20, help="how many rings to list (default 20)")
    p.set_defaults(func=cmd_rings)

    p = sub.add_parser(
        "evaluate",
        help="recall and precision against the ground truth (评估)",
        description=cmd_evaluate.__doc__,
    )
    p.add_argument("--warehouse", help="warehouse file (default: [paths] warehouse)")
    p.add_argument("--truth", help="ground-truth folder (default: <synth_dir>/ground_truth)")
    p.add_argument("--out", help="output folder (default: <output_dir>/evaluation)")
    p.add_argument("--period", help="comma-separated periods (default: every screened period)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.set_defaults(func=cmd_evaluate)

    p = sub.add_parser(
        "rules", help="list the screening rules (规则目录)", description=cmd_rules.__doc__
    )
    p.add_argument("--line", help="comma-separated lines to list")
    p.add_argument("--write-docs", action="store_true", help="regenerate docs/rules.md")
    p.set_defaults(func=cmd_rules)


_EXTENSIONS.append(register)
