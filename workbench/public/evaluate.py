"""One evaluation of a public dataset (公开数据集评估): ingest, tune on one half, report on the other.

``evaluate_public(dataset, …)`` is what ``workbench evaluate-public`` and the tests call:

1. a fresh warehouse under ``outputs/public/<dataset>/`` is filled through the ingest door
   (:func:`~workbench.public.datasets.ingest_dataset`), tokens made with a one-off key that is
   never written anywhere (tokens only have to match within the run);
2. the labels are read beside the data and the labelled units (claims, or providers) are split
   into a fixed random half for tuning and a half for reporting (seed 20190701 unless told);
3. **tuning, on the tuning half only**: each rule runs once with its defaults; then, one rule
   parameter at a time, the values in the dataset's grid are tried and kept when they raise the
   tuning-half ROC AUC of the refitted scorecard (:mod:`.scorecard`);
4. the warehouse is screened with the tuned parameters by :func:`workbench.screen.screen` (the
   province rules that apply, then the public rules of ``sql/rules_public/``), so the clues,
   their evidence and the run record are the product's own;
5. the scorecard is fitted on the tuning half from those clues and every figure is computed on
   the held-out half: ROC AUC, lift in the top 5 % and 10 %, per-rule precision and recall, what
   each rule adds (the AUC lost when it is left out), beside the baselines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from ..config import Campaign
from ..engine import Engine
from ..protect import Tokenizer
from ..rules import Rule, discover
from ..screen import git_commit, screen
from ..warehouse import SQL_DIR, connect
from . import scorecard as sc
from .datasets import PublicDataset, ingest_dataset, public_campaign

log = logging.getLogger(__name__)

#: The public-data rules (rules the province data cannot feed): ``sql/rules_public/<line>/<id>.sql``.
RULES_PUBLIC_DIR = SQL_DIR / "rules_public"

#: The seed of the fixed random half (the project's seed, as for the synthetic province).
DEFAULT_SEED = 20190701

#: The feature name of a provider's claim volume (Medicare): the baseline, kept in the score.
VOLUME = "volume"


@dataclass
class Units:
    """The labelled units of one dataset and their halves."""

    keys: np.ndarray  # unit keys (claim numbers or provider codes) that the data holds
    y: np.ndarray  # 1 = fraud
    tune: np.ndarray  # True = tuning half
    volume: np.ndarray  # claims of the unit in the warehouse
    claim_unit: pd.Series  # claim_no -> unit key
    labelled: pd.DataFrame  # every labelled unit: key, label, tune, in_data


@dataclass
class Result:
    """Everything an evaluation measured (what the report and the tests read)."""

    dataset: str
    level: str
    seed: int
    started_at: str
    seconds: float
    commit: str | None
    data_files: list[dict]
    load: pd.DataFrame
    rejects: pd.DataFrame
    counts: dict
    params: dict  # rule -> tuned parameters
    defaults: dict  # rule -> default parameters
    tuning: list[dict]  # every tried value and the tuning-half AUC it gave
    rules: pd.DataFrame  # per rule: title, hits, precision, recall, lift, AUC, points, ΔAUC
    summary: pd.DataFrame  # score vs baselines: AUC and lifts on the held-out half
    extra: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "dataset": self.dataset,
            "level": self.level,
            "seed": self.seed,
            "started_at": self.started_at,
            "seconds": round(self.seconds, 1),
            "commit": self.commit,
            "data_files": self.data_files,
            "counts": self.counts,
            "params": self.params,
            "tuning": self.tuning,
            "load": self.load.to_dict(orient="records"),
            "rejects": self.rejects.to_dict(orient="records"),
            "summary": self.summary.to_dict(orient="records"),
            "rules": self.rules.to_dict(orient="records"),
            "extra": self.extra,
        }


# --- units and features -----------------------------------------------------------------------


def load_units(
    con: duckdb.DuckDBPyConnection, dataset: PublicDataset, labels: pd.DataFrame, seed: int
) -> Units:
    """Labelled units, their halves (over every labelled key), and which of them the warehouse holds."""
    labelled = labels.drop_duplicates("key").reset_index(drop=True)
    labelled["tune"] = sc.split_half(labelled["key"], seed)
    if dataset.level == "claim":
        claims = (
            con.execute("SELECT DISTINCT claim_no FROM auto_claim").df()["claim_no"].astype(str)
        )
        claim_unit = pd.Series(claims.values, index=claims.values)
        volume = pd.Series(1, index=claims.values)
    else:
        pairs = con.execute(
            "SELECT claim_no, hospital_code FROM ah_claim WHERE hospital_code IS NOT NULL"
        ).df()
        claim_unit = pd.Series(
            pairs["hospital_code"].astype(str).values, index=pairs["claim_no"].astype(str).values
        )
        volume = claim_unit.value_counts()
    labelled["in_data"] = labelled["key"].isin(volume.index)
    held = labelled[labelled["in_data"]].reset_index(drop=True)
    return Units(
        keys=held["key"].to_numpy(dtype=object),
        y=held["label"].to_numpy(dtype=int),
        tune=held["tune"].to_numpy(dtype=bool),
        volume=volume.reindex(held["key"]).fillna(0).to_numpy(dtype=float),
        claim_unit=claim_unit,
        labelled=labelled,
    )


def unit_feature(rows: pd.DataFrame, units: Units, level: str) -> np.ndarray:
    """One rule's feature per unit from its rows (record_kind, record_no): for claims, 1 when the
    claim is in a clue; for providers, log(1 + the provider's claims in clues)."""
    claims = (
        rows.loc[rows["record_kind"].isin(("auto_claim", "ah_claim")), "record_no"]
        .astype(str)
        .unique()
    )
    hit_units = units.claim_unit.reindex(claims).dropna()
    counts = hit_units.value_counts()
    per_unit = counts.reindex(units.keys).fillna(0).to_numpy(dtype=float)
    if level == "claim":
        return (per_unit > 0).astype(float)
    return np.log1p(per_unit)


def _matrix(features: dict[str, np.ndarray], names: list[str]) -> np.ndarray:
    return np.column_stack([features[n] for n in names]) if names else np.zeros((0, 0))


def _fit_auc(features: dict, names: list[str], units: Units, on_tune: bool = True) -> float:
    x = _matrix(features, names)
    t = units.tune
    _, w = sc.fit_weights(x[t], units.y[t])
    s = sc.score(x, sc.points(w))
    mask = t if on_tune else ~t
    return sc.roc_auc(s[mask], units.y[mask])


# --- the run ----------------------------------------------------------------------------------


def selected_rules(dataset: PublicDataset) -> tuple[list[Rule], list[Rule]]:
    """(province rules, public rules) that run on the dataset."""
    province = discover()
    public = discover(RULES_PUBLIC_DIR)
    return (
        [province[r] for r in dataset.province_rules],
        [r for r in public.values() if r.line in dataset.public_lines],
    )


def tune_parameters(engine: Engine, rules: list[Rule], dataset: PublicDataset, units: Units):
    """Coordinate search over the dataset's grids on the tuning half; returns (params, log)."""
    params = {r.id: r.bind() for r in rules}
    by_id = {r.id: r for r in rules}
    feats = {r.id: unit_feature(engine.fetch(r, params[r.id]), units, dataset.level) for r in rules}
    names = list(feats)
    if dataset.level == "provider":
        feats[VOLUME] = np.log1p(units.volume)
        names = [VOLUME, *names]
    best = _fit_auc(feats, names, units)
    trials = [dict(rule="(defaults)", param="", value="", tune_auc=round(best, 4), kept=True)]
    for rid, grid in dataset.grids.items():
        if rid not in by_id:
            continue
        for pname, values in grid.items():
            for value in values:
                if value == params[rid][pname]:
                    continue
                trial = dict(params[rid], **{pname: value})
                saved = feats[rid]
                feats[rid] = unit_feature(engine.fetch(by_id[rid], trial), units, dataset.level)
                auc = _fit_auc(feats, names, units)
                kept = auc > best + 1e-4
                trials.append(
                    dict(rule=rid, param=pname, value=value, tune_auc=round(auc, 4), kept=kept)
                )
                if kept:
                    best, params[rid] = auc, trial
                else:
                    feats[rid] = saved
    return params, trials


def warehouse_rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """(rule_id, record_kind, record_no, score) of every current clue's records."""
    return con.execute(
        "SELECT c.rule_id, r.record_kind, r.record_no, c.score FROM clues AS c "
        "JOIN clue_records AS r USING (clue_id) WHERE c.current"
    ).df()


def _file_facts(dataset: PublicDataset, data_dir: Path) -> list[dict]:
    out = []
    for src in dataset.sources:
        for path in sorted(data_dir.glob(src.pattern)):
            h = hashlib.sha256(path.read_bytes()).hexdigest()
            out.append(dict(file=path.name, bytes=path.stat().st_size, sha256=h))
    return out


def evaluate_public(
    dataset: PublicDataset,
    campaign: Campaign,
    *,
    data_root: str | Path | None = None,
    out_dir: str | Path | None = None,
    seed: int = DEFAULT_SEED,
) -> Result:
    """Run one evaluation; see the module docstring.  Writes ``outputs/public/<dataset>/``."""
    started = time.perf_counter()
    started_at = dt.datetime.now().replace(microsecond=0).isoformat()
    data_dir = dataset.data_dir(data_root)
    out = Path(out_dir) if out_dir else campaign.output_dir / "public" / dataset.name
    out.mkdir(parents=True, exist_ok=True)
    for name in ("warehouse.duckdb", "warehouse.duckdb.wal"):  # a fresh warehouse every run
        (out / name).unlink(missing_ok=True)
    camp = public_campaign(campaign, dataset, out)
    labels = dataset.labels(data_dir)  # read beside the data; never loaded
    con = connect(camp.warehouse)
    try:
        load = ingest_dataset(dataset, data_dir, con, camp, Tokenizer(secrets.token_bytes(32)))
        units = load_units(con, dataset, labels, seed)
        province, public = selected_rules(dataset)
        rules = province + public
        params, trials = tune_parameters(Engine(con), rules, dataset, units)
        prov_ids = [r.id for r in province]
        if prov_ids:
            screen(con, rules=prov_ids, params={k: params[k] for k in prov_ids}, rings=False)
        screen(
            con,
            rules_dir=RULES_PUBLIC_DIR,
            lines=list(dataset.public_lines),
            params={r.id: params[r.id] for r in public},
            rings=False,
        )
        rows = warehouse_rows(con)
    finally:
        con.close()
    result = measure(dataset, units, rules, rows, params, trials)
    result.started_at = started_at
    result.seed = seed
    result.commit = git_commit()
    result.data_files = _file_facts(dataset, data_dir)
    result.load, result.rejects = load.rows, load.rejects
    result.seconds = time.perf_counter() - started
    from .report import write_report

    write_report(result, out)
    return result


def measure(
    dataset: PublicDataset,
    units: Units,
    rules: list[Rule],
    rows: pd.DataFrame,
    params: dict,
    trials: list[dict],
) -> Result:
    """Fit the scorecard on the tuning half from the clues, and measure it on the held-out half."""
    level = dataset.level
    feats = {r.id: unit_feature(rows[rows["rule_id"] == r.id], units, level) for r in rules}
    names = [r.id for r in rules]
    if level == "provider":
        feats[VOLUME] = np.log1p(units.volume)
        names = [VOLUME, *names]
    x = _matrix(feats, names)
    t, h, y = units.tune, ~units.tune, units.y
    _, w = sc.fit_weights(x[t], y[t])
    pts = sc.points(w)
    s = sc.score(x, pts)
    full_auc = sc.roc_auc(s[h], y[h])

    summary = [_summary_row("综合评分(调参后) tuned scorecard", s[h], y[h], sc.roc_auc(s[t], y[t]))]
    extra: dict = {}
    if level == "claim":
        best = max((r.id for r in rules), key=lambda rid: sc.roc_auc(feats[rid][t], y[t]))
        summary.append(
            _summary_row(
                f"最强单条规则 best single rule ({best})",
                feats[best][h],
                y[h],
                sc.roc_auc(feats[best][t], y[t]),
            )
        )
        std = _standard_score(rows, units)
        summary.append(
            _summary_row(
                "工作台标准评分(未调参) workbench clue score, untuned",
                std[h],
                y[h],
                sc.roc_auc(std[t], y[t]),
            )
        )
    else:
        vol = feats[VOLUME]
        summary.append(
            _summary_row(
                "基线：赔案量 baseline: claim volume alone", vol[h], y[h], sc.roc_auc(vol[t], y[t])
            )
        )
        rule_names = [n for n in names if n != VOLUME]
        _, wr = sc.fit_weights(_matrix(feats, rule_names)[t], y[t])
        sr = sc.score(_matrix(feats, rule_names), sc.points(wr))
        summary.append(
            _summary_row(
                "仅规则(不含赔案量) rules without volume", sr[h], y[h], sc.roc_auc(sr[t], y[t])
            )
        )
        extra["all_labelled_providers"] = _all_providers(units, s, vol)
    summary.append(
        dict(
            score="随机排序 chance",
            roc_auc=0.5,
            lift_top5=1.0,
            lift_top10=1.0,
            precision_top10=float(y[h].mean()),
            recall_top10=0.10,
            tune_auc=0.5,
        )
    )

    rule_rows = []
    for j, name in enumerate(names):
        f = feats[name]
        flag = f > 0
        n, precision, recall = sc.precision_recall(flag[h], y[h])
        without = [m for m in names if m != name]
        delta = (
            full_auc - _fit_auc(feats, without, units, on_tune=False) if without else float("nan")
        )
        rule = next((r for r in rules if r.id == name), None)
        changed = {
            k: v for k, v in params.get(name, {}).items() if rule and v != rule.bind().get(k)
        }
        rule_rows.append(
            dict(
                rule=name,
                title_zh=rule.title_zh if rule else "赔案量(规模项)",
                title_en=rule.title_en if rule else "claim volume (scale term)",
                source="province"
                if rule and rule.id in dataset.province_rules
                else ("public" if rule else "baseline"),
                severity=rule.severity if rule else None,
                flagged=n,
                precision=precision,
                recall=recall,
                lift=precision / y[h].mean() if n and y[h].mean() else float("nan"),
                auc_alone=sc.roc_auc(f[h], y[h]) if np.ptp(f[h]) > 0 else float("nan"),
                points=float(pts[j]),
                auc_drop=delta,
                params=json.dumps(params.get(name, {}), ensure_ascii=False),
                tuned=json.dumps(changed, ensure_ascii=False),
            )
        )
    counts = dict(
        labelled=int(len(units.labelled)),
        labelled_frauds=int(units.labelled["label"].sum()),
        in_data=int(len(units.keys)),
        tune=int(t.sum()),
        tune_frauds=int(y[t].sum()),
        held_out=int(h.sum()),
        held_out_frauds=int(y[h].sum()),
        base_rate_held_out=float(y[h].mean()),
    )
    return Result(
        dataset=dataset.name,
        level=level,
        seed=0,
        started_at="",
        seconds=0.0,
        commit=None,
        data_files=[],
        load=pd.DataFrame(),
        rejects=pd.DataFrame(),
        counts=counts,
        params=params,
        defaults={r.id: r.bind() for r in rules},
        tuning=trials,
        rules=pd.DataFrame(rule_rows),
        summary=pd.DataFrame(summary),
        extra=extra,
    )


def _summary_row(name: str, s, y, tune_auc: float) -> dict:
    frauds, k = sc.top_share(s, y, 0.10)
    return dict(
        score=name,
        roc_auc=sc.roc_auc(s, y),
        lift_top5=sc.lift_at(s, y, 0.05),
        lift_top10=sc.lift_at(s, y, 0.10),
        precision_top10=frauds / k if k else float("nan"),
        recall_top10=frauds / y.sum() if y.sum() else float("nan"),
        tune_auc=tune_auc,
    )


def _standard_score(rows: pd.DataFrame, units: Units) -> np.ndarray:
    """The workbench's own clue score (12 × severity + signals + money), untuned: per claim, the
    best score of the clues it is in (0 when none)."""
    r = rows[rows["record_kind"] == "auto_claim"]
    best = r.groupby(r["record_no"].astype(str))["score"].max()
    return best.reindex(units.keys).fillna(0).to_numpy(dtype=float)


def _all_providers(units: Units, s: np.ndarray, vol: np.ndarray) -> dict:
    """AUC over every labelled provider of the held-out half: those without claims score 0."""
    lab = units.labelled
    held = lab[~lab["tune"]]
    score = pd.Series(s, index=units.keys).reindex(held["key"]).fillna(0).to_numpy()
    volume = pd.Series(vol, index=units.keys).reindex(held["key"]).fillna(0).to_numpy()
    yy = held["label"].to_numpy(dtype=int)
    return dict(
        providers=int(len(held)),
        frauds=int(yy.sum()),
        without_claims=int((~held["in_data"]).sum()),
        frauds_without_claims=int(held.loc[~held["in_data"], "label"].sum()),
        roc_auc=sc.roc_auc(score, yy),
        baseline_volume_auc=sc.roc_auc(volume, yy),
        lift_top10=sc.lift_at(score, yy, 0.10),
        baseline_volume_lift_top10=sc.lift_at(volume, yy, 0.10),
    )
