"""Shapes of stored reports on the wire: what a listing shows, and the body that stores one."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from tether.schemas import QueryModel, ReadModel, WriteModel

ReportKind = Literal["report", "suite"]
ReportStatus = Literal["pass", "fail"]


class StoredReport(ReadModel):
    """One stored report or suite outcome; ``summary`` holds its headline figures."""

    report_id: str
    subject: str
    experiment_id: str | None
    name: str
    kind: ReportKind
    status: ReportStatus | None
    summary: dict[str, Any]
    created_at: int
    size: int


class ReportLog(WriteModel):
    """Store ``document`` (a report or suite outcome as ``as_dict()`` gives it) for ``subject``."""

    subject: str = Field(max_length=300)
    document: dict[str, Any]
    name: str = Field("", max_length=250)


class ReportsQuery(QueryModel):
    """Newest first; give exactly one of ``experiment_id`` and ``subject`` (such as ``run:<id>``)."""

    experiment_id: str | None = None
    subject: str | None = Field(None, max_length=300)
    max_results: int = Field(100, ge=1, le=1000)
    page_token: str | None = None
