"""Stored reports: logged with a run, listed per experiment and per run, read back, refused when bad."""

from __future__ import annotations

import pytest
from tests.support import unique

import tether as tt
from tether import monitoring as mon
from tether.errors import InvalidInput, NotFound
from tether.monitoring.documents import ReportResult
from tether.monitoring.results import Distribution, MetricResult, NotComputed, Table, Value
from tether.monitoring.suites.suite import judge


def a_report(drifted: bool = True, share: float = 0.4) -> ReportResult:
    drift = MetricResult(
        metric="DataDrift",
        title="Data drift",
        values={"dataset_drift": drifted, "share_of_drifted_columns": share, "drift_score.age": float("nan")},
        items=[
            Value(name="share", value=share),
            Table(name="columns", columns=["column", "drifted"], rows=[["age", True], ["<b>x</b>", False]]),
            Distribution(name="age", numeric=True, bins=[0, 1, 2], reference=[0.5, 0.5], current=[0.1, 0.9]),
            NotComputed(name="city", reason="all values are missing"),
        ],
    )
    return ReportResult(
        created_at=1, reference_rows=10, current_rows=12, columns={"age": "numeric"}, metrics=[drift]
    )


def a_suite(passed: bool) -> dict[str, object]:
    """The outcome of one test on ``a_report()``, whose share of drifted columns is 0.4."""
    return judge([mon.DriftedColumnsShare(lt=0.5 if passed else 0.3)], a_report()).as_dict()


@pytest.fixture
def client(fluent_client: tt.Client) -> tt.Client:
    return fluent_client


def test_reports_are_stored_with_a_run_and_listed(client: tt.Client) -> None:
    experiment = unique("monitored")
    tt.set_experiment(experiment)
    with tt.start_run() as run:
        stored = tt.log_report(a_report(), name="weekly drift")
        suite = tt.log_report(a_suite(passed=False), name="gate")
    assert stored.subject == f"run:{run.run_id}" and stored.kind == "report" and stored.status is None
    assert stored.summary == {"dataset_drift": True, "share_of_drifted_columns": 0.4, "current_rows": 12}
    assert (suite.kind, suite.status, suite.summary["fail"]) == ("suite", "fail", 1)
    experiment_id = client.get_experiment_by_name(experiment).experiment_id
    listed = client.monitoring.list_reports(experiment_id=experiment_id).items
    assert [r.report_id for r in listed] == [suite.report_id, stored.report_id]
    by_run = client.monitoring.list_reports(subject=f"run:{run.run_id}").items
    assert {r.name for r in by_run} == {"weekly drift", "gate"}
    restored = client.monitoring.report_document(stored.report_id)
    assert isinstance(restored, ReportResult)
    assert restored.value("share_of_drifted_columns") == 0.4
    assert restored.metrics[0].items[1] == a_report().metrics[0].items[1]
    assert client.monitoring.get_report(stored.report_id) == stored


def test_listing_pages_newest_first(client: tt.Client) -> None:
    run_id = client.create_run(client.create_experiment(unique("pages"))).run_id
    made = [client.log_report(run_id, a_report(share=i / 10), name=f"r{i}").report_id for i in range(5)]
    first = client.monitoring.list_reports(subject=f"run:{run_id}", max_results=3)
    second = client.monitoring.list_reports(
        subject=f"run:{run_id}", max_results=3, page_token=first.next_page_token
    )
    assert second.next_page_token is None
    assert {r.report_id for r in first.items + second.items} == set(made)


def test_a_deleted_report_is_gone(client: tt.Client) -> None:
    run_id = client.create_run(client.create_experiment(unique("gone"))).run_id
    stored = client.log_report(run_id, a_report())
    client.monitoring.delete_report(stored.report_id)
    with pytest.raises(NotFound):
        client.monitoring.get_report(stored.report_id)
    with pytest.raises(NotFound):
        client.monitoring.report_document(stored.report_id)
    assert client.monitoring.list_reports(subject=f"run:{run_id}").items == []


@pytest.mark.parametrize(
    ("subject", "document", "error", "message"),
    [
        ("run:nothex", None, InvalidInput, "not a valid run reference"),
        ("models:/churn/3", None, InvalidInput, "reports can be attached to run:<id>"),
        ("wat", None, InvalidInput, "is not a reference"),
        ("run:" + "0" * 32, None, NotFound, "run"),
        (None, {"kind": "poster"}, InvalidInput, "kind 'report' or 'suite'"),
        (None, {"kind": "report", "created_at": 1}, InvalidInput, "not valid at"),
        (None, {**a_suite(True), "passed": "maybe"}, InvalidInput, "passed"),
    ],
)
def test_bad_reports_are_refused_and_nothing_is_stored(
    client: tt.Client, subject: str | None, document: dict[str, object] | None, error: type, message: str
) -> None:
    run_id = client.create_run(client.create_experiment(unique("bad"))).run_id
    with pytest.raises(error, match=message):
        client.monitoring.log_report(subject or f"run:{run_id}", document or a_report().as_dict())
    assert client.monitoring.list_reports(subject=f"run:{run_id}").items == []


def test_listing_needs_exactly_one_scope(client: tt.Client) -> None:
    with pytest.raises(InvalidInput, match="either an experiment or a subject"):
        client.monitoring.list_reports()
    with pytest.raises(NotFound):
        client.monitoring.list_reports(experiment_id="987654")
    with pytest.raises(NotFound):
        client.monitoring.get_report("f" * 32)


def test_log_report_needs_an_active_run(client: tt.Client) -> None:
    with pytest.raises(tt.TetherError, match="no active run"):
        tt.log_report(a_report())
