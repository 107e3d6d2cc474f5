"""What reports and suites produce: a small closed set of result shapes that serialise to JSON and render
anywhere.

Every metric returns a ``MetricResult``: a flat dict of named figures (``values``, what test conditions
read), the same figures on the reference data where they mean something (``reference_values``), and
``items`` to show, each one of five shapes (a value, a per-column table, a distribution, a curve, a
matrix) or a ``NotComputed`` entry that says why a figure is missing. The HTML page, the web UI and the
stored document all read these shapes and nothing else. Every suite test gives a ``TestOutcome``.
The documents made of them (a whole report, a suite's outcome) are in ``documents.py``.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

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


Status = Literal["pass", "fail", "error"]
"""A suite test's verdict: ``error`` when its figure, or a reference it needs, is missing."""


class TestOutcome(BaseModel):
    """One suite test's verdict: the figure it read, on both sides, and what it expected."""

    __test__: ClassVar[bool] = False
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    test: str
    """The test's type (``MissingShare``)."""
    name: str
    """How the test reads in a list (``Missing values: age``)."""
    settings: dict[str, Any]
    """The test as a suite file holds it."""
    figure: str
    condition: str
    """The condition as people write it (``< 0.05``)."""
    status: Status
    value: Scalar = None
    reference: Scalar = None
    message: str
