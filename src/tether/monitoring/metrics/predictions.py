"""Reading a classifier's output for ``ClassificationPerformance``, both sides coded on one class list.

Three prediction forms are read: one column of labels; one column of positive-class probabilities for a
binary target (cut at a threshold); or one probability column per class, each named by its class. The
classes (and the positive class of a binary task) come from both sides' labels together and
``pos_label``, so a current batch that happens to hold one class is scored on the same classes, and its
headline precision means the same class, as the reference's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tether.errors import InvalidData
from tether.monitoring.data.sources import as_float
from tether.monitoring.data.summaries import CategoricalSummary
from tether.monitoring.metrics.context import Context, Side
from tether.monitoring.metrics.labels import check_classes, encode_labels, label_keys, label_name

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SUM_TOLERANCE = 1e-6
"""Rows of per-class probabilities whose sum is further than this from 1 are divided by their sum, so that
every figure (ranking and log loss alike) reads the same probabilities."""


@dataclass(frozen=True)
class Predictions:
    """One side's rows with both a target and a prediction, as class codes."""

    classes: list[str]
    truth: IntArray
    predicted: IntArray
    scores: FloatArray | None
    """Positive-class probability (binary, 1-d) or one probability per class (2-d); None for labels."""
    positive: int | None
    """The positive class's code for a binary task, else None."""
    dropped: int


def read_sides(ctx: Context, threshold: float) -> tuple[Predictions | str, Predictions | str]:
    """Current and reference predictions, or for each the reason it cannot be read."""
    reader = _Reader(ctx, threshold)
    current = reader.load("current")
    try:
        reference = reader.load("reference")
    except InvalidData as error:  # a reference given as a saved profile has no rows to score
        reference = error.message
    return current, reference


