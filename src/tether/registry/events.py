"""The audit trail: one immutable row per change to a model's name, versions or aliases."""

from __future__ import annotations

from sqlalchemy import Connection

from tether.registry import queries
from tether.registry.schemas import EventKind
from tether.registry.webhooks import queries as webhook_queries


def record_event(
    conn: Connection,
    at: int,
    model_id: int,
    name: str,
    kind: EventKind,
    actor: str | None,
    *,
    version: int | None = None,
    alias: str | None = None,
    moved: tuple[int | None, int | None] = (None, None),
    statuses: tuple[str | None, str | None] = (None, None),
) -> None:
    """Append an event in the caller's transaction, with a pending delivery for each webhook that wants
    it (so both happen or neither does); ``moved`` is an alias's (from, to) versions, ``statuses`` a
    version's (from, to) status."""
    event_id = queries.insert_event(
        conn,
        {
            "model_id": model_id,
            "model_name": name,
            "kind": kind,
            "version": version,
            "alias": alias,
            "from_version": moved[0],
            "to_version": moved[1],
            "from_status": statuses[0],
            "to_status": statuses[1],
            "actor": actor,
            "at": at,
        },
    )
    webhook_queries.enqueue_event(conn, event_id, kind, at)
