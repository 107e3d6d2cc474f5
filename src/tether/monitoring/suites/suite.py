"""``TestSuite``: its tests, the one report that feeds them, and a verdict per test and for the suite.

``TestSuite(tests).run(...)`` builds one report holding each metric the tests need once; ``judge`` gives
each test's verdict on an existing report. A test whose figure was not computed is an error (with the
reason), never a silent pass.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Any, ClassVar

from tether.errors import InvalidInput
from tether.monitoring.data.mapping import ColumnMapping
from tether.monitoring.data.sources import DataLike
from tether.monitoring.documents import ReportResult, SuiteOutcome
from tether.monitoring.metrics.base import MetricSpec, metric_for_figure, metric_from_settings
from tether.monitoring.report import prepare, run_metrics
from tether.monitoring.results import NotComputed, TestOutcome
from tether.monitoring.suites.tests import SuiteTest


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
    owner = metric_for_figure(figure)
    base = figure.split(".", 1)[0]
    for result in report.metrics:
        for item in result.items:
            if isinstance(item, NotComputed) and item.name in (figure, base, result.metric):
                if item.name == result.metric and owner not in (None, result.metric):
                    continue
                return f"{result.title}: {item.reason}"
    return None