class _Reader:
    def __init__(self, ctx: Context, threshold: float) -> None:
        self.ctx = ctx
        self.threshold = threshold
        mapping = ctx.mapping
        if mapping.target is None or not mapping.prediction:
            raise InvalidData("needs a target column and a prediction column (target=, prediction=)")
        self.target: str = mapping.target
        self.prediction = list(mapping.prediction)
        self.pos_label = label_name(mapping.pos_label)
        self._names: dict[str, set[str]] = {}

    def load(self, side: Side) -> Predictions | str:
        data = self.ctx.data(side)
        absent = [c for c in (self.target, *self.prediction) if c not in data.columns]
        if absent:
            return f"the {side} data has no column {', '.join(repr(c) for c in absent)}"
        target = data.column_values(self.target)
        if len(self.prediction) > 1:
            return self._probabilities(side, target, [data.column_values(c) for c in self.prediction])
        prediction = data.column_values(self.prediction[0])
        if pa.types.is_floating(prediction.type):
            scored = self._scores(side, target, prediction)
            if scored is not None:
                return scored
        classes = check_classes(sorted(self.names(self.target) | self.names(self.prediction[0])))
        encoded = encode_labels(target, prediction, classes)
        if encoded.kept == 0:
            return f"the {side} data has no row with both a target and a prediction"
        positive = self._positive(classes) if len(classes) <= 2 else None
        return Predictions(classes, encoded.truth, encoded.predicted, None, positive, encoded.dropped)

    def names(self, column: str) -> set[str]:
        """Every class name ``column`` holds on either side (a saved profile's counted labels included)."""
        if column not in self._names:
            found: set[str] = set()
            for data in (self.ctx.reference, self.ctx.current):
                if data.profile is not None:
                    summary = data.profile.summary.columns.get(column)
                    if isinstance(summary, CategoricalSummary):
                        found.update(label_name(label) for label in summary.labels)
                elif column in data.columns:
                    keys, present = label_keys(data.column_values(column))
                    found.update(np.unique(keys[present]).tolist())
            self._names[column] = found
        return self._names[column]

    def _positive(self, classes: list[str]) -> int | None:
        """``pos_label``'s code; else the greater of two classes (as scikit-learn sorts). A lone class is
        the positive one only when it is ``pos_label``."""
        if self.pos_label in classes:
            return classes.index(self.pos_label)
        return len(classes) - 1 if len(classes) == 2 else None

    def _scores(
        self, side: Side, target: pa.ChunkedArray, prediction: pa.ChunkedArray
    ) -> Predictions | str | None:
        """Positive-class probabilities for a binary target; None when the floats are labels (1.0, 2.0)."""
        keys, present = label_keys(target)
        scores = as_float(prediction)
        usable = ~np.isnan(scores) & present
        kept_scores, kept_keys = scores[usable], keys[usable]
        in_range = kept_scores.size == 0 or (kept_scores.min() >= 0 and kept_scores.max() <= 1)
        integral = bool(np.all(kept_scores % 1 == 0))
        found = check_classes(sorted(self.names(self.target)))
        column = self.prediction[0]
        if not in_range:
            return None if integral else f"prediction {column!r} holds scores outside [0, 1]"
        if len(found) > 2:
            if integral:
                return None
            return (
                f"prediction {column!r} holds probabilities, which need a target with two classes; the "
                f"target has {len(found)} (give one probability column per class)"
            )
        if kept_scores.size == 0:
            return f"the {side} data has no row with both a target and a prediction"
        names = self._binary_names(found)
        if isinstance(names, str):
            return names
        classes = check_classes(list(names))
        positive = classes.index(names[1])
        truth = np.where(kept_keys == names[1], positive, 1 - positive).astype(np.int64)
        predicted = np.where(kept_scores >= self.threshold, positive, 1 - positive).astype(np.int64)
        return Predictions(classes, truth, predicted, kept_scores, positive, int((~usable).sum()))

    def _binary_names(self, found: list[str]) -> tuple[str, str] | str:
        """(negative, positive) class names for scores of a target holding ``found``."""
        if self.pos_label in found:
            others = [name for name in found if name != self.pos_label]
            return (others[0] if others else f"not {self.pos_label}"), self.pos_label
        if len(found) == 2:
            return found[0], found[1]
        if _numeric_name(found[0]) and _numeric_name(self.pos_label):
            return found[0], self.pos_label
        return (
            f"the target holds only the class {found[0]!r} and pos_label {self.pos_label!r} is not a class, "
            "so which class the scores are for is unknown (set pos_label)"
        )

    def _probabilities(
        self, side: Side, target: pa.ChunkedArray, columns: list[pa.ChunkedArray]
    ) -> Predictions | str:
        for name, column in zip(self.prediction, columns, strict=True):
            kind = column.type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)):
                return f"probability column {name!r} in the {side} data holds {kind} values, not numbers"
        keys, present = label_keys(target)
        matrix = np.column_stack([as_float(c) for c in columns])
        if np.any(matrix < 0) or np.any(np.isinf(matrix)):
            return f"the probability columns in the {side} data hold negative or infinite values"
        sums = matrix.sum(axis=1)
        usable = present & ~np.isnan(sums) & (sums > 0)
        keys, matrix, sums = keys[usable], matrix[usable], sums[usable]
        if keys.size == 0:
            return f"the {side} data has no row with both a target and every probability column"
        off = np.abs(sums - 1.0) > SUM_TOLERANCE
        if off.any():
            matrix[off] /= sums[off, None]
        classes = [str(n) for n in self.prediction]
        index = {name: code for code, name in enumerate(classes)}
        unknown = sorted(set(np.unique(keys).tolist()) - set(classes))
        if unknown:
            return (
                f"target values {unknown[:5]} in the {side} data have no probability column among {classes}"
            )
        seen, inverse = np.unique(keys, return_inverse=True)
        truth = np.array([index[str(n)] for n in seen], dtype=np.int64)[inverse]
        predicted = np.argmax(matrix, axis=1).astype(np.int64)
        dropped = int((~usable).sum())
        if len(classes) != 2:
            return Predictions(classes, truth, predicted, matrix, None, dropped)
        positive = self._positive(classes)
        assert positive is not None
        scores = matrix[:, positive]
        predicted = np.where(scores >= self.threshold, positive, 1 - positive).astype(np.int64)
        return Predictions(classes, truth, predicted, scores, positive, dropped)


def _numeric_name(name: str) -> bool:
    try:
        float(name)
    except ValueError:
        return False
    return True
