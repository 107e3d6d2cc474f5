"""Test suites: one report for all the tests, a verdict per test (pass, fail, error) and for the suite."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tether import monitoring as mon
from tether.errors import InvalidInput
from tether.monitoring.suites.conditions import Reference


def _frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(0)
    n = 1000
    y = rng.integers(0, 2, n)
    ref = pd.DataFrame(
        {
            "age": rng.normal(40, 10, n),
            "city": rng.choice(["a", "b"], n),
            "y": y,
            "score": np.clip(y * 0.6 + rng.random(n) * 0.4, 0, 1),
        }
    )
    cur = ref.copy()
    cur.loc[:99, "age"] = np.nan
    cur.loc[100:119, "city"] = "c"
    cur["score"] = rng.random(n)
    return ref, cur


def test_suite_runs_one_report_and_judges_each_test() -> None:
    ref, cur = _frames()
    suite = mon.TestSuite(
        [
            mon.MissingShare("age", lt=0.05),
            mon.MissingShare(lt=0.5),
            mon.NewCategoriesShare("city", lte=0.05),
            mon.OutOfRangeShare("age", eq=0),
            mon.Metric("roc_auc", gte=0.8),
            mon.Accuracy(gte=Reference(relative=-0.6)),
            mon.Metric("precision.1", gt=0),
            mon.MissingShare("nope", lt=0.1),
        ]
    )
    assert [m.type for m in suite.metrics()] == ["DataQuality", "ClassificationPerformance"]
    outcome = suite.run(reference=ref, current=cur, target="y", prediction="score")
    status = {t.name: t.status for t in outcome.tests}
    assert status == {
        "Missing values: age": "fail",
        "Missing values: all cells": "pass",
        "New categories: city": "pass",
        "Out of range: age": "pass",
        "roc_auc": "fail",
        "Accuracy": "pass",
        "precision.1": "pass",
        "Missing values: nope": "error",
    }
    assert outcome.summary == {"pass": 5, "fail": 2, "error": 1, "total": 8}
    assert not outcome.passed
    failed = next(t for t in outcome.tests if t.name == "Missing values: age")
    assert failed.value == pytest.approx(0.1) and failed.reference == 0.0
    assert "expected < 0.05" in failed.message
    missing = next(t for t in outcome.tests if t.status == "error")
    assert "not computed" in missing.message
    document = outcome.as_dict()
    assert document["kind"] == "suite" and document["report"]["kind"] == "report"


def test_figure_of_a_metric_that_could_not_run_is_an_error_with_its_reason() -> None:
    ref, cur = _frames()
    outcome = mon.TestSuite([mon.RocAuc(gte=0.5), mon.Rmse(lt=1)]).run(ref, cur)
    assert outcome.summary["error"] == 2
    assert all("needs a target" in t.message for t in outcome.tests)


def test_explicit_metric_settings_win_over_defaults() -> None:
    ref, cur = _frames()
    suite = mon.TestSuite(
        [mon.Metric("new_categories_share.city", lt=0.5)], metrics=[mon.DataQuality(columns=["city"])]
    )
    assert suite.metrics() == [mon.DataQuality(columns=["city"])]
    outcome = suite.run(ref, cur)
    assert outcome.passed and outcome.report.metrics[0].settings["columns"] == ["city"]


def test_unknown_figure_without_a_metric_is_a_clear_error() -> None:
    with pytest.raises(InvalidInput, match="list the metric"):
        mon.TestSuite([mon.Metric("mystery", lt=1)]).metrics()


def test_drift_tests_use_one_data_drift_metric() -> None:
    ref, cur = (frame[["age", "city"]].copy() for frame in _frames())
    cur["age"] = cur["age"] + 30
    cur["city"] = ref["city"]
    suite = mon.TestSuite(
        [
            mon.DriftedColumnsShare(lt=0.3),
            mon.DriftedColumns(lte=1),
            mon.ColumnDrift("age"),
            mon.ColumnDrift("city"),
        ]
    )
    assert [m.type for m in suite.metrics()] == ["DataDrift"]
    outcome = suite.run(ref, cur)
    status = {t.name: t.status for t in outcome.tests}
    assert status == {
        "Share of drifted columns": "fail",
        "Number of drifted columns": "pass",
        "No drift: age": "fail",
        "No drift: city": "pass",
    }
    assert outcome.report.value("drifted.age") is True


# --- regressions: bounds relative to a negative reference, and the errors of a condition --------------


def test_r2_within_10_percent_of_a_negative_reference_passes_on_identical_data() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"y": rng.normal(size=500), "p": rng.normal(size=500)})
    within = {"between": (mon.Reference(relative=-0.1), mon.Reference(relative=0.1))}
    outcome = mon.TestSuite([mon.R2(**within)]).run(frame, frame, target="y", prediction="p")
    assert outcome.tests[0].reference < 0  # type: ignore[operator]
    assert outcome.tests[0].status == "pass", outcome.tests[0].message
