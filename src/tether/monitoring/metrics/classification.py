"""``ClassificationPerformance``: how well predictions match the target, on current and reference data.

How predictions are read (labels, binary scores, per-class probabilities) is ``predictions.py``; here
everything is vectorised NumPy, computed the way scikit-learn computes it, so the figures agree.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np
import numpy.typing as npt
from pydantic import Field

from tether.errors import InvalidData
from tether.monitoring.metrics import curves
from tether.monitoring.metrics.base import MetricSpec, computes
from tether.monitoring.metrics.context import Context
from tether.monitoring.metrics.predictions import Predictions, read_sides
from tether.monitoring.results import (
    Curve,
    Item,
    Line,
    Matrix,
    MetricResult,
    NotComputed,
    Scalar,
    Table,
    Value,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


class ClassificationPerformance(MetricSpec):
    """Accuracy, per-class precision/recall/F1, ranking quality (ROC AUC, PR AUC) and calibration."""

    title: ClassVar[str] = "Classification performance"
    figures: ClassVar[tuple[str, ...]] = (
        "accuracy",
        "precision",
        "recall",
        "f1",
        "precision_macro",
        "recall_macro",
        "f1_macro",
        "precision_weighted",
        "recall_weighted",
        "f1_weighted",
        "support",
        "roc_auc",
        "pr_auc",
        "log_loss",
        "top_k_accuracy",
    )

    threshold: float = Field(default=0.5, ge=0, le=1)
    """A binary probability at or above this is a positive prediction."""
    top_k: int | None = Field(default=None, ge=1)
    """With one probability column per class: also report ``top_k_accuracy``, the true class among the k
    most probable."""
    curve_points: int = Field(default=200, ge=2)
    """Curves are thinned to at most this many points for display (areas use every point)."""
    calibration_bins: int = Field(default=10, ge=2)


@computes(ClassificationPerformance)
def classification_performance(spec: ClassificationPerformance, ctx: Context) -> MetricResult:
    current, reference = read_sides(ctx, spec.threshold)
    if isinstance(current, str):
        raise InvalidData(current)
    figures = evaluate(spec, current)
    items: list[Item] = []
    reference_figures: dict[str, Scalar] = {}
    if isinstance(reference, str):
        items.append(NotComputed(name="reference", title="Reference performance", reason=reference))
    else:
        reference_figures = evaluate(spec, reference)
    items += _headline(figures, reference_figures, current)
    items.append(_class_table(figures, reference_figures, current.classes))
    items += _matrices(current, None if isinstance(reference, str) else reference)
    items += _curves(spec, current, None if isinstance(reference, str) else reference)
    return MetricResult(
        metric=spec.type, title=spec.title, values=figures, reference_values=reference_figures, items=items
    )


# --- figures ---------------------------------------------------------------------------------------------


def evaluate(spec: ClassificationPerformance, side: Predictions) -> dict[str, Scalar]:
    """Every named figure for one side."""
    k = len(side.classes)
    matrix = confusion(side.truth, side.predicted, k)
    figures: dict[str, Scalar] = {"accuracy": _ratio(np.trace(matrix), matrix.sum())}
    tp = np.diag(matrix).astype(np.float64)
    support, predicted = matrix.sum(axis=1), matrix.sum(axis=0)
    precision, recall = _divide(tp, predicted), _divide(tp, support)
    f1 = _divide(2 * precision * recall, precision + recall)
    present = (support + predicted) > 0
    weights = support[present] / support[present].sum() if support.sum() else None
    for name, per_class in (("precision", precision), ("recall", recall), ("f1", f1)):
        for code, label in enumerate(side.classes):
            figures[f"{name}.{label}"] = float(per_class[code])
        figures[f"{name}_macro"] = float(per_class[present].mean()) if present.any() else 0.0
        figures[f"{name}_weighted"] = float(per_class[present] @ weights) if weights is not None else 0.0
        chosen = per_class[side.positive] if side.positive is not None else figures[f"{name}_macro"]
        figures[name] = float(chosen) if chosen is not None else None
    for code, label in enumerate(side.classes):
        figures[f"support.{label}"] = int(support[code])
    figures.update(_ranking(spec, side))
    headline = ("accuracy", "precision", "recall", "f1", "roc_auc", "pr_auc", "log_loss")
    return {**{k: figures[k] for k in headline if k in figures}, **figures}


def confusion(truth: IntArray, predicted: IntArray, k: int) -> IntArray:
    """Rows are actual classes, columns predicted ones."""
    counts: IntArray = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k).astype(np.int64)
    return counts


def _ranking(spec: ClassificationPerformance, side: Predictions) -> dict[str, Scalar]:
    if side.scores is None:
        return {}
    figures: dict[str, Scalar] = {}
    if side.scores.ndim == 1:
        assert side.positive is not None
        positive = side.truth == side.positive
        found_roc = curves.roc(positive, side.scores)
        found_pr = curves.precision_recall(positive, side.scores)
        figures["roc_auc"] = found_roc[2] if found_roc else None
        figures["pr_auc"] = found_pr[2] if found_pr else None
        figures["log_loss"] = _binary_log_loss(positive, side.scores)
        return figures
    aucs, precisions = [], []
    for code in range(len(side.classes)):
        positive = side.truth == code
        found_roc = curves.roc(positive, side.scores[:, code])
        found_pr = curves.precision_recall(positive, side.scores[:, code])
        if found_roc:
            aucs.append(found_roc[2])
        if found_pr:
            precisions.append(found_pr[2])
    figures["roc_auc"] = float(np.mean(aucs)) if aucs else None
    figures["pr_auc"] = float(np.mean(precisions)) if precisions else None
    figures["log_loss"] = _log_loss(side.truth, side.scores)
    if spec.top_k is not None:
        k = min(spec.top_k, len(side.classes))
        best = np.argpartition(-side.scores, k - 1, axis=1)[:, :k]
        figures["top_k_accuracy"] = float((best == side.truth[:, None]).any(axis=1).mean())
    return figures


_EPS = float(np.finfo(np.float64).eps)


def _binary_log_loss(positive: npt.NDArray[np.bool_], scores: FloatArray) -> float:
    p = np.clip(scores, _EPS, 1 - _EPS)
    return float(-np.mean(np.where(positive, np.log(p), np.log1p(-p))))


def _log_loss(truth: IntArray, probabilities: FloatArray) -> float:
    clipped = np.clip(probabilities, _EPS, 1 - _EPS)
    sums = clipped.sum(axis=1, keepdims=True)
    normalised = clipped / sums
    return float(-np.mean(np.log(normalised[np.arange(truth.size), truth])))


def _divide(top: FloatArray, bottom: npt.NDArray[np.int64] | FloatArray) -> FloatArray:
    """Element-wise ratio with 0 where the denominator is 0 (scikit-learn's ``zero_division=0``)."""
    result = np.zeros(top.shape, dtype=np.float64)
    np.divide(top, bottom, out=result, where=bottom != 0)
    return result


def _ratio(top: float | np.integer, bottom: float | np.integer) -> float:
    return float(top) / float(bottom) if bottom else 0.0


# --- items -----------------------------------------------------------------------------------------------

_HEADLINE = (
    ("accuracy", "Accuracy"),
    ("precision", "Precision"),
    ("recall", "Recall"),
    ("f1", "F1"),
    ("roc_auc", "ROC AUC"),
    ("pr_auc", "PR AUC"),
    ("log_loss", "Log loss"),
    ("top_k_accuracy", "Top-k accuracy"),
)


def _headline(figures: dict[str, Scalar], reference: dict[str, Scalar], side: Predictions) -> list[Item]:
    items: list[Item] = []
    for name, title in _HEADLINE:
        if name not in figures and name == "top_k_accuracy":
            continue
        if name not in figures:
            reason = "the prediction holds labels, not probabilities"
            items.append(NotComputed(name=name, title=title, reason=reason))
        elif figures[name] is None:
            reason = "the target holds a single class" if name != "pr_auc" else "the target has no positives"
            items.append(NotComputed(name=name, title=title, reason=reason))
        else:
            items.append(Value(name=name, title=title, value=figures[name], reference=reference.get(name)))
    if side.dropped:
        items.append(
            Value(name="rows_skipped", title="Rows without target or prediction", value=side.dropped)
        )
    return items


def _class_table(figures: dict[str, Scalar], reference: dict[str, Scalar], classes: list[str]) -> Table:
    rows: list[list[Scalar]] = []
    for label in classes:
        row: list[Scalar] = [label, figures[f"support.{label}"]]
        row += [figures[f"{name}.{label}"] for name in ("precision", "recall", "f1")]
        row += [reference.get(f"{name}.{label}") for name in ("precision", "recall", "f1")]
        rows.append(row)
    columns = ["class", "support", "precision", "recall", "f1"]
    columns += ["reference precision", "reference recall", "reference f1"]
    return Table(name="classes", title="Per class", columns=columns, rows=rows)


def _matrices(current: Predictions, reference: Predictions | None) -> list[Item]:
    items: list[Item] = []
    for side, name, title in (
        (current, "confusion_matrix", "Confusion matrix (rows: actual, columns: predicted)"),
        (reference, "reference_confusion_matrix", "Reference confusion matrix"),
    ):
        if side is None:
            continue
        counts = confusion(side.truth, side.predicted, len(side.classes))
        items.append(
            Matrix(
                name=name,
                title=title,
                row_labels=side.classes,
                column_labels=side.classes,
                values=[[float(v) for v in row] for row in counts],
            )
        )
    return items


MAX_CLASS_LINES = 10
"""Multi-class curves draw one line per class for at most this many classes."""


def _curves(
    spec: ClassificationPerformance, current: Predictions, reference: Predictions | None
) -> list[Item]:
    if current.scores is None:
        return []
    sides = [("current", current)] + (
        [("reference", reference)] if reference and reference.scores is not None else []
    )
    lines: dict[str, list[Line]] = {"roc": [], "pr": [], "calibration": []}
    for label, side in sides:
        assert side.scores is not None
        if side.scores.ndim == 1:
            assert side.positive is not None
            _add_lines(spec, lines, label, side.truth == side.positive, side.scores)
        elif label == "current":
            for code, name in enumerate(side.classes[:MAX_CLASS_LINES]):
                _add_lines(
                    spec, lines, f"class {name}", side.truth == code, side.scores[:, code], calibrate=False
                )
    shapes: list[tuple[str, str, str, str, Literal["roc", "pr", "calibration"]]] = [
        ("roc_curve", "ROC curve", "false positive rate", "true positive rate", "roc"),
        ("pr_curve", "Precision-recall curve", "recall", "precision", "pr"),
        (
            "calibration_curve",
            "Calibration",
            "mean predicted probability",
            "share of positives",
            "calibration",
        ),
    ]
    return [
        Curve(name=name, title=title, x_label=x, y_label=y, lines=lines[key])
        for name, title, x, y, key in shapes
        if lines[key]
    ]


def _add_lines(
    spec: ClassificationPerformance,
    lines: dict[str, list[Line]],
    label: str,
    positive: npt.NDArray[np.bool_],
    scores: FloatArray,
    *,
    calibrate: bool = True,
) -> None:
    found_roc = curves.roc(positive, scores)
    if found_roc:
        x, y = curves.thin(found_roc[0], found_roc[1], spec.curve_points)
        lines["roc"].append(Line(name=label, x=x, y=y))
    found_pr = curves.precision_recall(positive, scores)
    if found_pr:
        x, y = curves.thin(found_pr[0], found_pr[1], spec.curve_points)
        lines["pr"].append(Line(name=label, x=x, y=y))
    if calibrate:
        predicted, observed = curves.calibration(positive, scores, spec.calibration_bins)
        lines["calibration"].append(
            Line(name=label, x=[float(v) for v in predicted], y=[float(v) for v in observed])
        )
