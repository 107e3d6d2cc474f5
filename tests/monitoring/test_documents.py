"""Documents: a report or a suite outcome as one typed union, checked on the way in, with its page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from tether.errors import InvalidInput
from tether.monitoring.documents import (
    ReportDocument,
    ReportResult,
    SuiteOutcome,
    headline,
    render_html,
    validate_document,
)
from tether.monitoring.rendering.html import Card
from tether.monitoring.results import MetricResult, TestOutcome


def a_report() -> ReportResult:
    drift = MetricResult(
        metric="DataDrift",
        title="Data drift",
        values={"dataset_drift": True, "share_of_drifted_columns": 0.5, "drift_score.age": float("nan")},
    )
    return ReportResult(
        created_at=1_700_000_000_000,
        reference_rows=1_200,
        current_rows=900,
        columns={"age": "numeric", "plan": "categorical"},
        target="churned",
        metrics=[drift],
    )


def an_outcome() -> SuiteOutcome:
    test = TestOutcome(
        test="DriftedColumnsShare",
        name="Share of drifted columns",
        settings={"type": "DriftedColumnsShare", "lt": 0.3},
        figure="share_of_drifted_columns",
        condition="< 0.3",
        status="fail",
        value=0.5,
        message="share_of_drifted_columns = 0.5, expected < 0.3",
    )
    summary = {"pass": 0, "fail": 1, "error": 0, "total": 1}
    return SuiteOutcome(tests=[test], summary=summary, passed=False, report=a_report())


def test_each_kind_validates_to_its_own_model_and_round_trips() -> None:
    report, outcome = a_report(), an_outcome()
    again = validate_document(report.as_dict())
    assert isinstance(again, ReportResult)
    assert again.as_dict() == report.as_dict()  # NaN travels as "NaN", so the dicts compare equal
    restored = validate_document(outcome.as_dict())
    assert isinstance(restored, SuiteOutcome)
    assert restored.tests == outcome.tests and isinstance(restored.tests[0], TestOutcome)
    assert restored.report.value("share_of_drifted_columns") == 0.5
    assert restored.as_dict() == outcome.as_dict()


def test_a_suite_document_needs_real_test_outcomes() -> None:
    document = an_outcome().as_dict()
    document["tests"] = [{"name": "drift", "status": "pass"}]
    with pytest.raises(ValidationError, match=r"suite\.tests\.0\.figure"):
        validate_document(document)
    document = an_outcome().as_dict()
    document["tests"][0]["status"] = "maybe"
    with pytest.raises(ValidationError, match=r"suite\.tests\.0\.status"):
        validate_document(document)
    document = {**an_outcome().as_dict(), "extra": 1}
    with pytest.raises(ValidationError, match="extra"):
        validate_document(document)


@pytest.mark.parametrize("kind", [None, "poster", 3])
def test_an_unknown_kind_is_named(kind: Any) -> None:
    with pytest.raises(InvalidInput, match="kind 'report' or 'suite'"):
        validate_document({"kind": kind})


def test_the_union_has_a_schema_told_apart_by_kind() -> None:
    schema = TypeAdapter(ReportDocument).json_schema(mode="serialization")
    assert schema["discriminator"]["propertyName"] == "kind"
    assert set(schema["discriminator"]["mapping"]) == {"report", "suite"}
    suite = schema["$defs"]["SuiteOutcome"]
    assert suite["properties"]["tests"]["items"] == {"$ref": "#/$defs/TestOutcome"}
    assert set(schema["$defs"]["TestOutcome"]["properties"]["status"]["enum"]) == {"pass", "fail", "error"}


def test_headline_of_each_kind() -> None:
    assert headline(a_report()) == (
        "report",
        None,
        {"dataset_drift": True, "share_of_drifted_columns": 0.5, "current_rows": 900},
    )
    assert headline(an_outcome()) == ("suite", "fail", {"pass": 0, "fail": 1, "error": 0, "total": 1})


def test_a_report_page_shows_the_rows_the_target_and_dataset_drift() -> None:
    page = a_report().page()
    assert page.title == "Monitoring report" and page.tests is None
    assert list(page.cards) == [
        Card("Reference rows", 1_200),
        Card("Current rows", 900),
        Card("Columns", "2"),
        Card("Target", "churned"),
        Card("Dataset drift", "yes", "0.5 of columns drifted"),
    ]


def test_a_suite_page_is_its_report_page_with_the_verdict_and_tests_on_top(tmp_path: Any) -> None:
    outcome = an_outcome()
    page = outcome.page()
    assert page.title == "Test suite: failed"
    assert list(page.cards)[:-1] == list(outcome.report.page().cards)
    assert list(page.cards)[-1] == Card("Tests", "0 passed", "1 failed, 0 errors")
    assert page.tests == outcome.tests
    html = render_html(outcome)
    assert html.index('id="tests"') < html.index("<h2>Data drift</h2>")
    assert outcome.save_html(tmp_path / "suite.html").read_text(encoding="utf-8") == html


@pytest.mark.parametrize("name", ["report.json", "suite.json"])
def test_the_web_ui_s_fixture_documents_are_current_shapes(name: str) -> None:
    """The viewer's tests render these files; they must be documents the server would still serve."""
    path = Path(__file__).resolve().parents[2] / "ui" / "src" / "reports" / "fixtures" / name
    document = json.loads(path.read_text())
    assert validate_document(document).kind == document["kind"]
