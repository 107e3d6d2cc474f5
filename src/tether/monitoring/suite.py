"""Test suites: conditions on a report's figures, with a verdict per test and one for the whole suite.

A test is pydantic data (``MissingShare("age", lt=0.05)``) that names the figure it reads and the
metric that computes it, so ``TestSuite(tests).run(...)`` builds one report holding each needed metric
once. A test whose figure was not computed is an error (with the reason), never a silent pass.
"""

from __future__ import annotations

import difflib
from abc import abstractmethod
from collections.abc import Sequence
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from tether.errors import InvalidInput
from tether.monitoring.conditions import Bound, Condition, Status
from tether.monitoring.mapping import ColumnMapping
from tether.monitoring.metric import MetricSpec, metric_from_settings
from tether.monitoring.report import prepare, run_metrics
from tether.monitoring.results import Document, NotComputed, ReportResult, Scalar
from tether.monitoring.sources import DataLike

PRODUCERS: dict[str, str] = {
    **dict.fromkeys(
        (
            "missing_share",
            "out_of_range_share",
            "new_categories_share",
            "duplicated_rows_share",
            "constant_columns",
            "almost_constant_columns",
            "type_mismatches",
            "max_correlation_change",
        ),
        "DataQuality",
    ),
    **dict.fromkeys(
        ("share_of_drifted_columns", "number_of_drifted_columns", "dataset_drift", "drift_score", "drifted"),
        "DataDrift",
    ),
    **dict.fromkeys(
        (
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
        ),
        "ClassificationPerformance",
    ),
    **dict.fromkeys(
        (
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
        ),
        "RegressionPerformance",
    ),
}
"""Which metric computes a figure, by the figure's name before any ``.<column>`` or ``.<class>``."""


def producer(figure: str) -> str | None:
    """The metric type that computes ``figure``, when it is one of the built-in figures."""
    return PRODUCERS.get(figure.split(".", 1)[0])


class SuiteTest(Condition):
    """A condition on one figure of a report; subclasses say which figure, and which metric computes it."""

    __test__: ClassVar[bool] = False
    title: ClassVar[str] = ""

    @abstractmethod
    def figure(self) -> str:
        """The name of the figure the condition is on."""

    def metric_type(self) -> str | None:
        return producer(self.figure())

    @property
    def type(self) -> str:
        return type(self).__name__

    def settings(self) -> dict[str, Any]:
        """The test as written in a suite file: its ``type`` and every field that is set."""
        return {"type": self.type, **self.model_dump(mode="json", exclude_none=True)}

    def label(self) -> str:
        """How the test reads in a list of results."""
        return self.title or self.type


class Metric(SuiteTest):
    """Any named figure: ``Metric("roc_auc", gte=0.8)``; ``metric`` names its metric when not built in."""

    title: ClassVar[str] = "Figure"

    name: str
    """The figure's name in the report's values (``roc_auc``, ``missing_share.age``, ``precision.1``)."""
    metric: str | None = None
    """The metric type that computes the figure, for figures of metrics outside the built-in set."""

    def __init__(self, name: str | None = None, /, **data: Any) -> None:
        if name is not None:
            data["name"] = name
        super().__init__(**data)

    def figure(self) -> str:
        return self.name

    def metric_type(self) -> str | None:
        return self.metric or producer(self.name)

    def label(self) -> str:
        return self.name


class _Fixed(SuiteTest):
    figure_name: ClassVar[str] = ""

    def figure(self) -> str:
        return self.figure_name


class _PerColumn(SuiteTest):
    """A figure per column: ``<figure>.<column>``."""

    figure_name: ClassVar[str] = ""
    column: str

    def __init__(self, column: str | None = None, /, **data: Any) -> None:
        if column is not None:
            data["column"] = column
        super().__init__(**data)

    def figure(self) -> str:
        return f"{self.figure_name}.{self.column}"

    def label(self) -> str:
        return f"{self.title}: {self.column}"


