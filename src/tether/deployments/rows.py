"""Deployment rows as read models, loaded in a few statements per page rather than one per deployment."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, get_args

from sqlalchemy import Connection, Row

from tether.deployments import queries
from tether.deployments.schemas import DeployedLane, Deployment, DeploymentStatus, Role, StatsPoint
from tether.errors import NotFound

STALE_AFTER_INTERVALS = 3
"""A deployment not heard from for this many report intervals is ``stale``."""

_STATS_FIELDS = tuple(StatsPoint.model_fields)
_ROLES: tuple[str, ...] = get_args(Role)


def deployment_row(conn: Connection, name: str, *, lock: bool = False) -> Row[Any]:
    row = queries.deployment_row(conn, name, lock=lock)
    if row is None:
        raise NotFound(f"no deployment named {name!r}")
    return row


def status_of(row: Row[Any], now: int) -> DeploymentStatus:
    if row.stopped_at is not None:
        return "stopped"
    fresh = row.last_seen_at + row.report_interval_s * 1000 * STALE_AFTER_INTERVALS >= now
    return "running" if fresh else "stale"


def deployments_of(
    conn: Connection, found: Sequence[Row[Any]], now: int, windows: int = 0
) -> list[Deployment]:
    """The deployments of ``found``, each with its latest stats window and its last ``windows`` as history."""
    ids = [row.deployment_id for row in found]
    lanes = queries.lanes_of(conn, ids)
    points = queries.stats_since(
        conn, {row.deployment_id: row.last_window - max(windows, 1) + 1 for row in found}
    )
    return [
        _deployment(row, lanes[row.deployment_id], points[row.deployment_id], now, windows) for row in found
    ]


def _deployment(
    row: Row[Any], lanes: Sequence[Row[Any]], points: Sequence[Row[Any]], now: int, windows: int
) -> Deployment:
    return Deployment(
        name=row.name,
        status=status_of(row, now),
        models=[
            DeployedLane.model_validate(lane._mapping)
            for lane in sorted(lanes, key=lambda lane: (lane.served_name, _ROLES.index(lane.role)))
        ],
        url=row.url,
        host=row.host,
        tether_version=row.tether_version,
        report_interval_s=row.report_interval_s,
        started_at=row.started_at,
        last_seen_at=row.last_seen_at,
        stopped_at=row.stopped_at,
        stats=[_point(p) for p in points if p.window_no == row.last_window],
        history=[_point(p) for p in points if p.window_no > row.last_window - windows],
    )


def _point(row: Row[Any]) -> StatsPoint:
    return StatsPoint.model_validate({name: getattr(row, name) for name in _STATS_FIELDS})
