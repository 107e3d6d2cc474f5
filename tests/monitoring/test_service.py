"""MonitoringService over lineage: a report's subject is a ``judged`` edge, written and read there."""

from __future__ import annotations

import pytest
from sqlalchemy import delete
from tests.monitoring.test_store import a_report

from tether.client.local import LocalBackend
from tether.errors import StorageError
from tether.refs import ReportRef, RunRef
from tether.storage.tables import lineage_edges


def a_run(backend: LocalBackend) -> RunRef:
    return RunRef(backend.tracking.create_run("0").run_id)


def test_a_logged_report_is_downstream_of_its_run(backend: LocalBackend) -> None:
    run = a_run(backend)
    stored = backend.monitoring.log_report(str(run), a_report().as_dict(), name="drift")
    graph = backend.monitoring.lineage.graph(run, "downstream")
    assert [(e.src, e.dst, e.kind) for e in graph.edges] == [
        (str(run), f"report:{stored.report_id}", "judged")
    ]
    assert backend.monitoring.get_report(stored.report_id).subject == str(run)


def test_a_deleted_report_leaves_no_edge(backend: LocalBackend) -> None:
    run = a_run(backend)
    stored = backend.monitoring.log_report(str(run), a_report().as_dict())
    backend.monitoring.delete_report(stored.report_id)
    assert backend.monitoring.lineage.graph(run, "downstream").edges == []


def test_listing_by_subject_follows_the_edges(backend: LocalBackend) -> None:
    first, second = a_run(backend), a_run(backend)
    stored = backend.monitoring.log_report(str(first), a_report().as_dict())
    backend.monitoring.log_report(str(second), a_report().as_dict())
    assert [r.report_id for r in backend.monitoring.list_reports(subject=str(first)).items] == [
        stored.report_id
    ]
    backend.monitoring.lineage.record(second, ReportRef(stored.report_id), "judged")
    also = backend.monitoring.list_reports(subject=str(second)).items
    assert stored.report_id in {r.report_id for r in also} and len(also) == 2
    assert {r.subject for r in also if r.report_id == stored.report_id} == {str(first)}


def test_a_report_whose_edge_is_gone_says_so(backend: LocalBackend) -> None:
    stored = backend.monitoring.log_report(str(a_run(backend)), a_report().as_dict())
    with backend.monitoring.db.write() as conn:
        conn.execute(delete(lineage_edges))
    with pytest.raises(StorageError, match=f"report:{stored.report_id} has lost the lineage edge"):
        backend.monitoring.get_report(stored.report_id)