class DriftedColumnsShare(_Fixed):
    title: ClassVar[str] = "Share of drifted columns"
    figure_name: ClassVar[str] = "share_of_drifted_columns"


class DriftedColumns(_Fixed):
    title: ClassVar[str] = "Number of drifted columns"
    figure_name: ClassVar[str] = "number_of_drifted_columns"


class ColumnDrift(_PerColumn):
    """The column must not have drifted (``drifted.<column>`` is False)."""

    title: ClassVar[str] = "No drift"
    figure_name: ClassVar[str] = "drifted"
    eq: Bound | None = False


class MissingShare(SuiteTest):
    """Missing values in one column, or across every cell when no column is given."""

    title: ClassVar[str] = "Missing values"
    column: str | None = None

    def __init__(self, column: str | None = None, /, **data: Any) -> None:
        if column is not None:
            data["column"] = column
        super().__init__(**data)

    def figure(self) -> str:
        return f"missing_share.{self.column}" if self.column else "missing_share"

    def label(self) -> str:
        return f"{self.title}: {self.column}" if self.column else f"{self.title}: all cells"


class DuplicatedRowsShare(_Fixed):
    title: ClassVar[str] = "Duplicated rows"
    figure_name: ClassVar[str] = "duplicated_rows_share"


class NewCategoriesShare(_PerColumn):
    title: ClassVar[str] = "New categories"
    figure_name: ClassVar[str] = "new_categories_share"


class OutOfRangeShare(_PerColumn):
    title: ClassVar[str] = "Out of range"
    figure_name: ClassVar[str] = "out_of_range_share"


class Accuracy(_Fixed):
    title: ClassVar[str] = "Accuracy"
    figure_name: ClassVar[str] = "accuracy"


class Precision(_Fixed):
    title: ClassVar[str] = "Precision"
    figure_name: ClassVar[str] = "precision"


class Recall(_Fixed):
    title: ClassVar[str] = "Recall"
    figure_name: ClassVar[str] = "recall"


class F1(_Fixed):
    title: ClassVar[str] = "F1"
    figure_name: ClassVar[str] = "f1"


class RocAuc(_Fixed):
    title: ClassVar[str] = "ROC AUC"
    figure_name: ClassVar[str] = "roc_auc"


class Rmse(_Fixed):
    title: ClassVar[str] = "RMSE"
    figure_name: ClassVar[str] = "rmse"


class Mae(_Fixed):
    title: ClassVar[str] = "MAE"
    figure_name: ClassVar[str] = "mae"


class R2(_Fixed):
    title: ClassVar[str] = "R²"
    figure_name: ClassVar[str] = "r2"


TEST_TYPES: dict[str, type[SuiteTest]] = {
    cls.__name__: cls
    for cls in (
        Metric,
        DriftedColumnsShare,
        DriftedColumns,
        ColumnDrift,
        MissingShare,
        DuplicatedRowsShare,
        NewCategoriesShare,
        OutOfRangeShare,
        Accuracy,
        Precision,
        Recall,
        F1,
        RocAuc,
        Rmse,
        Mae,
        R2,
    )
}
"""Every test type a suite file may name."""


class TestOutcome(BaseModel):
    """One test's verdict: the figure it read, on both sides, and what it expected."""

    __test__: ClassVar[bool] = False
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    test: str
    name: str
    settings: dict[str, Any]
    figure: str
    condition: str
    status: Status
    value: Scalar = None
    reference: Scalar = None
    message: str


class SuiteOutcome(Document):
    """A whole suite's verdict, with the report it was judged on; its page lists the tests first."""

    kind: Literal["suite"] = "suite"
    tests: list[TestOutcome]
    summary: dict[str, int]
    """Counts of ``pass``, ``fail`` and ``error``, and the ``total``."""
    passed: bool
    """True when every test passed (a test in error fails the suite)."""
    report: ReportResult


