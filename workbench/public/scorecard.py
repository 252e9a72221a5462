"""The scorecard and its measures (评分卡与评估指标): split, weights, ROC AUC, lift.

Why a scorecard and not a model: every point a claim or provider receives comes from a named
rule that fired on it, with a weight a reviewer can read in one table.  The weights are the
coefficients of a logistic fit of the label on the rule features of the *tuning* half
(lightly L2-regularised, intercept free), constrained to be non-negative — a rule is a red flag,
so a hit never lowers suspicion; a rule the data finds useless or inverse gets weight 0 and the
report says so.  Points are ten times the weight, rounded to one decimal, and the score is the
sum of the points: what is printed is exactly what ranks.

Everything here is plain numpy over arrays; no learning library is involved.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Points per unit of log-odds: a weight of 0.25 is 2.5 points.
POINTS_PER_LOGIT = 10.0


def split_half(keys, seed: int) -> np.ndarray:
    """A fixed random half: True = tuning half.  Depends only on the set of keys and the seed
    (keys are sorted first), so the same data and seed give the same halves on every run."""
    keys = np.asarray([str(k) for k in keys], dtype=object)
    order = np.argsort(keys, kind="stable")
    perm = np.random.default_rng(seed).permutation(len(keys))
    tune_sorted = np.zeros(len(keys), dtype=bool)
    tune_sorted[perm[: len(keys) // 2]] = True
    out = np.zeros(len(keys), dtype=bool)
    out[order] = tune_sorted
    return out


def roc_auc(score, y) -> float:
    """Area under the ROC curve (ties count one half), by ranks; NaN without both classes."""
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=int)
    n1, n0 = int(y.sum()), int(len(y) - y.sum())
    if n1 == 0 or n0 == 0:
        return float("nan")
    r = pd.Series(score).rank(method="average").to_numpy()
    return float((r[y == 1].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def top_share(score, y, fraction: float) -> tuple[float, float]:
    """(frauds expected in the top ``fraction`` by score, size of that top), ties split evenly:
    units tied at the cut count with the fraud rate of their tie group."""
    score, y = np.asarray(score, dtype=float), np.asarray(y, dtype=float)
    k = int(round(len(score) * fraction))
    if k == 0:
        return 0.0, 0
    cut = np.sort(score)[::-1][k - 1]
    above = score > cut
    tied = score == cut
    frauds = y[above].sum() + (k - above.sum()) * (y[tied].mean() if tied.any() else 0.0)
    return float(frauds), k


def lift_at(score, y, fraction: float) -> float:
    """Lift in the top ``fraction``: its fraud rate over the base rate (1.0 = no better than chance)."""
    y = np.asarray(y, dtype=float)
    frauds, k = top_share(score, y, fraction)
    if k == 0 or y.mean() == 0:
        return float("nan")
    return float((frauds / k) / y.mean())


def _logistic(x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 100) -> np.ndarray:
    """Newton (IRLS) fit of intercept + weights with an L2 penalty on the weights."""
    a = np.column_stack([np.ones(len(x)), x])
    w = np.zeros(a.shape[1])
    pen = np.full(a.shape[1], l2)
    pen[0] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(a @ w, -30, 30)))
        grad = a.T @ (y - p) - pen * w
        hess = a.T @ (a * (p * (1 - p))[:, None]) + np.diag(pen)
        step = np.linalg.solve(hess, grad)
        w += step
        if np.max(np.abs(step)) < 1e-8:
            break
    return w


def fit_weights(x, y, l2: float = 1.0) -> tuple[float, np.ndarray]:
    """Non-negative L2 logistic weights: (intercept, weights).  Features whose weight would be
    negative are set to 0 one at a time (most negative first) and the rest refitted."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    active = [
        j for j in range(x.shape[1]) if np.ptp(x[:, j]) > 0
    ]  # a constant feature says nothing
    weights = np.zeros(x.shape[1])
    intercept = 0.0
    while True:
        w = _logistic(x[:, active], y, l2) if active else _logistic(np.zeros((len(y), 0)), y, l2)
        intercept, sub = float(w[0]), w[1:]
        if not len(sub) or sub.min() >= 0:
            break
        active.pop(int(np.argmin(sub)))
    weights[active] = sub
    return intercept, weights


def points(weights) -> np.ndarray:
    """Scorecard points of each feature (10 × weight, one decimal)."""
    return np.round(np.asarray(weights, dtype=float) * POINTS_PER_LOGIT, 1)


def score(x, pts) -> np.ndarray:
    """The score of each unit: the sum of its features times their points."""
    x = np.asarray(x, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    return x @ np.asarray(pts, dtype=float)


def precision_recall(flag, y) -> tuple[int, float, float]:
    """(units flagged, precision, recall) of a 0/1 flag against the labels."""
    flag, y = np.asarray(flag, dtype=bool), np.asarray(y, dtype=int)
    n = int(flag.sum())
    tp = int(y[flag].sum())
    precision = tp / n if n else float("nan")
    recall = tp / y.sum() if y.sum() else float("nan")
    return n, float(precision), float(recall)
