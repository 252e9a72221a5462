"""The ``workbench`` command: one entry point, one subcommand per step of the flow.

Each subcommand is a thin wrapper over a package function, so the same step
runs from the CLI, a papermill notebook or a test.  Errors the user can act on
(:class:`WorkbenchError`) are printed without a traceback and exit with 2; a warehouse another
process holds exits with 1, Ctrl-C with 130.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .config import load_campaign
from .errors import WorkbenchError

log = logging.getLogger("workbench")


def _campaign(args):
    return load_campaign(args.config)


# --- subcommands -----------------------------------------------------------------------------


def cmd_synth(args) -> int:
    """Generate the synthetic province's submissions (模拟全省报送数据)."""
    from .synth import generate

    campaign = _campaign(args)
    out = Path(args.out) if args.out else campaign.synth_dir
    summary = generate(out, seed=args.seed, scale=args.scale, fmt=args.format)
    print(summary.to_text())
    return 0


def cmd_template(args) -> int:
    """Write a blank Excel template for a submission kind (报送模板)."""
    from .contract import KINDS
    from .templates import write_template

    out_dir = Path(args.out)
    kinds = list(KINDS) if args.kind == "all" else [args.kind]
    for name in kinds:
        path = write_template(name, out_dir)
        print(path)
    return 0


def cmd_docs(args) -> int:
    """Regenerate the generated docs (docs/contract.md) and the contract DDL."""
    from .docs import write_docs

    for path in write_docs():
        print(path)
    return 0


def cmd_keygen(args) -> int:
    """Create a tokenization key file (令牌密钥) outside the warehouse."""
    from .protect import Tokenizer, generate_key_file, load_key

    campaign = _campaign(args)
    path = Path(args.out) if args.out else campaign.key_file
    if path.exists() and args.if_missing:
        key = load_key(path, None)
        print(f"密钥已存在 / key exists: {path} (fingerprint {Tokenizer(key).fingerprint()})")
        return 0
    generate_key_file(path, overwrite=args.force)
    key = load_key(path, None)
    print(f"已生成密钥 / key written: {path} (fingerprint {Tokenizer(key).fingerprint()})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workbench",
        description="保险业反欺诈专项行动分析工作台 / insurance anti-fraud campaign workbench",
    )
    parser.add_argument("--config", help="campaign.toml to use (default: ./campaign.toml or $WORKBENCH_CONFIG)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("synth", help="generate the synthetic province (模拟数据)", description=cmd_synth.__doc__)
    p.add_argument("--out", help="output folder (default: [paths] synth_dir)")
    p.add_argument("--seed", type=int, default=20190701, help="random seed (default 20190701)")
    p.add_argument("--scale", default="demo", choices=["small", "demo", "x10", "x30", "province"],
                   help="size of the province (default demo: 12 companies, ~50,000 persons)")
    p.add_argument("--format", default="mixed", choices=["mixed", "parquet"],
                   help="mixed = xlsx/CSV as insurers send them; parquet = fast, for benchmarks")
    p.set_defaults(func=cmd_synth)

    p = sub.add_parser("template", help="write a blank Excel template (报送模板)", description=cmd_template.__doc__)
    p.add_argument("kind", help="contract kind, e.g. ah_policy, or 'all'")
    p.add_argument("--out", default="outputs/templates", help="output folder (default outputs/templates)")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("docs", help="regenerate docs/contract.md and the contract DDL", description=cmd_docs.__doc__)
    p.set_defaults(func=cmd_docs)

    p = sub.add_parser("keygen", help="create the tokenization key file (令牌密钥)", description=cmd_keygen.__doc__)
    p.add_argument("--out", help="key file (default: [paths] key_file)")
    p.add_argument("--force", action="store_true", help="overwrite an existing key (old tokens stop matching!)")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the key file exists")
    p.set_defaults(func=cmd_keygen)

    for register in _EXTENSIONS:
        register(sub)
    return parser


#: Other modules add subcommands here (ingest, screen, …) to keep this file small.
_EXTENSIONS: list = []


def _load_extensions() -> None:
    from . import (
        cli_commands,  # noqa: F401  (registers its subcommands)
        cli_dashboard,  # noqa: F401
        cli_governance,  # noqa: F401  (audit, quality, assign, case-study)
        cli_public,  # noqa: F401  (evaluate-public)
    )


def main(argv: list[str] | None = None) -> int:
    _load_extensions()
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return args.func(args) or 0
    except WorkbenchError as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # a screening run marks itself 'interrupted' on the way out
        print("已中断 / interrupted (Ctrl-C)", file=sys.stderr)
        return 130
    except Exception as exc:
        held = warehouse_in_use(exc)
        if held is None:
            raise
        print(f"错误 / error: {held}", file=sys.stderr)
        return 1


def warehouse_in_use(exc: BaseException) -> str | None:
    """The message for DuckDB's "Could not set lock on file … Conflicting lock is held" (another
    process has the warehouse open for writing, e.g. a screening run); None for any other error."""
    text = str(exc)
    if type(exc).__name__ != "IOException" or "Could not set lock" not in text:
        return None
    import re

    file = re.search(r'lock on file "([^"]+)"', text)
    holder = re.search(r"held in (.+?) \(PID (\d+)\)", text)
    detail = "; ".join(
        x for x in (file and file.group(1), holder and f"PID {holder.group(2)} ({holder.group(1)})") if x
    )
    return (f"仓库正被另一个进程使用 / the warehouse is in use by another process ({detail or text}): "
            "请等它结束后重试 / wait for it to finish, then try again")


if __name__ == "__main__":
    # Run through the canonical module so subcommands registered on it are seen.
    from workbench.cli import main as _main

    sys.exit(_main())
