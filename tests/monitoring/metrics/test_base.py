"""The metric catalog: built-in types promised by name, figures claimed by the type that computes them."""

from __future__ import annotations

import subprocess
import sys
from typing import ClassVar

import pandas as pd
import pytest

from tether import monitoring as mon
from tether.errors import InvalidInput, UnknownName
from tether.monitoring.metrics import BUILT_IN
from tether.monitoring.metrics.base import (
    FIGURES,
    METRICS,
    MetricSpec,
    compute,
    computes,
    metric_for_figure,
    metric_from_settings,
)
from tether.monitoring.metrics.context import Context
from tether.monitoring.report import prepare
from tether.monitoring.results import MetricResult


class RowGap(MetricSpec):
    """A metric of this test module: how many more rows the current data has."""

    title: ClassVar[str] = "Row gap"
    figures: ClassVar[tuple[str, ...]] = ("row_gap",)


@computes(RowGap)
def _row_gap(spec: RowGap, ctx: Context) -> MetricResult:
    gap = ctx.current.num_rows - ctx.reference.num_rows
    return MetricResult(metric=spec.type, title=spec.title, values={"row_gap": gap})


def test_the_built_in_types_are_known_before_their_modules_load() -> None:
    script = (
        "import sys\n"
        "from tether.monitoring.metrics.base import METRICS, metric_from_settings\n"
        "print(sorted(METRICS.names()))\n"
        "print('pyarrow' in sys.modules, 'tether.monitoring.metrics.drift' in sys.modules)\n"
        "metric_from_settings({'type': 'DataDrift'})\n"
        "print('tether.monitoring.metrics.drift' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    names, before, after = done.stdout.splitlines()
    assert names == str(sorted(BUILT_IN))
    assert (before, after) == ("False False", "True")


def test_settings_name_their_type_and_an_unknown_one_lists_the_known_ones() -> None:
    assert metric_from_settings({"type": "DataQuality", "examples": 2}) == mon.DataQuality(examples=2)
    assert metric_from_settings(RowGap().settings()) == RowGap()
    with pytest.raises(UnknownName, match=r"unknown metric type 'Bogus'; known metric types: .*DataDrift"):
        metric_from_settings({"type": "Bogus"})
    assert {*BUILT_IN, "RowGap"} <= set(METRICS.names())


def test_each_figure_is_claimed_by_the_metric_that_computes_it() -> None:
    assert metric_for_figure("missing_share.age") == "DataQuality"
    assert metric_for_figure("drifted.age") == "DataDrift"
    assert metric_for_figure("precision.1") == "ClassificationPerformance"
    assert metric_for_figure("r2") == "RegressionPerformance"
    assert metric_for_figure("row_gap") == "RowGap"
    assert metric_for_figure("mystery") is None
    assert FIGURES.get("roc_auc") == "ClassificationPerformance"


def test_a_suite_test_on_a_claimed_figure_adds_its_metric() -> None:
    reference = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    outcome = mon.TestSuite([mon.Metric("row_gap", eq=1)]).run(reference, pd.concat([reference] * 2)[:4])
    assert [m.metric for m in outcome.report.metrics] == ["RowGap"]
    assert outcome.passed, outcome.tests[0].message


def test_two_metric_types_cannot_claim_one_figure() -> None:
    class Rival(MetricSpec):
        figures: ClassVar[tuple[str, ...]] = ("row_gap",)

    with pytest.raises(InvalidInput, match="Rival claims figure 'row_gap', which RowGap computes"):
        computes(Rival)(_row_gap)  # type: ignore[arg-type]
    assert "Rival" not in METRICS


def test_a_metric_type_is_registered_once() -> None:
    with pytest.raises(InvalidInput, match="a metric type named 'RowGap' is already registered"):
        computes(RowGap)(_row_gap)


def test_a_settings_class_without_a_calculator_is_refused() -> None:
    class Unregistered(MetricSpec):
        pass

    context = prepare(pd.DataFrame({"x": [1.0]}), pd.DataFrame({"x": [1.0]}))
    with pytest.raises(InvalidInput, match="no calculator is registered for metric Unregistered"):
        compute(Unregistered(), context)
