"""The evaluation report (公开数据集评估报告): printed tables, ``report.md``, ``metrics.json``.

Everything here is aggregate — counts, rates, AUCs, rule weights — so no record, token or
identifier of the dataset reaches the report.  Chinese first, English beside it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import yaml

LEVEL_ZH = {"claim": "赔案 claim", "provider": "医疗机构 provider"}


def _f(x, digits: int = 3) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "—"
    if isinstance(x, float):
        return f"{x:.{digits}f}"
    return str(x)


def _table(df: pd.DataFrame, columns: list[tuple[str, str, int | None]]) -> list[str]:
    """Markdown table: (column, header, digits or None for text)."""
    out = ["| " + " | ".join(h for _, h, _ in columns) + " |", "|" + "---|" * len(columns)]
    for _, row in df.iterrows():
        cells = []
        for col, _, digits in columns:
            v = row[col]
            cells.append(
                _f(v, digits) if digits is not None else ("—" if v is None or v == "" else str(v))
            )
        out.append("| " + " | ".join(cells) + " |")
    return out


SUMMARY_COLUMNS = [
    ("score", "评分 score", None),
    ("roc_auc", "ROC AUC (留出 held-out)", 3),
    ("lift_top5", "前5%提升度 lift top 5%", 2),
    ("lift_top10", "前10%提升度 lift top 10%", 2),
    ("precision_top10", "前10%精确率 precision top 10%", 3),
    ("recall_top10", "前10%召回率 recall top 10%", 3),
    ("tune_auc", "AUC (调参半 tuning half)", 3),
]

RULE_COLUMNS = [
    ("rule", "规则 rule", None),
    ("title_zh", "名称", None),
    ("flagged", "命中 flagged", 0),
    ("precision", "精确率 precision", 3),
    ("recall", "召回率 recall", 3),
    ("lift", "提升度 lift", 2),
    ("auc_alone", "单独AUC AUC alone", 3),
    ("points", "分值 points", 1),
    ("auc_drop", "去掉后AUC下降 AUC lost without it", 3),
    ("tuned", "调参 tuned", None),
]


def markdown(result) -> str:
    """The report as Markdown (also what the CLI prints)."""
    c = result.counts
    unit = LEVEL_ZH[result.level]
    lines = [
        f"# 公开数据集评估 · Public dataset evaluation: `{result.dataset}`",
        "",
        f"- 日期 date: {result.started_at} · 提交 commit: `{result.commit or 'n/a'}` · 用时 {result.seconds:.0f}s",
        f"- 复现 reproduce: `workbench evaluate-public {result.dataset}` (seed {result.seed})",
        f"- 评估单位 unit: {unit}; 有标签 labelled {c['labelled']:,} (欺诈 fraud {c['labelled_frauds']:,}), "
        f"数据中有记录 in the data {c['in_data']:,}",
        f"- 切分 split: 调参半 tuning half {c['tune']:,} (欺诈 {c['tune_frauds']:,}) · 留出半 held-out half "
        f"{c['held_out']:,} (欺诈 {c['held_out_frauds']:,}, 基础欺诈率 base rate {c['base_rate_held_out']:.3f}); "
        "阈值与权重只在调参半上确定，以下数字均为留出半 / thresholds and weights were set on the tuning half "
        "only; every figure below is on the held-out half",
        "",
        "## 入库 Ingest",
        "",
        *_table(
            result.load,
            [
                ("kind", "类型 kind", None),
                ("rows_read", "读取 read", 0),
                ("rows_loaded", "入库 loaded", 0),
                ("rows_rejected", "退回 rejected", 0),
            ],
        ),
        "",
    ]
    if len(result.rejects):
        lines += ["退回原因 reasons for rejection:", ""]
        lines += _table(
            result.rejects,
            [
                ("kind", "类型 kind", None),
                ("reason_zh", "原因", None),
                ("reason_en", "reason", None),
                ("rows", "行数 rows", 0),
            ],
        )
        lines.append("")
    lines += [
        "## 结果 Results (留出半 held-out half)",
        "",
        *_table(result.summary, SUMMARY_COLUMNS),
        "",
    ]
    allp = result.extra.get("all_labelled_providers")
    if allp:
        lines += [
            f"全部有标签机构(留出半 {allp['providers']:,} 家，其中 {allp['without_claims']:,} 家在数据中没有住院赔案、"
            f"含欺诈 {allp['frauds_without_claims']:,} 家，得分为0) / all labelled providers of the held-out half "
            f"({allp['without_claims']:,} without inpatient claims, {allp['frauds_without_claims']:,} of them "
            f"fraudulent, score 0): ROC AUC {_f(allp['roc_auc'])} (赔案量基线 volume baseline "
            f"{_f(allp['baseline_volume_auc'])}), 前10%提升度 lift top 10% {_f(allp['lift_top10'], 2)} "
            f"(基线 {_f(allp['baseline_volume_lift_top10'], 2)})",
            "",
        ]
    lines += [
        "## 各规则 Per rule (留出半 held-out half)",
        "",
        "命中/精确率/召回率按"
        + unit
        + "计；医疗机构有该规则命中的赔案即计为命中。分值为评分卡每单位特征的分数"
        "(赔案级：命中即得分；机构级：乘以 ln(1+命中赔案数))，0 表示数据显示该规则无信号或反向。"
        "“去掉后AUC下降”是去掉该规则重新拟合后留出半 AUC 的下降，即该规则贡献的信号。 / "
        "Flagged, precision and recall count "
        + unit.split()[-1]
        + "s; a provider is flagged when any of its "
        "claims is. Points are the scorecard points per unit of the feature (claims: per hit; providers: times "
        "ln(1 + flagged claims)); 0 means the data shows no signal or an inverse one. 'AUC lost' is the drop in "
        "held-out AUC when the rule is left out and the rest refitted: the signal it carries.",
        "",
        *_table(result.rules, RULE_COLUMNS),
        "",
        "## 调参 Tuning (调参半 tuning half)",
        "",
        *_table(
            pd.DataFrame(result.tuning),
            [
                ("rule", "规则 rule", None),
                ("param", "参数 param", None),
                ("value", "取值 value", None),
                ("tune_auc", "调参半AUC", 4),
                ("kept", "采用 kept", None),
            ],
        ),
        "",
        "## 数据文件 Data files",
        "",
        *[
            f"- `{d['file']}` {d['bytes']:,} bytes sha256 `{d['sha256']}`"
            for d in result.data_files
        ],
        "",
    ]
    return "\n".join(lines)


def to_text(result) -> str:
    """The short version printed by the CLI: the results and per-rule tables."""
    md = markdown(result)
    head, _, rest = md.partition("## 调参 Tuning")
    return head.rstrip() + "\n"


def write_report(result, out: Path) -> dict[str, Path]:
    """``report.md``, ``metrics.json`` and ``tuned_params.yaml`` in ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    files = {
        "report": out / "report.md",
        "metrics": out / "metrics.json",
        "params": out / "tuned_params.yaml",
    }
    files["report"].write_text(markdown(result), encoding="utf-8")
    files["metrics"].write_text(
        json.dumps(_clean(result.to_json()), ensure_ascii=False, indent=2, default=_json_default),
        encoding="utf-8",
    )
    files["params"].write_text(
        "# Rule parameters tuned on the tuning half of the public dataset "
        f"'{result.dataset}' (seed {result.seed}).\n"
        "# They apply to that dataset's warehouse (outputs/public/<dataset>/), as the params of\n"
        "# workbench.screen.screen(); the province's own defaults are unchanged.\n"
        + yaml.safe_dump(result.params, allow_unicode=True, sort_keys=True),
        encoding="utf-8",
    )
    return files


def _clean(value):
    """NaN → None (JSON has no NaN), recursively."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _json_default(value):
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return str(value)
