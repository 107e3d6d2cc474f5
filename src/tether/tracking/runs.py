"""Runs: create, read, rename and end, soft-delete and restore, their children, and search.

Part of ``TrackingService`` (see service.py); each method is one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Row

from tether.errors import Conflict, InvalidInput
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.schemas import Page
from tether.storage.db import Database
from tether.tracking import limits, queries, rows
from tether.tracking.names import random_run_name
from tether.tracking.schemas import Run
from tether.tracking.search import Clause, parse_filter, parse_order_by, search_query
from tether.types import RunStatus, ViewType

RUN_STATUSES: tuple[RunStatus, ...] = ("RUNNING", "FINISHED", "FAILED", "KILLED")


class Runs:
    db: Database

    def create_run(
        self,
        experiment_id: str = rows.DEFAULT_EXPERIMENT_ID,
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
        parent_run_id: str | None = None,
        start_time: int | None = None,
        user_id: str | None = None,
        run_id: str | None = None,
        status: RunStatus = "RUNNING",
        end_time: int | None = None,
    ) -> Run:
        """A new run; ``run_id`` keeps an id made elsewhere (an import from MLflow), refused if taken.
        ``status`` and ``end_time`` record a run that has already ended elsewhere in the same call."""
        name = run_name or random_run_name()
        limits.check_name("run name", name, limits.MAX_RUN_NAME)
        _check_status(status)
        if status == "RUNNING" and end_time is not None:
            raise InvalidInput("a RUNNING run has no end_time; give a final status with it")
        checked_tags = limits.check_values("tag", tags or {}, limits.MAX_TAG_VALUE, limits.MAX_TAGS_PER_CALL)
        if run_id is None:
            run_id = uuid.uuid4().hex
        elif not isinstance(run_id, str) or not rows.RUN_ID.fullmatch(run_id):
            raise InvalidInput(f"run_id must be 32 lowercase hexadecimal characters, got {run_id!r}")
        with self.db.write() as conn:
            if queries.run_row(conn, run_id) is not None:
                raise Conflict(f"a run with id '{run_id}' already exists")
            exp = rows.experiment_row(conn, rows.experiment_int(experiment_id))
            if exp.lifecycle_stage != "active":
                raise Conflict(f"experiment '{exp.name}' is deleted; restore it before starting runs in it")
            if parent_run_id is not None:
                _check_parent(rows.run_row(conn, parent_run_id), exp)
            started = rows.now_ms() if start_time is None else int(start_time)
            values = {
                "run_id": run_id,
                "experiment_id": exp.experiment_id,
                "run_name": name,
                "status": status,
                "lifecycle_stage": "active",
                "user_id": user_id or "",
                "start_time": started,
                "end_time": None
                if status == "RUNNING"
                else (rows.now_ms() if end_time is None else int(end_time)),
                "parent_run_id": parent_run_id,
            }
            queries.insert_run(conn, values)
            if checked_tags:
                queries.upsert_tags(conn, run_id, checked_tags)
        return Run(**{**values, "experiment_id": str(exp.experiment_id)}, tags=checked_tags)

    def get_run(self, run_id: str) -> Run:
        with self.db.read() as conn:
            rows.run_row(conn, run_id)
            return rows.load_runs(conn, [run_id])[0]

    def update_run(
        self,
        run_id: str,
        status: RunStatus | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Change status, end time or name; a terminal status without an end time ends the run now."""
        values: dict[str, object] = {}
        if status is not None:
            _check_status(status)
            values["status"] = status
            values["end_time"] = None if status == "RUNNING" else (end_time or rows.now_ms())
        elif end_time is not None:
            values["end_time"] = int(end_time)
        if run_name is not None:
            values["run_name"] = limits.check_name("run name", run_name, limits.MAX_RUN_NAME)
        rows.check_run_id(run_id)
        with self.db.write() as conn:
            updated = queries.update_run_returning(conn, run_id, values) if values else None
            return rows.runs_of(conn, [updated or rows.run_row(conn, run_id)])[0]

    def delete_run(self, run_id: str) -> None:
        """Soft delete: the run is hidden from searches but kept, and can be restored."""
        self._set_run_stage(run_id, "deleted")

    def restore_run(self, run_id: str) -> None:
        self._set_run_stage(run_id, "active")

    def _set_run_stage(self, run_id: str, stage: str) -> None:
        with self.db.write() as conn:
            rows.run_row(conn, run_id)
            queries.update_run(conn, run_id, lifecycle_stage=stage)

    def experiment_of_run(self, run_id: str) -> str:
        """The id of the experiment a run belongs to, for access checks that start from a run."""
        with self.db.read() as conn:
            return str(rows.run_row(conn, run_id).experiment_id)

    def child_runs(self, run_id: str) -> list[str]:
        with self.db.read() as conn:
            rows.run_row(conn, run_id)
            return queries.child_run_ids(conn, run_id)

    def search_runs(
        self,
        experiment_ids: Sequence[str] = (rows.DEFAULT_EXPERIMENT_ID,),
        filter: str = "",
        order_by: Sequence[str] = (),
        max_results: int = 1000,
        page_token: str | None = None,
        view: ViewType = "active",
    ) -> Page[Run]:
        """Runs matching an MLflow-style filter, ordered, one page at a time (see docs/search.md)."""
        rows.check_page_size(max_results)
        if view not in ("active", "deleted", "all"):
            raise InvalidInput(f"view must be 'active', 'deleted' or 'all', got {view!r}")
        clauses = parse_filter(filter)
        order = parse_order_by(order_by)
        ids = [rows.experiment_int(e) for e in experiment_ids]
        fingerprint = query_fingerprint("runs", ids, view, clauses, order)
        offset = decode_token(page_token, fingerprint)
        query = search_query(ids, view, clauses, order)
        with self.db.read() as conn:
            found = query.page(conn, offset, max_results + 1)
            items = rows.load_runs(conn, found[:max_results])
        more = len(found) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def unmet_conditions(self, run_id: str, filter: str) -> list[tuple[str, str | None]]:
        """Each clause of ``filter`` that run ``run_id`` does not meet, with the run's own value for its key
        (None: the run has none). Empty when the run meets them all; for rules such as promotion guards."""
        clauses = parse_filter(filter)
        with self.db.read() as conn:
            row = rows.run_row(conn, run_id)
            this_run = Clause("attribute", "run_id", "=", run_id)
            unmet = [
                clause
                for clause in clauses
                if not search_query([row.experiment_id], "all", [this_run, clause], []).page(conn, 0, 1)
            ]
            if not unmet:
                return []
            run = rows.load_runs(conn, [run_id])[0]
        values: dict[str, Mapping[str, Any]] = {
            "metric": run.metrics,
            "param": run.params,
            "tag": run.tags,
            "attribute": run.model_dump(),
        }
        found = [(clause, values[clause.entity].get(clause.key)) for clause in unmet]
        return [(str(clause), None if value is None else str(value)) for clause, value in found]


def _check_parent(parent: Row[Any], experiment: Row[Any]) -> None:
    """A child run lives in its parent's experiment, so whoever may write the child may read the parent,
    and no run can list another team's runs as its children."""
    if parent.experiment_id != experiment.experiment_id:
        raise InvalidInput(
            f"run '{parent.run_id}' is not in experiment {experiment.experiment_id}: "
            "a child run must be in its parent's experiment"
        )


def _check_status(status: object) -> None:
    if status not in RUN_STATUSES:
        raise InvalidInput(f"status must be one of {', '.join(RUN_STATUSES)}, got {status!r}")
