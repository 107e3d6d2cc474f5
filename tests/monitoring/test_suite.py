"""Test suites: conditions, verdicts (pass, fail, error), metric deduplication and YAML suite files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tether import monitoring as mon
from tether.errors import InvalidInput
from tether.monitoring.suites.conditions import Condition, Reference
from tether.monitoring.suites.files import load_suite, parse_suite


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


def test_condition_operators() -> None:
    assert Condition(lt=0.3).check("x", 0.2, None).status == "pass"
    assert Condition(lt=0.3).check("x", 0.3, None).status == "fail"
    assert Condition(lte=0.3).check("x", 0.3, None).status == "pass"
    assert Condition(gt=1, lt=3).check("x", 2, None).status == "pass"
    assert Condition(gte=2.5).check("x", 2, None).status == "fail"
    assert Condition(between=(0, 1)).check("x", 1.0, None).status == "pass"
    assert Condition(between=(0, 1)).check("x", 1.01, None).status == "fail"
    assert Condition(eq=0.3).check("x", 0.1 + 0.2, None).status == "pass"
    assert Condition(eq=0.3, tolerance=0.05).check("x", 0.34, None).status == "pass"
    assert Condition(not_eq=0).check("x", 0, None).status == "fail"
    assert Condition(eq=False).check("x", False, None).status == "pass"
    assert Condition(eq=False).check("x", True, None).status == "fail"
    assert Condition(lt=1).check("x", None, None).status == "error"
    assert Condition(lt=1).check("x", "text", None).status == "error"
    with pytest.raises(ValueError, match="give a condition"):
        Condition()
    with pytest.raises(ValueError, match="needs a number"):
        Condition(lt="big")


def test_reference_bounds() -> None:
    relative = Condition(gte=Reference(relative=-0.05))
    assert relative.check("auc", 0.96, 1.0).status == "pass"
    failed = relative.check("auc", 0.94, 1.0)
    assert failed.status == "fail" and "reference - 5%" in failed.message
    assert relative.check("auc", 0.9, None).status == "error"
    near = Condition(between=(Reference(relative=-0.1), Reference(relative=0.1)))
    assert near.check("rmse", 1.05, 1.0).status == "pass"
    assert near.check("rmse", 1.2, 1.0).status == "fail"
    assert Condition(lte=Reference(absolute=0.02)).check("m", 0.11, 0.1).status == "pass"
    assert Condition.model_validate({"lte": "reference"}).lte == Reference()
    assert Condition.model_validate({"gte": {"relative": -0.05}}).gte == Reference(relative=-0.05)
    assert relative.describe() == ">= reference - 5%"


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


def test_yaml_suite_round_trips(tmp_path: Path) -> None:
    text = """
metrics: [{type: DataQuality, almost_constant_share: 0.9}]
tests:
  - {type: MissingShare, column: age, lt: 0.05}
  - {type: Metric, name: roc_auc, gte: {relative: -0.05}}
  - {type: NewCategoriesShare, column: city, between: [0, reference]}
  - {type: ColumnDrift, column: age}
"""
    path = tmp_path / "suite.yaml"
    path.write_text(text)
    suite = load_suite(path)
    assert suite.extra_metrics == [mon.DataQuality(almost_constant_share=0.9)]
    assert suite.tests[0] == mon.MissingShare("age", lt=0.05)
    assert suite.tests[1] == mon.Metric("roc_auc", gte=Reference(relative=-0.05))
    assert suite.tests[3] == mon.ColumnDrift("age")
    again = mon.TestSuite(
        [type(t).model_validate({k: v for k, v in t.settings().items() if k != "type"}) for t in suite.tests]
    )
    assert again.tests == suite.tests


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "tests: [{type: MissingShare, colum: age, lt: 0.1}]",
            r"tests\[0\] \(MissingShare\): colum: unknown field",
        ),
        ("tests: [{type: Nope, lt: 1}]", r"tests\[0\]: unknown test type 'Nope'"),
        ("tests:\n  - {type: Accuracy, gte: 0.5}\n  - {lt: 1}", r"tests\[1\] has no 'type'"),
        ("tests: [{type: Accuracy}]", r"tests\[0\] \(Accuracy\): .*give a condition"),
        ("tests: [{type: Metric, lt: 1}]", r"tests\[0\] \(Metric\): name: required field is missing"),
        ("tests: []", "non-empty list"),
        ("test: []", "unknown key 'test'"),
        ("[1, 2]", "must be a mapping"),
        (
            "tests: [{type: Accuracy, gte: 0.5}]\nmetrics: [{type: Bogus}]",
            r"metrics\[0\]: unknown metric type",
        ),
        (
            "tests: [{type: Accuracy, gte: 0.5}]\nmetrics: [{type: DataQuality, x: 1}]",
            r"metrics\[0\].*x: unknown",
        ),
        ("tests: [{type: Accuracy, gte: 0.5]", "not valid YAML at line 1"),
    ],
)
def test_bad_suite_files_name_the_problem(text: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_suite(text)


def test_missing_suite_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_suite(tmp_path / "none.yaml")


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


def test_yaml_metric_settings_reach_data_drift() -> None:
    suite = parse_suite(
        "metrics: [{type: DataDrift, stattest: psi}]\ntests: [{type: DriftedColumnsShare, lt: 0.3}]"
    )
    assert suite.metrics()[0].settings()["stattest"] == "psi"
    ref = _frames()[0][["age", "city"]]
    outcome = suite.run(ref, ref.sample(frac=1.0, random_state=2))
    assert outcome.passed and outcome.report.metrics[0].settings["stattest"] == "psi"


# --- regressions: bounds relative to a negative reference, and the errors of a condition --------------


def test_relative_bounds_move_away_from_a_negative_reference_by_its_size() -> None:
    near = Condition(between=(Reference(relative=-0.1), Reference(relative=0.1)))
    assert near.check("r2", -0.85, -0.85).status == "pass"
    assert near.check("r2", -0.93, -0.85).status == "pass"
    assert near.check("r2", -0.95, -0.85).status == "fail"
    assert Reference(relative=-0.1).resolve(-2.0) == pytest.approx(-2.2)
    assert Reference(relative=-0.1).resolve(2.0) == pytest.approx(1.8)
    assert Condition(gte=Reference(relative=-0.05)).check("mean_error", -1.04, -1.0).status == "pass"
    mixed = Condition(between=(Reference(absolute=0.5), 0.0))  # resolves in either order
    assert mixed.check("x", 0.25, 0.0).status == "pass"


def test_r2_within_10_percent_of_a_negative_reference_passes_on_identical_data() -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"y": rng.normal(size=500), "p": rng.normal(size=500)})
    within = {"between": (mon.Reference(relative=-0.1), mon.Reference(relative=0.1))}
    outcome = mon.TestSuite([mon.R2(**within)]).run(frame, frame, target="y", prediction="p")
    assert outcome.tests[0].reference < 0  # type: ignore[operator]
    assert outcome.tests[0].status == "pass", outcome.tests[0].message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{type: Accuracy, lt: {relativ: 0.1}}", "lt: unknown key 'relativ' in a reference bound"),
        ("{type: Accuracy, eq: 0.5, tolerance: -1}", "tolerance: Input should be greater than or equal to 0"),
        ("{type: Accuracy, between: [0.9, 0.1]}", "between needs the lower bound first: [0.1, 0.9]"),
        ("{type: Accuracy, between: [a, 1]}", "between needs two numbers or reference bounds"),
    ],
)
def test_condition_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_suite(f"tests: [{text}]")
    assert message in caught.value.message
    assert "more problem" not in caught.value.message
