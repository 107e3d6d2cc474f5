"""Metrics as declarative settings, and the registry that knows how to compute each.

A metric (``DataDrift(threshold=0.2)``) is pydantic data: it serialises into a stored report, loads from
a YAML suite and shows in the UI. The code that computes it is registered separately with ``@computes``,
so adding a metric is one settings class and one function, with no import-time magic.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from tether.errors import InvalidData, InvalidInput
from tether.monitoring.results import MetricResult, NotComputed

if TYPE_CHECKING:
    from tether.monitoring.context import Context

M = TypeVar("M", bound="MetricSpec")
Calculator = Callable[[Any, "Context"], MetricResult]


class MetricSpec(BaseModel):
    """Base of every metric's settings; subclasses set ``title`` and their own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: ClassVar[str] = ""

    @property
    def type(self) -> str:
        return type(self).__name__

    def settings(self) -> dict[str, Any]:
        """The settings as stored: the class name under ``type`` plus every field."""
        return {"type": self.type, **self.model_dump(mode="json")}


_CALCULATORS: dict[type[MetricSpec], Calculator] = {}
_SPECS: dict[str, type[MetricSpec]] = {}


def computes(
    spec: type[M],
) -> Callable[[Callable[[M, Context], MetricResult]], Callable[[M, Context], MetricResult]]:
    """Register the function that computes ``spec``."""

    def register(function: Callable[[M, Context], MetricResult]) -> Callable[[M, Context], MetricResult]:
        _CALCULATORS[spec] = function
        _SPECS[spec.__name__] = spec
        return function

    return register


def compute(spec: MetricSpec, context: Context) -> MetricResult:
    """Run one metric; data it cannot use becomes a "not computed" result instead of an exception."""
    calculator = _CALCULATORS.get(type(spec))
    if calculator is None:
        raise InvalidInput(f"no calculator is registered for metric {spec.type}")
    try:
        result = calculator(spec, context)
    except InvalidData as error:
        result = MetricResult(
            metric=spec.type,
            title=spec.title or spec.type,
            items=[NotComputed(name=spec.type, title=spec.title or spec.type, reason=error.message)],
        )
    return result.model_copy(update={"settings": spec.settings()})


BUILT_IN: dict[str, str] = {
    "DataDrift": "tether.monitoring.drift",
    "TargetDrift": "tether.monitoring.drift",
    "PredictionDrift": "tether.monitoring.drift",
    "DataQuality": "tether.monitoring.quality",
    "ClassificationPerformance": "tether.monitoring.classification",
    "RegressionPerformance": "tether.monitoring.regression",
}
"""Where each built-in metric is defined, so a name read from a file registers its module on first use."""


def metric_from_settings(settings: dict[str, Any]) -> MetricSpec:
    """The inverse of ``MetricSpec.settings``: used to load reports and YAML suites."""
    fields = dict(settings)
    name = fields.pop("type", None)
    if str(name) not in _SPECS and str(name) in BUILT_IN:
        importlib.import_module(BUILT_IN[str(name)])
    spec = _SPECS.get(str(name))
    if spec is None:
        known = ", ".join(metric_types())
        raise InvalidInput(f"unknown metric type {name!r}; known types: {known}")
    return spec.model_validate(fields)


def metric_types() -> list[str]:
    return sorted({*_SPECS, *BUILT_IN})
