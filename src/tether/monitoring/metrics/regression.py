"""``RegressionPerformance``: error size, bias and its direction, on current and reference data.

Errors are ``prediction - target``, so a positive mean error means the model overestimates. MAPE skips
rows whose target is zero (a percentage of zero is undefined) and says how many it skipped.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pyarrow as pa
from pydantic import Field

from tether.errors import InvalidData
from tether.monitoring.data.sources import as_float
from tether.monitoring.metrics.base import MetricSpec, computes
from tether.monitoring.metrics.context import Context, Side
from tether.monitoring.results import Distribution, Item, MetricResult, NotComputed, Scalar, Table, Value
from tether.monitoring.stattests.binning import magnitude

FloatArray = npt.NDArray[np.float64]


class RegressionPerformance(MetricSpec):
    """How far predictions are from the target, and in which direction."""

    title: ClassVar[str] = "Regression performance"
    figures: ClassVar[tuple[str, ...]] = (
        "mae",
        "rmse",
        "mape",
        "mape_skipped_rows",
        "r2",
        "mean_error",
        "median_absolute_error",
        "max_error",
        "underestimation_share",
        "overestimation_share",
        "mean_underestimation",
        "mean_overestimation",
    )

    tolerance: float = Field(default=0.0, ge=0)
    """An error within ±tolerance counts as neither under- nor overestimation."""
    bins: int = Field(default=30, ge=2, le=500)
    """Bins of the error distribution, shared by both sides."""


@computes(RegressionPerformance)
def regression_performance(spec: RegressionPerformance, ctx: Context) -> MetricResult:
    mapping = ctx.mapping
    if mapping.target is None or len(mapping.prediction) != 1:
        raise InvalidData("needs a target column and one prediction column (target=, prediction=)")
    current = _errors(ctx, "current")
    if isinstance(current, str):
        raise InvalidData(current)
    try:
        reference: tuple[FloatArray, FloatArray] | str = _errors(ctx, "reference")
    except InvalidData as error:  # a reference given as a saved profile has no rows to score
        reference = error.message
    figures = evaluate(spec, *current)
    reference_figures = evaluate(spec, *reference) if not isinstance(reference, str) else {}
    items: list[Item] = []
    if isinstance(reference, str):
        items.append(NotComputed(name="reference", title="Reference performance", reason=reference))
    items += _headline(figures, reference_figures)
    items.append(_direction_table(figures, reference_figures))
    errors = _errors_of(*current)
    reference_errors = _errors_of(*reference) if not isinstance(reference, str) else None
    items.append(_error_distribution(errors, reference_errors, spec.bins))
    return MetricResult(
        metric=spec.type, title=spec.title, values=figures, reference_values=reference_figures, items=items
    )


def _errors(ctx: Context, side: Side) -> tuple[FloatArray, FloatArray] | str:
    """Target and prediction over rows where both are finite numbers, or why there are none."""
    data, mapping = ctx.data(side), ctx.mapping
    assert mapping.target is not None
    columns = (mapping.target, mapping.prediction[0])
    absent = [c for c in columns if c not in data.columns]
    if absent:
        return f"the {side} data has no column {', '.join(repr(c) for c in absent)}"
    arrays = [data.column_values(c) for c in columns]
    for name, array in zip(columns, arrays, strict=True):
        if not _numeric(array.type):
            return f"column {name!r} in the {side} data is {array.type}, not numbers"
    target, prediction = (as_float(a) for a in arrays)
    usable = np.isfinite(target) & np.isfinite(prediction)
    if not usable.any():
        return f"the {side} data has no row with both a target and a prediction"
    return target[usable], prediction[usable]


def _errors_of(target: FloatArray, prediction: FloatArray) -> FloatArray:
    """Prediction minus target; an error too large for a float (opposite huge values) is left out."""
    with np.errstate(over="ignore"):
        errors = prediction - target
    finite: FloatArray = errors[np.isfinite(errors)]
    return finite


def _numeric(kind: pa.DataType) -> bool:
    return bool(pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind))


def evaluate(spec: RegressionPerformance, target: FloatArray, prediction: FloatArray) -> dict[str, Scalar]:
    """Every named figure for one side.

    Huge values (beyond 2**64) are first divided by a power of two, exactly, so that squares and sums do
    not overflow; figures in the target's units are multiplied back, the rest (MAPE, R²) do not change.
    """
    scale = magnitude(target, prediction)
    if scale != 1.0:
        target, prediction = target / scale, prediction / scale
    errors = prediction - target
    absolute = np.abs(errors)
    nonzero = target != 0
    spread = float(np.sum((target - target.mean()) ** 2))
    residual = float(np.sum(errors**2))
    figures: dict[str, Scalar] = {
        "mae": float(absolute.mean()) * scale,
        "rmse": float(np.sqrt(np.mean(errors**2))) * scale,
        "mape": float(np.mean(absolute[nonzero] / np.abs(target[nonzero]))) if nonzero.any() else None,
        "mape_skipped_rows": int((~nonzero).sum()),
        "r2": 1.0 - residual / spread if spread > 0 else (1.0 if residual == 0 else 0.0),
        "mean_error": float(errors.mean()) * scale,
        "median_absolute_error": float(np.median(absolute)) * scale,
        "max_error": float(absolute.max()) * scale,
    }
    tolerance = spec.tolerance / scale
    under = errors < -tolerance
    over = errors > tolerance
    figures["underestimation_share"] = float(under.mean())
    figures["overestimation_share"] = float(over.mean())
    figures["mean_underestimation"] = float(errors[under].mean()) * scale if under.any() else None
    figures["mean_overestimation"] = float(errors[over].mean()) * scale if over.any() else None
    return figures


_HEADLINE = (
    ("mae", "MAE"),
    ("rmse", "RMSE"),
    ("mape", "MAPE"),
    ("r2", "R²"),
    ("mean_error", "Mean error (bias)"),
    ("max_error", "Max absolute error"),
)


def _headline(figures: dict[str, Scalar], reference: dict[str, Scalar]) -> list[Item]:
    items: list[Item] = []
    for name, title in _HEADLINE:
        if figures[name] is None:
            items.append(NotComputed(name=name, title=title, reason="every target is zero"))
        else:
            items.append(Value(name=name, title=title, value=figures[name], reference=reference.get(name)))
    skipped = figures["mape_skipped_rows"]
    if skipped:
        items.append(
            Value(name="mape_skipped_rows", title="Rows left out of MAPE (target is 0)", value=skipped)
        )
    return items


def _direction_table(figures: dict[str, Scalar], reference: dict[str, Scalar]) -> Table:
    rows: list[list[Scalar]] = []
    for label, share, mean in (
        ("underestimation", "underestimation_share", "mean_underestimation"),
        ("overestimation", "overestimation_share", "mean_overestimation"),
    ):
        rows.append([label, figures[share], figures[mean], reference.get(share), reference.get(mean)])
    columns = ["direction", "share", "mean error", "reference share", "reference mean error"]
    return Table(name="error_direction", title="Under- and overestimation", columns=columns, rows=rows)


def _error_distribution(errors: FloatArray, reference: FloatArray | None, bins: int) -> Distribution:
    """Shares of errors per bin; the outer bins also hold the 1% tails, so outliers do not flatten it."""
    pooled = errors if reference is None else np.concatenate([errors, reference])
    low, high = (float(v) for v in np.quantile(pooled, [0.01, 0.99]))
    if high <= low:
        low, high = float(pooled.min()) - 0.5, float(pooled.max()) + 0.5
    edges = np.linspace(low, high, bins + 1)
    return Distribution(
        name="error_distribution",
        title="Error distribution (prediction - target)",
        numeric=True,
        bins=[float(e) for e in edges],
        reference=_shares(reference, edges) if reference is not None else [],
        current=_shares(errors, edges),
    )


def _shares(values: FloatArray, edges: FloatArray) -> list[float]:
    counts, _ = np.histogram(np.clip(values, edges[0], edges[-1]), bins=edges)
    return [float(c) / values.size for c in counts]
