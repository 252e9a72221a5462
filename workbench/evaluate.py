"""Measured recall and precision against the synthetic ground truth (对照真值评估).

Why: a rule library is only as good as what it finds and how much noise it
sends to the companies.  The synthetic province plants fraud scenarios and
hard negatives (look-alikes that must *not* end in the top tier) and writes
their records to ``ground_truth/``; this module joins the current clues to
them, set-based, and reports:

* **recall per fraud kind** (召回率): planted scenarios of the period found by at
  least one clue of the right fraud kind touching at least one of their records
  (matched on company code + record number);
* **precision per rule** (规则精确率): share of a rule's clues that touch a planted
  scenario record;
* **top-tier precision per fraud kind** (一级线索精确率): the same, among tier-A
  clues of that kind;
* **hard negatives in the top tier** (困难负样本误入一级): must be 0.

Targets on the demo province: recall ≥ 0.95 and top-tier precision ≥ 0.8 for
every fraud kind, no hard negative in the top tier.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .errors import WorkbenchError
from .taxonomy import FRAUD_KINDS, HIGH_RISK_CATEGORIES

TARGETS = {"recall": 0.95, "top_precision": 0.8, "negatives_in_top": 0}
TRUTH_FILES = ("scenarios.csv", "records.csv", "negatives.csv")


@dataclass
class Evaluation:
    """The evaluation tables (评估结果)."""

    kinds: pd.DataFrame
    rules: pd.DataFrame
    negatives: pd.DataFrame
    missed: pd.DataFrame
    rings: pd.DataFrame

    @property
    def passed(self) -> bool:
        k = self.kinds
        ok_recall = bool((k["recall"].fillna(1.0) >= TARGETS["recall"]).all())
        ok_prec = bool((k["top_precision"].fillna(1.0) >= TARGETS["top_precision"]).all())
        ok_neg = (
            int(self.negatives["in_top_tier"].sum()) <= TARGETS["negatives_in_top"]
            if len(self.negatives)
            else True
        )
        return ok_recall and ok_prec and ok_neg

    def summary(self) -> dict:
        return {
            "passed": self.passed,
            "targets": TARGETS,
            "kinds": self.kinds.to_dict(orient="records"),
            "rules": self.rules.to_dict(orient="records"),
            "hard_negatives_in_top_tier": int(self.negatives["in_top_tier"].sum())
            if len(self.negatives)
            else 0,
            "hard_negatives_in_any_clue": int(self.negatives["in_any_clue"].sum())
            if len(self.negatives)
            else 0,
            "missed_scenarios": self.missed.to_dict(orient="records"),
            "rings": self.rings.to_dict(orient="records"),
        }

    def to_text(self) -> str:
        k = self.kinds.rename(
            columns={
                "period": "期间 period",
                "fraud_kind": "欺诈类型 fraud kind",
                "zh": "中文",
                "planted": "植入 planted",
                "found": "发现 found",
                "recall": "召回率 recall",
                "top_clues": "一级线索 top clues",
                "top_true": "一级命中 top true",
                "top_precision": "一级精确率 top precision",
            }
        )
        r = self.rules.rename(
            columns={
                "rule_id": "规则 rule",
                "fraud_kind": "欺诈类型 fraud kind",
                "clues": "线索 clues",
                "true_clues": "命中 true",
                "precision": "精确率 precision",
                "top_clues": "一级 top",
            }
        )
        neg = self.negatives
        lines = [
            "== 各欺诈类型召回率与一级线索精确率 / recall and top-tier precision per fraud kind ==",
            # no tier-A clue of a kind: its top precision is not a number, shown as a dash
            k.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="—"),
            "",
            "== 各规则精确率 / precision per rule ==",
            r.to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="—"),
            "",
            f"困难负样本 hard negatives: {len(neg)}；进入任一线索 in any clue: "
            f"{int(neg['in_any_clue'].sum()) if len(neg) else 0}；进入一级线索 in top tier: "
            f"{int(neg['in_top_tier'].sum()) if len(neg) else 0}",
            f"达标 targets met (recall ≥ {TARGETS['recall']}, top precision ≥ {TARGETS['top_precision']}, "
            f"no hard negative in top tier): {'是 yes' if self.passed else '否 no'}",
        ]
        if len(self.rings):
            found = int((self.rings["scenarios_in_ring_clue"] > 0).sum())
            lines += [
                "",
                f"植入团伙 planted rings: {len(self.rings)}；被团伙线索发现 found by a ring clue: {found}",
            ]
        if len(self.missed):
            lines += ["", "== 漏检场景 missed scenarios ==", self.missed.to_string(index=False)]
        return "\n".join(lines)

    def write(self, out_dir: str | Path) -> list[Path]:
        """CSV tables and a JSON summary under ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = []
        for name, df in (
            ("evaluation_kinds", self.kinds),
            ("evaluation_rules", self.rules),
            ("evaluation_negatives", self.negatives),
            ("evaluation_missed", self.missed),
            ("evaluation_rings", self.rings),
        ):
            path = out / f"{name}.csv"
            df.to_csv(path, index=False, encoding="utf-8-sig")
            paths.append(path)
        path = out / "evaluation.json"
        path.write_text(
            json.dumps(self.summary(), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        paths.append(path)
        return paths


def load_truth(truth_dir: str | Path) -> dict[str, pd.DataFrame]:
    """The ground-truth tables (真值), every column read as text."""
    truth_dir = Path(truth_dir)
    missing = [f for f in TRUTH_FILES if not (truth_dir / f).is_file()]
    if missing:
        raise WorkbenchError(
            f"真值目录缺少文件 {', '.join(missing)}：请先运行 workbench synth / ground truth incomplete in "
            f"{truth_dir}: missing {', '.join(missing)}; run `workbench synth` first"
        )
    return {
        f[:-4]: pd.read_csv(truth_dir / f, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        for f in TRUTH_FILES
    }


def evaluate(
    con: duckdb.DuckDBPyConnection, truth_dir: str | Path, periods: tuple[str, ...] | None = None
) -> Evaluation:
    """Compare the current clues with the ground truth in ``truth_dir``.

    ``periods`` defaults to every period that has a finished screening run.
    """
    truth = load_truth(truth_dir)
    if periods is None:
        periods = tuple(
            r[0]
            for r in con.execute(
                "SELECT DISTINCT period FROM screen_runs WHERE status = 'done' ORDER BY period"
            ).fetchall()
        )
    if not periods:
        raise WorkbenchError(
            "还没有筛查结果，请先运行 workbench screen / no screening run yet; run `workbench screen`"
        )
    from .rules import discover

    # scenarios may also plant a high-risk person (e.g. medical_abuse): found by a clue of a rule
    # declaring that category
    kinds = pd.DataFrame(
        [(k, v.zh) for k, v in FRAUD_KINDS.items()]
        + [(k, v) for k, v in HIGH_RISK_CATEGORIES.items()],
        columns=["fraud_kind", "zh"],
    )
    rule_hr = pd.DataFrame(
        [(r.id, h) for r in discover().values() for h in r.high_risk],
        columns=["rule_id", "category"],
    )
    cur = con.cursor()
    try:
        cur.register("t_scen", truth["scenarios"])
        cur.register("t_rec", truth["records"])
        cur.register("t_neg", truth["negatives"])
        cur.register("t_kinds", kinds)
        cur.register("t_rule_hr", rule_hr)
        cur.execute("CREATE OR REPLACE TEMP TABLE _eval_periods (period VARCHAR)")
        cur.executemany("INSERT INTO _eval_periods VALUES (?)", [(p,) for p in periods])
        cur.execute(_SQL_PREP)
        return Evaluation(
            kinds=cur.execute(_SQL_KINDS).df(),
            rules=cur.execute(_SQL_RULES).df(),
            negatives=cur.execute(_SQL_NEG).df(),
            missed=cur.execute(_SQL_MISSED).df(),
            rings=cur.execute(_SQL_RINGS).df(),
        )
    finally:
        cur.close()


_SQL_PREP = """
CREATE OR REPLACE TEMP TABLE _eval_clues AS
SELECT c.clue_id, c.rule_id, c.period, c.fraud_kind, c.tier
FROM clues AS c JOIN _eval_periods AS p ON p.period = c.period
WHERE c.current;

CREATE OR REPLACE TEMP TABLE _eval_touch AS
SELECT DISTINCT c.clue_id, c.rule_id, c.period, c.fraud_kind AS clue_kind, c.tier, s.scenario_id,
       s.fraud_kind AS scenario_kind,
       c.fraud_kind = s.fraud_kind OR EXISTS (SELECT 1 FROM t_rule_hr AS h
                                              WHERE h.rule_id = c.rule_id AND h.category = s.fraud_kind)
           AS right_kind
FROM _eval_clues AS c
JOIN clue_records AS r ON r.clue_id = c.clue_id
JOIN t_rec AS tr ON tr.company_code = r.company_code AND tr.record_no = r.record_no
JOIN t_scen AS s ON s.scenario_id = tr.scenario_id;
"""

_SQL_KINDS = """
WITH planted AS (
    SELECT p.period, s.fraud_kind, s.scenario_id
    FROM t_scen AS s JOIN _eval_periods AS p
      ON p.period = CASE WHEN s.period IN ('', 'campaign') THEN 'campaign' ELSE s.period END
      OR p.period = 'both'
),
found AS (
    SELECT DISTINCT period, scenario_id FROM _eval_touch WHERE right_kind
),
rec AS (
    SELECT pl.period, pl.fraud_kind, count(*) AS planted, count(f.scenario_id) AS found
    FROM planted AS pl LEFT JOIN found AS f ON f.period = pl.period AND f.scenario_id = pl.scenario_id
    GROUP BY pl.period, pl.fraud_kind
),
top_clues AS (
    SELECT c.period, c.fraud_kind, count(*) AS top_clues,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM _eval_touch AS t WHERE t.clue_id = c.clue_id)) AS top_true
    FROM _eval_clues AS c WHERE c.tier = 'A' GROUP BY c.period, c.fraud_kind
),
grid AS (
    SELECT p.period, k.fraud_kind, k.zh FROM _eval_periods AS p CROSS JOIN t_kinds AS k
)
SELECT g.period, g.fraud_kind, g.zh, coalesce(rec.planted, 0) AS planted, coalesce(rec.found, 0) AS found,
       CAST(rec.found AS DOUBLE) / NULLIF(rec.planted, 0) AS recall,
       coalesce(t.top_clues, 0) AS top_clues, coalesce(t.top_true, 0) AS top_true,
       CAST(t.top_true AS DOUBLE) / NULLIF(t.top_clues, 0) AS top_precision
FROM grid AS g
LEFT JOIN rec ON rec.period = g.period AND rec.fraud_kind = g.fraud_kind
LEFT JOIN top_clues AS t ON t.period = g.period AND t.fraud_kind = g.fraud_kind
WHERE coalesce(rec.planted, 0) > 0 OR coalesce(t.top_clues, 0) > 0
ORDER BY g.period, g.fraud_kind
"""

_SQL_RULES = """
SELECT c.period, c.rule_id,
       CASE WHEN count(DISTINCT c.fraud_kind) > 1 THEN 'mixed' ELSE min(c.fraud_kind) END AS fraud_kind,
       count(*) AS clues,
       count(*) FILTER (WHERE EXISTS (SELECT 1 FROM _eval_touch AS t WHERE t.clue_id = c.clue_id)) AS true_clues,
       CAST(count(*) FILTER (WHERE EXISTS (SELECT 1 FROM _eval_touch AS t WHERE t.clue_id = c.clue_id)) AS DOUBLE)
           / count(*) AS precision,
       count(*) FILTER (WHERE c.tier = 'A') AS top_clues
FROM _eval_clues AS c
GROUP BY c.period, c.rule_id
ORDER BY c.period, c.rule_id
"""

_SQL_NEG = """
WITH hits AS (
    SELECT n.negative_id, c.clue_id, c.tier, c.rule_id
    FROM t_neg AS n
    JOIN clue_records AS r ON r.company_code = n.company_code AND r.record_no = n.record_no
    JOIN _eval_clues AS c ON c.clue_id = r.clue_id
)
SELECT n.negative_id, min(n.imitates) AS imitates, min(n.description_zh) AS description_zh,
       count(DISTINCT h.clue_id) > 0 AS in_any_clue,
       count(DISTINCT h.clue_id) FILTER (WHERE h.tier = 'A') > 0 AS in_top_tier,
       array_to_string(list_sort(list(DISTINCT h.rule_id || ':' || h.tier) FILTER (WHERE h.clue_id IS NOT NULL)),
                       ';') AS clues
FROM t_neg AS n LEFT JOIN hits AS h ON h.negative_id = n.negative_id
GROUP BY n.negative_id
ORDER BY n.negative_id
"""

_SQL_MISSED = """
WITH found AS (
    SELECT DISTINCT scenario_id FROM _eval_touch WHERE right_kind
),
touched AS (
    SELECT scenario_id, array_to_string(list_sort(list(DISTINCT rule_id)), ';') AS other_rules
    FROM _eval_touch GROUP BY scenario_id
)
SELECT s.scenario_id, s.fraud_kind, s.period, s.description_zh, coalesce(t.other_rules, '') AS touched_by
FROM t_scen AS s
JOIN _eval_periods AS p
  ON p.period = CASE WHEN s.period IN ('', 'campaign') THEN 'campaign' ELSE s.period END OR p.period = 'both'
LEFT JOIN found AS f ON f.scenario_id = s.scenario_id
LEFT JOIN touched AS t ON t.scenario_id = s.scenario_id
WHERE f.scenario_id IS NULL
ORDER BY s.fraud_kind, s.scenario_id
"""

_SQL_RINGS = """
WITH planted AS (
    SELECT DISTINCT s.ring_id, s.scenario_id
    FROM t_scen AS s
    JOIN _eval_periods AS p
      ON p.period = CASE WHEN s.period IN ('', 'campaign') THEN 'campaign' ELSE s.period END
      OR p.period = 'both'
    WHERE coalesce(s.ring_id, '') <> ''
),
hit AS (SELECT DISTINCT scenario_id, clue_id FROM _eval_touch WHERE rule_id = 'ring')
SELECT p.ring_id, count(DISTINCT p.scenario_id) AS scenarios,
       count(DISTINCT h.scenario_id) AS scenarios_in_ring_clue, count(DISTINCT h.clue_id) AS ring_clues
FROM planted AS p LEFT JOIN hit AS h ON h.scenario_id = p.scenario_id
GROUP BY p.ring_id
ORDER BY p.ring_id
"""
