"""Suite files (YAML): read into a TestSuite, and every mistake named with its place."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import numpy as np
import pandas as pd
import pytest

from tether import monitoring as mon
from tether.errors import InvalidInput, UnknownName
from tether.monitoring.suites.conditions import Reference
from tether.monitoring.suites.files import load_suite, parse_suite
from tether.monitoring.suites.tests import TEST_TYPES, SuiteTest, suite_test


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


def test_yaml_metric_settings_reach_data_drift() -> None:
    suite = parse_suite(
        "metrics: [{type: DataDrift, stattest: psi}]\ntests: [{type: DriftedColumnsShare, lt: 0.3}]"
    )
    assert suite.metrics()[0].settings()["stattest"] == "psi"
    rng = np.random.default_rng(0)
    ref = pd.DataFrame({"age": rng.normal(40, 10, 1000), "city": rng.choice(["a", "b"], 1000)})
    outcome = suite.run(ref, ref.sample(frac=1.0, random_state=2))
    assert outcome.passed and outcome.report.metrics[0].settings["stattest"] == "psi"


@suite_test
class RowCount(SuiteTest):
    """A test type of this module, named in suite files like the built-in ones."""

    title: ClassVar[str] = "Rows"

    def figure(self) -> str:
        return "rows"


def test_every_test_type_is_named_by_its_class_and_new_ones_join_them() -> None:
    assert {"Metric", "MissingShare", "R2", "RowCount"} <= set(TEST_TYPES.names())
    suite = parse_suite("tests: [{type: RowCount, gte: 10}]")
    assert suite.tests == [RowCount(gte=10)]
    assert suite.tests[0].metric_type() is None
    with pytest.raises(
        UnknownName, match=r"tests\[0\]: unknown test type 'RowCounts'; known test types: "
    ) as caught:
        parse_suite("tests: [{type: RowCounts, gte: 10}]")
    assert caught.value.name == "RowCounts" and "RowCount" in caught.value.known
    with pytest.raises(InvalidInput, match="a test type named 'RowCount' is already registered"):
        suite_test(RowCount)
