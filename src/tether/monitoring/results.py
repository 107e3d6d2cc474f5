"""What a report produces: a small closed set of result shapes that serialise to JSON and render anywhere.

Every metric returns a ``MetricResult``: a flat dict of named figures (``values``, what test conditions
read), the same figures on the reference data where they mean something (``reference_values``), and
``items`` to show, each one of five shapes (a value, a per-column table, a distribution, a curve, a
matrix) or a ``NotComputed`` entry that says why a figure is missing. The HTML page, the web UI and the
stored document all read these shapes and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Scalar = float | int | str | bool | None
"""A JSON scalar; NaN and infinities travel as the strings "NaN", "Infinity", "-Infinity"."""


class Shape(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    name: str
    title: str = ""


class Value(Shape):
    """One figure, optionally beside the same figure on the reference data."""

    kind: Literal["value"] = "value"
    value: Scalar
    reference: Scalar = None


class Table(Shape):
    """Rows of named columns, typically one row per data column."""

    kind: Literal["table"] = "table"
    columns: list[str]
    rows: list[list[Scalar]]


class Distribution(Shape):
    """Reference and current shares over the same bins.

    For a numeric column ``bins`` holds the ``len(current) + 1`` bin edges; for a categorical one it holds
    the category labels, one per share.
    """

    kind: Literal["distribution"] = "distribution"
    numeric: bool
    bins: list[Scalar]
    reference: list[float]
    current: list[float]


class Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    name: str
    x: list[float]
    y: list[float]


class Curve(Shape):
    """One or more lines over shared axes (ROC, precision-recall, calibration)."""

    kind: Literal["curve"] = "curve"
    x_label: str
    y_label: str
    lines: list[Line]


class Matrix(Shape):
    """A labelled grid of numbers (a confusion matrix, a correlation change)."""

    kind: Literal["matrix"] = "matrix"
    row_labels: list[str]
    column_labels: list[str]
    values: list[list[float]]


class NotComputed(Shape):
    """A figure that could not be computed, and why (an all-missing column, no target given…)."""

    kind: Literal["not_computed"] = "not_computed"
    reason: str


Item = Annotated[Value | Table | Distribution | Curve | Matrix | NotComputed, Field(discriminator="kind")]


class MetricResult(BaseModel):
    """The outcome of one metric of a report."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    metric: str
    title: str
    settings: dict[str, Any] = Field(default_factory=dict)
    values: dict[str, Scalar] = Field(default_factory=dict)
    reference_values: dict[str, Scalar] = Field(default_factory=dict)
    items: list[Item] = Field(default_factory=list)


class Document(BaseModel):
    """A result that is kept or shared whole: a report, or a suite's outcome."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN as the string "NaN")."""
        result: dict[str, Any] = json.loads(self.model_dump_json())
        return result

    def save_json(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return target

    def save_html(self, path: str | Path) -> Path:
        """A self-contained page with every chart, readable offline."""
        from tether.monitoring.html import render_html

        target = Path(path)
        target.write_text(render_html(self), encoding="utf-8")  # type: ignore[arg-type]
        return target


class ReportResult(Document):
    """A whole report: which data it compared, how columns were read, and each metric's result."""

    kind: Literal["report"] = "report"
    created_at: int
    reference_rows: int
    current_rows: int
    columns: dict[str, str]
    """Each feature column's kind (numeric, categorical, text, datetime)."""
    target: str | None = None
    prediction: list[str] = Field(default_factory=list)
    task: Literal["classification", "regression"] | None = None
    metrics: list[MetricResult]

    def value(self, name: str) -> Scalar:
        """A named figure from whichever metric produced it; KeyError when none did."""
        return _lookup(self.metrics, name, reference=False)

    def reference_value(self, name: str) -> Scalar:
        """The same figure computed on the reference data; KeyError when not available."""
        return _lookup(self.metrics, name, reference=True)


def _lookup(metrics: list[MetricResult], name: str, *, reference: bool) -> Scalar:
    for result in metrics:
        values = result.reference_values if reference else result.values
        if name in values:
            return values[name]
    where = "on the reference data" if reference else "by this report"
    raise KeyError(f"no figure named {name!r} was computed {where}")
