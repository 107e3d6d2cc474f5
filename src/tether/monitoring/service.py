"""Stored monitoring reports: keep a report or suite outcome, linked to the object it judged.

The document is validated against the result shapes before it is stored, so every stored report renders;
it goes to the blob store, and a row keeps the headline (kind, pass/fail, a few figures) for listings.
The subject is a typed reference (today a run, ``run:<id>``); what a report judged is a ``judged`` lineage
edge from the subject to ``report:<id>``, written in the same transaction as the report's row.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Row, select

from tether.errors import InvalidInput, NotFound, StorageError
from tether.lineage import queries as lineage_queries
from tether.lineage.service import LineageService
from tether.monitoring.documents import ReportResult, SuiteOutcome, headline, read_document, validate_document
from tether.monitoring.schemas import StoredReport
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.refs import Ref, ReportRef
from tether.schemas import Page
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.storage.tables import monitoring_reports as reports
from tether.tracking.service import TrackingService

MAX_REPORT_BYTES = 64 * 1024 * 1024
_REPORT_ID_LENGTH = 32


class MonitoringService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        tracking: TrackingService,
        lineage: LineageService,
    ) -> None:
        self.db = db
        self.blobs = blobs
        self.tracking = tracking
        self.lineage = lineage
        self._experiment_of: dict[str, Callable[[str], str]] = {"run": tracking.experiment_of_run}

    def log_report(self, subject: str, document: Mapping[str, Any], name: str = "") -> StoredReport:
        """Store a report (``ReportResult.as_dict()``) or a suite outcome for ``subject``."""
        ref = self._subject(subject)
        experiment_id = self._experiment_of[ref.kind](ref.id)
        try:
            validated = validate_document(document)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InvalidInput(f"the report document is not valid at {where}: {first['msg']}") from None
        kind, status, summary = headline(validated)
        body = validated.model_dump_json().encode()
        if len(body) > MAX_REPORT_BYTES:
            raise InvalidInput(
                f"the report is {len(body)} bytes; the most a report may be is {MAX_REPORT_BYTES}"
            )
        report_id = uuid.uuid4().hex
        row = {
            "report_id": report_id,
            "experiment_id": int(experiment_id),
            "name": name or ("suite" if kind == "suite" else "report"),
            "kind": kind,
            "status": status,
            "summary": json.dumps(summary, allow_nan=False),
            "created_at": int(time.time() * 1000),
            "size": len(body),
        }
        self.blobs.put_bytes(body, _blob_key(report_id))
        with self.db.write() as conn:
            conn.execute(reports.insert(), [row])
            self.lineage.record(ref, ReportRef(report_id), "judged", conn=conn)
        return _stored(row, str(ref))

    def list_reports(
        self,
        experiment_id: str | None = None,
        subject: str | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[StoredReport]:
        """Newest first, for one experiment or one subject (exactly one of the two)."""
        if (experiment_id is None) == (subject is None):
            raise InvalidInput("list reports of either an experiment or a subject, not both or neither")
        if not 1 <= max_results <= 1000:
            raise InvalidInput(f"max_results must be between 1 and 1000, got {max_results}")
        fingerprint = query_fingerprint(experiment_id, subject)
        offset = decode_token(page_token, fingerprint)
        query = select(reports).order_by(reports.c.created_at.desc(), reports.c.report_id)
        if experiment_id is not None:
            self.tracking.get_experiment(experiment_id)
            query = query.where(reports.c.experiment_id == int(experiment_id))
        else:
            judged = lineage_queries.linked_ids(str(self._subject(str(subject))), "judged", ReportRef.prefix)
            query = query.where(reports.c.report_id.in_(judged))
        with self.db.read() as conn:
            rows = conn.execute(query.offset(offset).limit(max_results + 1)).all()
            items = _with_subjects(conn, rows[:max_results])
        more = len(rows) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def get_report(self, report_id: str) -> StoredReport:
        with self.db.read() as conn:
            return _with_subjects(conn, [_row(conn, report_id)])[0]

    def report_document(self, report_id: str) -> ReportResult | SuiteOutcome:
        """The whole stored report or suite outcome, as it was logged."""
        self.get_report(report_id)
        with self.blobs.open(_blob_key(report_id)) as stream:
            return read_document(stream.read())

    def delete_report(self, report_id: str) -> None:
        with self.db.write() as conn:
            _row(conn, report_id)
            conn.execute(reports.delete().where(reports.c.report_id == report_id))
            self.lineage.forget(ReportRef(report_id), conn=conn)
        self.blobs.delete_prefix(_blob_key(report_id))

    def experiment_of_report(self, report_id: str) -> str:
        """For access checks: the experiment whose permissions govern the report."""
        return str(self.get_report(report_id).experiment_id)

    def _subject(self, subject: str) -> Ref:
        ref = Ref.parse(subject)
        if ref.kind not in self._experiment_of:
            kinds = ", ".join(f"{kind}:<id>" for kind in self._experiment_of)
            raise InvalidInput(f"reports can be attached to {kinds}; {subject!r} is not one of those")
        return ref


def _row(conn: Connection, report_id: str) -> Row[Any]:
    found = None
    if len(report_id) == _REPORT_ID_LENGTH:
        found = conn.execute(select(reports).where(reports.c.report_id == report_id)).first()
    if found is None:
        raise NotFound(f"no report with id {report_id!r}")
    return found


def _with_subjects(conn: Connection, rows: Sequence[Row[Any]]) -> list[StoredReport]:
    """Stored reports for ``rows``, each with the subject its ``judged`` edge points from."""
    judged = {str(ReportRef(row.report_id)): row for row in rows}
    subjects: dict[str, str] = {}
    edges = lineage_queries.edges_into(conn, judged, kinds=["judged"])
    for edge in sorted(edges, key=lambda edge: (edge.created_at, edge.src_ref)):
        subjects.setdefault(edge.dst_ref, edge.src_ref)
    missing = next((ref for ref in judged if ref not in subjects), None)
    if missing is not None:
        raise StorageError(f"{missing} has lost the lineage edge that names its subject")
    return [_stored(row._asdict(), subjects[ref]) for ref, row in judged.items()]


def _stored(row: Mapping[str, Any], subject: str) -> StoredReport:
    experiment = row["experiment_id"]
    return StoredReport(
        report_id=row["report_id"],
        subject=subject,
        experiment_id=None if experiment is None else str(experiment),
        name=row["name"],
        kind=row["kind"],
        status=row["status"],
        summary=json.loads(row["summary"]),
        created_at=row["created_at"],
        size=row["size"],
    )


def _blob_key(report_id: str) -> str:
    return f"monitoring/reports/{report_id}.json"
