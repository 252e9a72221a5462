"""``workbench evaluate-public DATASET``: screen a public claims dataset and measure against its labels.

See :mod:`workbench.public` and ``docs/public.md``.
"""

from __future__ import annotations

from pathlib import Path

from .cli import _EXTENSIONS
from .config import load_campaign
from .errors import ConfigError
from .warehouse import PROJECT_ROOT


def _campaign_or_project(args):
    """The campaign configuration; from the project root when none is found from here."""
    try:
        return load_campaign(args.config)
    except ConfigError:
        if args.config:
            raise
        return load_campaign(PROJECT_ROOT / "campaign.toml")


def cmd_evaluate_public(args) -> int:
    """入库公开理赔数据集，运行适用的规则与评分，按数据集自带的欺诈标签评估(调参半上调参，留出半上报告) /
    ingest a public claims dataset through its profiles, run the rules and the score, tune on a fixed
    random half and report against the dataset's fraud labels on the other half."""
    from .public import get_dataset
    from .public.evaluate import evaluate_public
    from .public.report import to_text

    campaign = _campaign_or_project(args)
    dataset = get_dataset(args.dataset)
    out = Path(args.out) if args.out else campaign.output_dir / "public" / dataset.name
    result = evaluate_public(dataset, campaign, data_root=args.data, out_dir=out, seed=args.seed)
    print(to_text(result))
    print(
        f"报告 report: {out / 'report.md'} · 指标 metrics: {out / 'metrics.json'} · "
        f"调参结果 tuned parameters: {out / 'tuned_params.yaml'} · 数据仓库 warehouse: {out / 'warehouse.duckdb'}"
    )
    return 0


def register(sub) -> None:
    from .public import DATASETS
    from .public.datasets import DEFAULT_DATA_ROOT
    from .public.evaluate import DEFAULT_SEED

    names = ", ".join(f"{k} ({d.zh})" for k, d in DATASETS.items())
    p = sub.add_parser(
        "evaluate-public",
        help="公开数据集评估：按其欺诈标签评估规则与评分 / measure the rules on a public labelled dataset",
        description=f"{cmd_evaluate_public.__doc__} Datasets: {names}.",
    )
    p.add_argument("dataset", choices=list(DATASETS), help="which dataset (vehicle, medicare)")
    p.add_argument(
        "--data",
        help=f"folder holding the public datasets (default: {DEFAULT_DATA_ROOT}, i.e. ../shared/data/public "
        "beside the project)",
    )
    p.add_argument("--out", help="output folder (default: outputs/public/<dataset>)")
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed of the fixed random half (default {DEFAULT_SEED}; the README figures use it)",
    )
    p.set_defaults(func=cmd_evaluate_public)


_EXTENSIONS.append(register)
