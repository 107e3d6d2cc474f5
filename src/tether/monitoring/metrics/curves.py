"""Ranking figures from scores: ROC and precision-recall curves with their areas, calibration bins.

Each curve is computed at every distinct score (so the areas are exact, as scikit-learn computes them)
and thinned only for display, to at most a few hundred points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Ranked:
    """True and false positives counted at each distinct score, highest score first."""

    tps: FloatArray
    fps: FloatArray
    thresholds: FloatArray


def rank(positive: BoolArray, scores: FloatArray) -> Ranked:
    order = np.argsort(-scores, kind="mergesort")
    ordered, hits = scores[order], positive[order]
    cuts = np.flatnonzero(np.diff(ordered))
    last = np.r_[cuts, hits.size - 1]
    tps = np.cumsum(hits, dtype=np.float64)[last]
    fps = (last + 1).astype(np.float64) - tps
    return Ranked(tps, fps, ordered[last])


def roc(positive: BoolArray, scores: FloatArray) -> tuple[FloatArray, FloatArray, float] | None:
    """False and true positive rates at each threshold, and the area; None without both classes."""
    if not positive.any() or positive.all():
        return None
    ranked = rank(positive, scores)
    fpr = np.r_[0.0, ranked.fps] / ranked.fps[-1]
    tpr = np.r_[0.0, ranked.tps] / ranked.tps[-1]
    return fpr, tpr, float(np.trapezoid(tpr, fpr))


def precision_recall(positive: BoolArray, scores: FloatArray) -> tuple[FloatArray, FloatArray, float] | None:
    """Recall and precision at each threshold, and the average precision; None without positives."""
    if not positive.any():
        return None
    ranked = rank(positive, scores)
    precision = ranked.tps / (ranked.tps + ranked.fps)
    recall = ranked.tps / ranked.tps[-1]
    precision = np.r_[precision[::-1], 1.0]
    recall = np.r_[recall[::-1], 0.0]
    average = float(-np.sum(np.diff(recall) * precision[:-1]))
    return recall, precision, average


def calibration(positive: BoolArray, scores: FloatArray, bins: int) -> tuple[FloatArray, FloatArray]:
    """Mean predicted probability and observed share of positives in each non-empty uniform bin."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.searchsorted(edges[1:-1], scores)
    totals = np.bincount(which, minlength=bins).astype(np.float64)
    predicted = np.bincount(which, weights=scores, minlength=bins)
    observed = np.bincount(which, weights=positive.astype(np.float64), minlength=bins)
    filled = totals > 0
    return predicted[filled] / totals[filled], observed[filled] / totals[filled]


def thin(x: FloatArray, y: FloatArray, limit: int) -> tuple[list[float], list[float]]:
    """At most ``limit`` points spread evenly along the curve, always keeping both ends."""
    if x.size > limit:
        keep = np.unique(np.round(np.linspace(0, x.size - 1, limit)).astype(np.int64))
        x, y = x[keep], y[keep]
    return [float(v) for v in x], [float(v) for v in y]