class TestSuite:
    """``TestSuite([DriftedColumnsShare(lt=0.3), Metric("roc_auc", gte=0.8)]).run(reference, current)``."""

    __test__: ClassVar[bool] = False

    def __init__(self, tests: Sequence[SuiteTest], metrics: Sequence[MetricSpec] = ()) -> None:
        if not tests:
            raise InvalidInput("a test suite needs at least one test")
        self.tests = list(tests)
        self.extra_metrics = list(metrics)

    def metrics(self) -> list[MetricSpec]:
        """The report's metrics: those given explicitly, then one default of each type a test needs."""
        chosen = list(self.extra_metrics)
        types = {spec.type for spec in chosen}
        for test in self.tests:
            needed = test.metric_type()
            if needed is not None and needed not in types:
                chosen.append(metric_from_settings({"type": needed}))
                types.add(needed)
        if not chosen:
            figures = ", ".join(test.figure() for test in self.tests)
            raise InvalidInput(f"no built-in metric computes {figures}; list the metric under 'metrics'")
        return chosen

    def settings(self) -> dict[str, Any]:
        """The suite as a suite file holds it (``load_suite`` reads it back)."""
        return {
            "metrics": [spec.settings() for spec in self.extra_metrics],
            "tests": [test.settings() for test in self.tests],
        }

    def run(
        self,
        reference: DataLike,
        current: DataLike,
        target: str | None = None,
        prediction: str | list[str] | None = None,
        mapping: ColumnMapping | None = None,
        options: dict[str, Any] | None = None,
    ) -> SuiteOutcome:
        context = prepare(reference, current, target, prediction, mapping, options)
        report = run_metrics(self.metrics(), context)
        return judge(self.tests, report)


def judge(tests: Sequence[SuiteTest], report: ReportResult) -> SuiteOutcome:
    """Each test's verdict on an existing report."""
    outcomes = [_judge_one(test, report) for test in tests]
    summary = {status: sum(1 for o in outcomes if o.status == status) for status in ("pass", "fail", "error")}
    summary["total"] = len(outcomes)
    return SuiteOutcome(
        tests=outcomes, summary=summary, passed=summary["pass"] == len(outcomes), report=report
    )


def _judge_one(test: SuiteTest, report: ReportResult) -> TestOutcome:
    figure = test.figure()
    common = {
        "test": test.type,
        "name": test.label(),
        "settings": test.settings(),
        "figure": figure,
        "condition": test.describe(),
    }
    try:
        value = report.value(figure)
    except KeyError:
        return TestOutcome(**common, status="error", message=_why_missing(figure, test.metric_type(), report))
    try:
        reference = report.reference_value(figure)
    except KeyError:
        reference = None
    check = test.check(figure, value, reference)
    message = check.message
    if check.status == "error" and value is None:
        message = _not_computed_reason(figure, report) or message
    return TestOutcome(**common, status=check.status, value=value, reference=reference, message=message)


def _why_missing(figure: str, metric_type: str | None, report: ReportResult) -> str:
    reason = _not_computed_reason(figure, report)
    if reason:
        return reason
    if metric_type is None:
        return f"no metric of this suite computes {figure!r}; list the metric that does under 'metrics'"
    known = [name for result in report.metrics for name in result.values]
    close = difflib.get_close_matches(figure, known, n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    return f"{figure!r} was not computed{hint}"


def _not_computed_reason(figure: str, report: ReportResult) -> str | None:
    """The reason a metric gave for leaving ``figure`` (or the whole metric) out."""
    owner = producer(figure)
    base = figure.split(".", 1)[0]
    for result in report.metrics:
        for item in result.items:
            if isinstance(item, NotComputed) and item.name in (figure, base, result.metric):
                if item.name == result.metric and owner not in (None, result.metric):
                    continue
                return f"{result.title}: {item.reason}"
    return None
