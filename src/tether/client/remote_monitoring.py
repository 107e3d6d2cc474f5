"""The remote MonitoringAPI: stored reports through a ``tether server``'s REST API."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from tether.client.http import HttpTransport
from tether.monitoring.schemas import ReportLog, StoredReport
from tether.tracking.schemas import Page

API = "/api/v1/reports"


class RemoteMonitoring:
    def __init__(self, http: HttpTransport) -> None:
        self.http = http

    def log_report(self, subject: str, document: Mapping[str, Any], name: str = "") -> StoredReport:
        body = ReportLog(subject=subject, name=name, document=dict(document)).model_dump_json()
        return StoredReport.model_validate_json(self.http.request("POST", API, body=body).content)

    def list_reports(
        self,
        experiment_id: str | None = None,
        subject: str | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[StoredReport]:
        given = {"experiment_id": experiment_id, "subject": subject, "page_token": page_token}
        params = {k: v for k, v in given.items() if v is not None} | {"max_results": max_results}
        raw = self.http.request("GET", API, params=params).content
        return Page[StoredReport].model_validate_json(raw)

    def get_report(self, report_id: str) -> StoredReport:
        return StoredReport.model_validate_json(self.http.request("GET", f"{API}/{_seg(report_id)}").content)

    def report_document(self, report_id: str) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(
            self.http.request("GET", f"{API}/{_seg(report_id)}/document").content
        )
        return document

    def delete_report(self, report_id: str) -> None:
        self.http.request("DELETE", f"{API}/{_seg(report_id)}")


def _seg(value: str) -> str:
    return quote(value, safe="")
