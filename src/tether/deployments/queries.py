"""SQL over the deployment tables: take a connection, return rows; the rules live in the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, delete, exists, insert, not_, or_, select, update

from tether.storage.tables import deployment_models, deployment_stats, deployments, registered_models


def deployment_row(conn: Connection, name: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(deployments).where(deployments.c.name == name)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def insert_deployment(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(insert(deployments).values(**row).returning(deployments.c.deployment_id))
    return int(result.scalar_one())


def update_deployment(conn: Connection, deployment_id: int, **values: object) -> None:
    conn.execute(update(deployments).where(deployments.c.deployment_id == deployment_id).values(**values))


def delete_deployment(conn: Connection, deployment_id: int) -> None:
    conn.execute(delete(deployments).where(deployments.c.deployment_id == deployment_id))


def next_window(conn: Connection, deployment_id: int, now: int) -> int:
    """Take the deployment's next window number and record the heartbeat, in one row update."""
    result = conn.execute(
        update(deployments)
        .where(deployments.c.deployment_id == deployment_id)
        .values(last_window=deployments.c.last_window + 1, last_seen_at=now)
        .returning(deployments.c.last_window)
    )
    return int(result.scalar_one())


def status_condition(status: str, now: int, stale_after_intervals: int) -> ColumnElement[bool]:
    """Deployments whose derived status is ``status`` at ``now`` (see ``schemas.DeploymentStatus``)."""
    fresh = (
        deployments.c.last_seen_at + deployments.c.report_interval_s * (1000 * stale_after_intervals) >= now
    )
    if status == "stopped":
        return deployments.c.stopped_at.is_not(None)
    if status == "running":
        return and_(deployments.c.stopped_at.is_(None), fresh)
    return and_(deployments.c.stopped_at.is_(None), not_(fresh))


def list_deployments(
    conn: Connection,
    conditions: Sequence[ColumnElement[bool]],
    among: Sequence[str] | None,
    offset: int,
    limit: int,
) -> list[Row[Any]]:
    """Deployments in name order; with ``among``, only those serving no registered model outside it."""
    query = select(deployments).where(*conditions).order_by(deployments.c.name)
    if among is not None:
        unreadable = exists().where(
            deployment_models.c.deployment_id == deployments.c.deployment_id,
            deployment_models.c.model.is_not(None),
            deployment_models.c.model.not_in(list(among)),
        )
        query = query.where(not_(unreadable))
    return list(conn.execute(query.offset(offset).limit(limit)))


def replace_lanes(conn: Connection, deployment_id: int, lanes: Sequence[Mapping[str, object]]) -> None:
    conn.execute(delete(deployment_models).where(deployment_models.c.deployment_id == deployment_id))
    conn.execute(insert(deployment_models), [{**lane, "deployment_id": deployment_id} for lane in lanes])


def lanes_of(conn: Connection, deployment_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    found: dict[int, list[Row[Any]]] = {d: [] for d in deployment_ids}
    query = (
        select(deployment_models)
        .where(deployment_models.c.deployment_id.in_(list(deployment_ids)))
        .order_by(deployment_models.c.served_name, deployment_models.c.role)
    )
    for row in conn.execute(query):
        found[row.deployment_id].append(row)
    return found


def served_models(conn: Connection, name: str) -> list[str]:
    """The registered models the named deployment's lanes serve that are still in the registry."""
    query = (
        select(deployment_models.c.model)
        .distinct()
        .join(deployments, deployments.c.deployment_id == deployment_models.c.deployment_id)
        .join(registered_models, registered_models.c.name == deployment_models.c.model)
        .where(deployments.c.name == name)
        .order_by(deployment_models.c.model)
    )
    return [str(model) for model in conn.execute(query).scalars()]


def insert_stats(conn: Connection, rows: Sequence[Mapping[str, object]]) -> None:
    if rows:
        conn.execute(insert(deployment_stats), list(rows))


def prune_stats(conn: Connection, deployment_id: int, keep_from: int) -> None:
    """Delete the deployment's windows numbered below ``keep_from``."""
    conn.execute(
        delete(deployment_stats).where(
            deployment_stats.c.deployment_id == deployment_id, deployment_stats.c.window_no < keep_from
        )
    )


def stats_since(conn: Connection, windows: Mapping[int, int]) -> dict[int, list[Row[Any]]]:
    """Each deployment's stats rows from window ``windows[deployment_id]`` on, oldest first."""
    found: dict[int, list[Row[Any]]] = {d: [] for d in windows}
    if not windows:
        return found
    since = or_(
        *(
            and_(deployment_stats.c.deployment_id == d, deployment_stats.c.window_no >= first)
            for d, first in windows.items()
        )
    )
    query = (
        select(deployment_stats)
        .where(since)
        .order_by(
            deployment_stats.c.deployment_id, deployment_stats.c.window_no, deployment_stats.c.served_name
        )
    )
    for row in conn.execute(query):
        found[row.deployment_id].append(row)
    return found
