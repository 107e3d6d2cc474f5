"""DeploymentService: running model servers as tether sees them, from what each reports.

Contracts: a model server registers under a unique name when it starts (an upsert: starting again under
the same name replaces what was there), reports a stats window every ``report_interval_s`` (its
heartbeat), and says when it stops; the status is derived when read (``rows.status_of``), so a server that
dies without a word turns ``stale`` on its own. Every registered version a deployment serves gets the
lineage edge ``models:/<name>/<version> -deployed-> deployment:<name>`` in the same transaction as the
change, so which versions it served, and since when, outlives the deployment's own rows. At most
``MAX_WINDOWS`` stats windows are kept per deployment. Every input is checked against the same shapes the
server checks (``schemas``), so a refused call changes nothing on either backend.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy import Connection, exc

from tether.deployments import queries, rows
from tether.deployments.schemas import (
    DEFAULT_WINDOWS,
    MAX_WINDOWS,
    Deployment,
    DeploymentListQuery,
    DeploymentQuery,
    DeploymentRegister,
    DeploymentStatus,
    ServedLane,
    ServedStats,
    StatsReport,
)
from tether.errors import Conflict, InvalidInput, NotFound
from tether.lineage.service import EdgeSpec, LineageService
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.refs import DeploymentRef, ModelVersionRef, check_name
from tether.registry import queries as registry_queries
from tether.schemas import Page, describe_errors
from tether.storage.db import Database

S = TypeVar("S", bound=BaseModel)


def now_ms() -> int:
    return int(time.time() * 1000)


class DeploymentService:
    def __init__(self, db: Database, lineage: LineageService, clock: Callable[[], int] = now_ms) -> None:
        self.db = db
        self.lineage = lineage
        self.clock = clock

    def register_deployment(
        self,
        name: str,
        models: Sequence[ServedLane | dict[str, Any]],
        url: str,
        host: str = "",
        tether_version: str = "",
        report_interval_s: float = 15.0,
    ) -> Deployment:
        """A model server starting, or starting again, under ``name``: the models it answers with, where it
        listens and how often it will report. Each registered version it serves gets a lineage edge."""
        check_name("the deployment name", name)
        given = _checked(
            DeploymentRegister,
            models=models,
            url=url,
            host=host,
            tether_version=tether_version,
            report_interval_s=report_interval_s,
        )
        lanes = _checked_lanes(given.models)
        now = self.clock()
        values = {
            "url": given.url,
            "host": given.host,
            "tether_version": given.tether_version,
            "report_interval_s": given.report_interval_s,
            "started_at": now,
            "last_seen_at": now,
            "stopped_at": None,
        }
        try:
            with self.db.write() as conn:
                row = queries.deployment_row(conn, name, lock=True)
                if row is None:
                    deployment_id = queries.insert_deployment(
                        conn, {"name": name, "last_window": 0, **values}
                    )
                else:
                    deployment_id = row.deployment_id
                    queries.update_deployment(conn, deployment_id, **values)
                self._set_lanes(conn, name, deployment_id, lanes)
        except exc.IntegrityError as error:
            raise Conflict(f"deployment {name!r} was registered by another call at the same time") from error
        return self.get_deployment(name, windows=0)

    def report_stats(
        self,
        name: str,
        window_s: float,
        stats: Sequence[ServedStats | dict[str, Any]],
        models: Sequence[ServedLane | dict[str, Any]] | None = None,
    ) -> None:
        """One report window of a running deployment: its heartbeat, each served name's numbers, and its
        models when a version changed (the new versions get lineage edges). A stopped deployment is
        refused: a server starting again registers first."""
        check_name("the deployment name", name)
        report = _checked(StatsReport, window_s=window_s, stats=stats, models=models)
        lanes = None if report.models is None else _checked_lanes(report.models)
        now = self.clock()
        with self.db.write() as conn:
            row = rows.deployment_row(conn, name, lock=True)
            if row.stopped_at is not None:
                raise Conflict(f"deployment {name!r} has stopped; a server starting again registers first")
            current = queries.lanes_of(conn, [row.deployment_id])[row.deployment_id]
            if lanes is not None and _lane_keys(lanes) != _lane_keys(current):
                self._set_lanes(conn, name, row.deployment_id, lanes)
            served = {lane.served_name for lane in (lanes or current)}
            _check_stats(report.stats, served)
            window = queries.next_window(conn, row.deployment_id, now)
            queries.insert_stats(
                conn,
                [
                    {
                        "deployment_id": row.deployment_id,
                        "window_no": window,
                        "at": now,
                        "window_s": report.window_s,
                        **point.model_dump(),
                    }
                    for point in report.stats
                ],
            )
            queries.prune_stats(conn, row.deployment_id, window - MAX_WINDOWS + 1)

    def mark_stopped(self, name: str) -> Deployment:
        """The server under ``name`` has shut down; saying so again changes nothing."""
        with self.db.write() as conn:
            row = rows.deployment_row(conn, name, lock=True)
            if row.stopped_at is None:
                now = self.clock()
                queries.update_deployment(conn, row.deployment_id, stopped_at=now, last_seen_at=now)
        return self.get_deployment(name, windows=0)

    def list_deployments(
        self,
        status: DeploymentStatus | None = None,
        max_results: int = 100,
        page_token: str | None = None,
        *,
        among: Sequence[str] | None = None,
    ) -> Page[Deployment]:
        """Deployments in name order, each with its latest stats; ``among`` the readable model names (a
        deployment is listed when every registered model it serves is among them)."""
        query = _checked(DeploymentListQuery, status=status, max_results=max_results, page_token=page_token)
        fingerprint = query_fingerprint("deployments", query.status, among)
        offset = decode_token(query.page_token, fingerprint)
        now = self.clock()
        conditions = []
        if query.status is not None:
            conditions.append(queries.status_condition(query.status, now, rows.STALE_AFTER_INTERVALS))
        with self.db.read() as conn:
            found = queries.list_deployments(conn, conditions, among, offset, query.max_results + 1)
            items = rows.deployments_of(conn, found[: query.max_results], now)
        more = len(found) > query.max_results
        token = encode_token(offset + query.max_results, fingerprint) if more else None
        return Page(items=items, next_page_token=token)

    def get_deployment(self, name: str, windows: int = DEFAULT_WINDOWS) -> Deployment:
        """One deployment with its last ``windows`` stats windows as ``history``, oldest first."""
        query = _checked(DeploymentQuery, windows=windows)
        with self.db.read() as conn:
            return rows.deployments_of(conn, [rows.deployment_row(conn, name)], self.clock(), query.windows)[
                0
            ]

    def delete_deployment(self, name: str) -> None:
        """Forget a deployment, its stats and its lineage edges (for one retired for good)."""
        with self.db.write() as conn:
            row = rows.deployment_row(conn, name, lock=True)
            self.lineage.forget(DeploymentRef(name), conn=conn)
            queries.delete_deployment(conn, row.deployment_id)

    # --- access ---------------------------------------------------------------------------------------

    def models_of_deployment(self, name: str) -> list[str]:
        """The registered models a deployment serves, whose permissions govern it (none for a name not
        registered yet, so registering a new one is governed by the models it names alone)."""
        with self.db.read() as conn:
            return queries.served_models(conn, name)

    # --- helpers ----------------------------------------------------------------------------------------

    def _set_lanes(
        self, conn: Connection, name: str, deployment_id: int, lanes: Sequence[ServedLane]
    ) -> None:
        for lane in lanes:
            _check_served_version(conn, lane)
        queries.replace_lanes(conn, deployment_id, [lane.model_dump() for lane in lanes])
        edges: list[EdgeSpec] = [
            (ModelVersionRef(lane.model, lane.version), DeploymentRef(name), "deployed")
            for lane in lanes
            if lane.model is not None and lane.version is not None
        ]
        self.lineage.record_many(edges, conn=conn)


def _checked(shape: type[S], **values: Any) -> S:
    """``values`` as ``shape``, checked as the server checks a request; InvalidInput saying what is wrong."""
    try:
        return shape.model_validate(values)
    except ValidationError as error:
        raise InvalidInput(describe_errors(error.errors(include_url=False))) from None


def _checked_lanes(lanes: Sequence[ServedLane]) -> list[ServedLane]:
    keys = [(lane.served_name, lane.role) for lane in lanes]
    twice = sorted({f"{name} ({role})" for name, role in keys if keys.count((name, role)) > 1})
    if twice:
        raise InvalidInput(
            f"each served name has at most one model per role; given twice: {', '.join(twice)}"
        )
    without = sorted({name for name, _ in keys} - {name for name, role in keys if role == "primary"})
    if without:
        raise InvalidInput(f"every served name needs a primary model; none for {', '.join(without)}")
    return list(lanes)


def _lane_keys(lanes: Sequence[Any]) -> set[tuple[Any, ...]]:
    return {(lane.served_name, lane.role, lane.uri, lane.model, lane.version, lane.weight) for lane in lanes}


def _check_stats(stats: Sequence[ServedStats], served: set[str]) -> None:
    names = [point.served_name for point in stats]
    twice = sorted({name for name in names if names.count(name) > 1})
    if twice:
        raise InvalidInput(f"one stats entry per served name per window; given twice: {', '.join(twice)}")
    unknown = sorted(set(names) - served)
    if unknown:
        raise InvalidInput(
            f"stats for {', '.join(unknown)}, which this deployment does not serve "
            f"(it serves {', '.join(sorted(served))})"
        )


def _check_served_version(conn: Connection, lane: ServedLane) -> None:
    """A lane's registered model, and its version when given, must exist in the registry."""
    if lane.model is None:
        return
    model = registry_queries.model_row(conn, lane.model)
    if model is None:
        raise NotFound(f"{lane.served_name}: no registered model named {lane.model!r}")
    if lane.version is not None and not registry_queries.version_rows(conn, model.model_id, lane.version):
        raise NotFound(f"{lane.served_name}: model {lane.model!r} has no version {lane.version}")
