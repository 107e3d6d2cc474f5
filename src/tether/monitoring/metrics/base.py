"""Metrics as declarative settings, and the catalog that knows how to compute each.

A metric (``DataDrift(threshold=0.2)``) is pydantic data: it serialises into a stored report, loads from
a YAML suite and shows in the UI. The code that computes it is registered separately with ``@computes``
into ``METRICS``, so adding a metric is one settings class and one function. A metric type also declares
the figures it is the one to compute (``figures``), so that a suite test on such a figure adds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from pydantic import BaseModel, ConfigDict

from tether.catalog import Catalog
from tether.errors import InvalidData, InvalidInput
from tether.monitoring.results import MetricResult, NotComputed

if TYPE_CHECKING:
    from tether.monitoring.metrics.context import Context

M = TypeVar("M", bound="MetricSpec")
Calculator = Callable[[Any, "Context"], MetricResult]


class MetricSpec(BaseModel):
    """Base of every metric's settings; subclasses set ``title`` and their own fields."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: ClassVar[str] = ""
    figures: ClassVar[tuple[str, ...]] = ()
    """Figures (names before any ``.<column>`` or ``.<class>``) that a suite test may name without listing
    this metric: the suite then adds it. Two metric types cannot claim the same figure."""

    @property
    def type(self) -> str:
        return type(self).__name__

    def settings(self) -> dict[str, Any]:
        """The settings as stored: the class name under ``type`` plus every field."""
        return {"type": self.type, **self.model_dump(mode="json")}


@dataclass(frozen=True)
class MetricType:
    """A metric's settings class and the function that computes it."""

    spec: type[MetricSpec]
    calculate: Calculator


METRICS: Catalog[MetricType] = Catalog("metric type")
"""Every metric type by class name; the built-in ones load on first use (``metrics/__init__.py``)."""
FIGURES: Catalog[str] = Catalog("figure")
"""The metric type that computes each figure of ``MetricSpec.figures``, filled as metric types register."""


def computes(
    spec: type[M],
) -> Callable[[Callable[[M, Context], MetricResult]], Callable[[M, Context], MetricResult]]:
    """Register the function that computes ``spec``, under the class name, with the figures it claims."""

    def register(function: Callable[[M, Context], MetricResult]) -> Callable[[M, Context], MetricResult]:
        name = spec.__name__
        for figure in spec.figures:
            owner = FIGURES.get(figure) if figure in FIGURES else name
            if owner != name:
                raise InvalidInput(f"{name} claims figure {figure!r}, which {owner} computes")
        METRICS.register(name, MetricType(spec, function))
        for figure in spec.figures:
            FIGURES.register(figure, name)
        return function

    return register


def compute(spec: MetricSpec, context: Context) -> MetricResult:
    """Run one metric; data it cannot use becomes a "not computed" result instead of an exception."""
    found = METRICS.get(spec.type) if spec.type in METRICS else None
    if found is None or found.spec is not type(spec):
        raise InvalidInput(f"no calculator is registered for metric {spec.type}")
    try:
        result = found.calculate(spec, context)
    except InvalidData as error:
        result = MetricResult(
            metric=spec.type,
            title=spec.title or spec.type,
            items=[NotComputed(name=spec.type, title=spec.title or spec.type, reason=error.message)],
        )
    return result.model_copy(update={"settings": spec.settings()})


def metric_from_settings(settings: dict[str, Any]) -> MetricSpec:
    """The inverse of ``MetricSpec.settings``: used to load reports and YAML suites."""
    fields = dict(settings)
    name = fields.pop("type", None)
    return METRICS.get(str(name)).spec.model_validate(fields)


def metric_for_figure(figure: str) -> str | None:
    """The metric type that computes ``figure`` (``missing_share.age`` is DataQuality's), or None."""
    base = figure.split(".", 1)[0]
    if base not in FIGURES:
        METRICS.items()  # each metric type claims its figures as it loads
    return FIGURES.get(base) if base in FIGURES else None
