"""The monitoring domain's REST API: stored reports, kept with the object they judged (see
``tether.endpoints``). A report's permissions are those of the experiment its subject belongs to."""

from __future__ import annotations

from tether.endpoints import Domain, Endpoint, in_body, in_path, in_query, on, tagged
from tether.monitoring.documents import ReportDocument
from tether.monitoring.schemas import ReportLog, ReportsQuery, StoredReport
from tether.schemas import Page

REPORT = in_path("report", "report_id")

DOMAIN = Domain(
    "monitoring",
    tagged(
        "reports",
        (
            Endpoint(
                "POST",
                "/reports",
                "log_report",
                on("EDIT", in_body("ref", "subject")),
                StoredReport,
                body=ReportLog,
                status=201,
            ),
            Endpoint(
                "GET",
                "/reports",
                "list_reports",
                on("READ", in_query("experiment", "experiment_id"), in_query("ref", "subject")),
                Page[StoredReport],
                query=ReportsQuery,
            ),
            Endpoint("GET", "/reports/{report_id}", "get_report", on("READ", REPORT), StoredReport),
            Endpoint(
                "GET",
                "/reports/{report_id}/document",
                "report_document",
                on("READ", REPORT),
                ReportDocument,
            ),
            Endpoint("DELETE", "/reports/{report_id}", "delete_report", on("EDIT", REPORT)),
        ),
    ),
    scopes={"report": "experiment_of_report"},
)
