"""A report: a list of metrics run over reference and current data."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from tether.monitoring.data.mapping import ColumnMapping, resolve
from tether.monitoring.data.sources import DataLike, Dataset
from tether.monitoring.documents import ReportResult
from tether.monitoring.metrics.base import MetricSpec, compute
from tether.monitoring.metrics.context import Context


class Report:
    """``Report([DataDrift(), DataQuality()]).run(reference=ref, current=cur)``."""

    def __init__(self, metrics: Sequence[MetricSpec]) -> None:
        if not metrics:
            raise ValueError("a report needs at least one metric")
        self.metrics = list(metrics)

    def run(
        self,
        reference: DataLike,
        current: DataLike,
        target: str | None = None,
        prediction: str | list[str] | None = None,
        mapping: ColumnMapping | None = None,
        options: dict[str, Any] | None = None,
    ) -> ReportResult:
        """Compute every metric; ``target``/``prediction`` are shortcuts for the same mapping fields."""
        context = prepare(reference, current, target, prediction, mapping, options)
        return run_metrics(self.metrics, context)


def prepare(
    reference: DataLike,
    current: DataLike,
    target: str | None = None,
    prediction: str | list[str] | None = None,
    mapping: ColumnMapping | None = None,
    options: dict[str, Any] | None = None,
) -> Context:
    """Open both datasets and resolve the column mapping against them."""
    given = mapping or ColumnMapping()
    overrides = {"target": target, "prediction": prediction}
    given = given.model_copy(update={k: v for k, v in overrides.items() if v is not None})
    ref = Dataset.of(reference, "reference")
    cur = Dataset.of(current, "current")
    return Context(ref, cur, resolve(given, ref, cur), options)


def run_metrics(metrics: Sequence[MetricSpec], context: Context) -> ReportResult:
    resolved = context.mapping
    return ReportResult(
        created_at=int(time.time() * 1000),
        reference_rows=context.reference.num_rows,
        current_rows=context.current.num_rows,
        columns=dict(resolved.kinds),
        target=resolved.target,
        prediction=resolved.prediction,
        task=resolved.task,
        metrics=[compute(metric, context) for metric in metrics],
    )
