"""Stored monitoring reports: log one for a run, list them per experiment or subject, read, delete."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from tether.monitoring.schemas import ReportLog, StoredReport
from tether.server.access import DELETE_REPORT, LIST_REPORTS, LOG_REPORT, READ_REPORT
from tether.server.deps import Monitoring
from tether.server.responses import json_of, json_of_value, no_content
from tether.tracking.schemas import Page

router = APIRouter(prefix="/reports", tags=["reports"])


@router.post("", response_model=StoredReport, status_code=201, dependencies=[Depends(LOG_REPORT)])
def log_report(body: ReportLog, monitoring: Monitoring) -> Response:
    return json_of(monitoring.log_report(body.subject, body.document, body.name), status_code=201)


@router.get("", response_model=Page[StoredReport], dependencies=[Depends(LIST_REPORTS)])
def list_reports(
    monitoring: Monitoring,
    experiment_id: str | None = None,
    subject: Annotated[str | None, Query(max_length=300)] = None,
    max_results: Annotated[int, Query(ge=1, le=1000)] = 100,
    page_token: str | None = None,
) -> Response:
    """Newest first; give exactly one of ``experiment_id`` and ``subject`` (such as ``run:<id>``)."""
    return json_of(monitoring.list_reports(experiment_id, subject, max_results, page_token))


@router.get("/{report_id}", response_model=StoredReport, dependencies=[Depends(READ_REPORT)])
def get_report(report_id: str, monitoring: Monitoring) -> Response:
    return json_of(monitoring.get_report(report_id))


@router.get("/{report_id}/document", response_model=dict[str, object], dependencies=[Depends(READ_REPORT)])
def report_document(report_id: str, monitoring: Monitoring) -> Response:
    """The whole report: every metric's figures, tables, distributions and curves."""
    return json_of_value(monitoring.report_document(report_id), dict[str, object])


@router.delete("/{report_id}", status_code=204, dependencies=[Depends(DELETE_REPORT)])
def delete_report(report_id: str, monitoring: Monitoring) -> Response:
    monitoring.delete_report(report_id)
    return no_content()
