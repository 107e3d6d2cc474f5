"""The tests a suite holds: each a condition on one figure of a report, and the metric that computes it.

A test is pydantic data (``MissingShare("age", lt=0.05)``) that names the figure it reads; the metric
that computes it comes from the figure's name (``metric_for_figure``), or from the test itself
(``Metric("x", metric="MyMetric")``). Every test type a suite file may name is in ``TEST_TYPES``, under its
class name; ``@suite_test`` puts one there.
"""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, TypeVar

from tether.catalog import Catalog
from tether.monitoring.metrics.base import metric_for_figure
from tether.monitoring.suites.conditions import Bound, Condition

S = TypeVar("S", bound="SuiteTest")


class SuiteTest(Condition):
    """A condition on one figure of a report; subclasses say which figure, and which metric computes it."""

    __test__: ClassVar[bool] = False
    title: ClassVar[str] = ""

    @abstractmethod
    def figure(self) -> str:
        """The name of the figure the condition is on."""

    def metric_type(self) -> str | None:
        return metric_for_figure(self.figure())

    @property
    def type(self) -> str:
        return type(self).__name__

    def settings(self) -> dict[str, Any]:
        """The test as written in a suite file: its ``type`` and every field that is set."""
        return {"type": self.type, **self.model_dump(mode="json", exclude_none=True)}

    def label(self) -> str:
        """How the test reads in a list of results."""
        return self.title or self.type


TEST_TYPES: Catalog[type[SuiteTest]] = Catalog("test type")
"""Every test type a suite file may name, by class name."""


def suite_test(cls: type[S]) -> type[S]:
    """Make a test type nameable in suite files (``{type: MissingShare, ...}``) by its class name."""
    TEST_TYPES.register(cls.__name__, cls)
    return cls


@suite_test
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
        return self.metric or metric_for_figure(self.name)

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


@suite_test
class DriftedColumnsShare(_Fixed):
    title: ClassVar[str] = "Share of drifted columns"
    figure_name: ClassVar[str] = "share_of_drifted_columns"


@suite_test
class DriftedColumns(_Fixed):
    title: ClassVar[str] = "Number of drifted columns"
    figure_name: ClassVar[str] = "number_of_drifted_columns"


@suite_test
class ColumnDrift(_PerColumn):
    """The column must not have drifted (``drifted.<column>`` is False)."""

    title: ClassVar[str] = "No drift"
    figure_name: ClassVar[str] = "drifted"
    eq: Bound | None = False


@suite_test
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


@suite_test
class DuplicatedRowsShare(_Fixed):
    title: ClassVar[str] = "Duplicated rows"
    figure_name: ClassVar[str] = "duplicated_rows_share"


@suite_test
class NewCategoriesShare(_PerColumn):
    title: ClassVar[str] = "New categories"
    figure_name: ClassVar[str] = "new_categories_share"


@suite_test
class OutOfRangeShare(_PerColumn):
    title: ClassVar[str] = "Out of range"
    figure_name: ClassVar[str] = "out_of_range_share"


@suite_test
class Accuracy(_Fixed):
    title: ClassVar[str] = "Accuracy"
    figure_name: ClassVar[str] = "accuracy"


@suite_test
class Precision(_Fixed):
    title: ClassVar[str] = "Precision"
    figure_name: ClassVar[str] = "precision"


@suite_test
class Recall(_Fixed):
    title: ClassVar[str] = "Recall"
    figure_name: ClassVar[str] = "recall"


@suite_test
class F1(_Fixed):
    title: ClassVar[str] = "F1"
    figure_name: ClassVar[str] = "f1"


@suite_test
class RocAuc(_Fixed):
    title: ClassVar[str] = "ROC AUC"
    figure_name: ClassVar[str] = "roc_auc"


@suite_test
class Rmse(_Fixed):
    title: ClassVar[str] = "RMSE"
    figure_name: ClassVar[str] = "rmse"


@suite_test
class Mae(_Fixed):
    title: ClassVar[str] = "MAE"
    figure_name: ClassVar[str] = "mae"


@suite_test
class R2(_Fixed):
    title: ClassVar[str] = "R²"
    figure_name: ClassVar[str] = "r2"
