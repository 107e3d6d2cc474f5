"""SQL over the webhook tables: receivers, their event kinds, and the outbox that is the delivery log."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, exists, insert, literal, or_, select, update

from tether.storage.tables import registry_events, webhook_deliveries, webhook_events, webhooks

ALL_KINDS = "*"


def insert_webhook(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(insert(webhooks).values(**row).returning(webhooks.c.webhook_id))
    return int(result.scalar_one())


def webhook_row(conn: Connection, webhook_id: int) -> Row[Any] | None:
    return conn.execute(select(webhooks).where(webhooks.c.webhook_id == webhook_id)).first()


def webhook_rows(conn: Connection) -> list[Row[Any]]:
    return list(conn.execute(select(webhooks).order_by(webhooks.c.webhook_id)))


def update_webhook(conn: Connection, webhook_id: int, **values: object) -> None:
    conn.execute(update(webhooks).where(webhooks.c.webhook_id == webhook_id).values(**values))


def delete_webhook(conn: Connection, webhook_id: int) -> int:
    return int(conn.execute(delete(webhooks).where(webhooks.c.webhook_id == webhook_id)).rowcount)


def set_kinds(conn: Connection, webhook_id: int, kinds: Iterable[str]) -> None:
    """Replace the event kinds a webhook receives (``ALL_KINDS`` alone: every kind)."""
    conn.execute(delete(webhook_events).where(webhook_events.c.webhook_id == webhook_id))
    conn.execute(insert(webhook_events), [{"webhook_id": webhook_id, "kind": kind} for kind in kinds])


def kinds_of(conn: Connection, webhook_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {w: [] for w in webhook_ids}
    query = (
        select(webhook_events)
        .where(webhook_events.c.webhook_id.in_(list(webhook_ids)))
        .order_by(webhook_events.c.kind)
    )
    for row in conn.execute(query):
        found[row.webhook_id].append(row.kind)
    return found


def enqueue_event(conn: Connection, event_id: int, kind: str, now: int) -> None:
    """One pending delivery of the event for each active webhook that receives its kind, in one statement."""
    wanted = exists().where(
        webhook_events.c.webhook_id == webhooks.c.webhook_id,
        or_(webhook_events.c.kind == kind, webhook_events.c.kind == ALL_KINDS),
    )
    chosen = select(
        webhooks.c.webhook_id,
        literal(event_id),
        literal("pending"),
        literal(0),
        literal(now),
        literal(0),
        literal(now),
    ).where(webhooks.c.active, wanted)
    columns = [
        "webhook_id",
        "event_id",
        "status",
        "attempts",
        "next_attempt_at",
        "claimed_until",
        "created_time",
    ]
    conn.execute(insert(webhook_deliveries).from_select(columns, chosen))


def insert_delivery(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(
        insert(webhook_deliveries).values(**row).returning(webhook_deliveries.c.delivery_id)
    )
    return int(result.scalar_one())


def _joined() -> Any:
    """Deliveries with their webhook and (outer-joined: a ping has none) their event."""
    return webhook_deliveries.join(
        webhooks, webhooks.c.webhook_id == webhook_deliveries.c.webhook_id
    ).outerjoin(registry_events, registry_events.c.event_id == webhook_deliveries.c.event_id)


_DELIVERY_COLUMNS = (
    webhook_deliveries,
    registry_events.c.kind,
    registry_events.c.model_name,
    registry_events.c.version,
    registry_events.c.alias,
    registry_events.c.from_version,
    registry_events.c.to_version,
    registry_events.c.from_status,
    registry_events.c.to_status,
    registry_events.c.actor,
    registry_events.c.at,
)


def deliveries(
    conn: Connection,
    webhook_id: int,
    status: str | None,
    offset: int,
    limit: int,
    *,
    delivery_id: int | None = None,
) -> list[Row[Any]]:
    """A webhook's deliveries, newest first (or the one ``delivery_id``)."""
    query = (
        select(*_DELIVERY_COLUMNS).select_from(_joined()).where(webhook_deliveries.c.webhook_id == webhook_id)
    )
    if status is not None:
        query = query.where(webhook_deliveries.c.status == status)
    if delivery_id is not None:
        query = query.where(webhook_deliveries.c.delivery_id == delivery_id)
    query = query.order_by(webhook_deliveries.c.delivery_id.desc()).offset(offset).limit(limit)
    return list(conn.execute(query))


def due(conn: Connection, now: int, limit: int) -> list[Row[Any]]:
    """Pending deliveries whose time has come and that no sender holds, oldest first, with what they need."""
    query = (
        select(*_DELIVERY_COLUMNS, webhooks.c.url, webhooks.c.secret, webhooks.c.allow_private)
        .select_from(_joined())
        .where(
            webhook_deliveries.c.status == "pending",
            webhook_deliveries.c.next_attempt_at <= now,
            webhook_deliveries.c.claimed_until <= now,
        )
        .order_by(webhook_deliveries.c.next_attempt_at, webhook_deliveries.c.delivery_id)
        .limit(limit)
    )
    return list(conn.execute(query))


def claim(conn: Connection, delivery_id: int, now: int, until: int) -> bool:
    """Take a delivery for one attempt, unless another sender took it first (compare and swap)."""
    result = conn.execute(
        update(webhook_deliveries)
        .where(
            webhook_deliveries.c.delivery_id == delivery_id,
            webhook_deliveries.c.status == "pending",
            webhook_deliveries.c.claimed_until <= now,
        )
        .values(claimed_until=until)
    )
    return bool(result.rowcount)


def record_attempt(conn: Connection, delivery_id: int, **values: object) -> None:
    conn.execute(
        update(webhook_deliveries).where(webhook_deliveries.c.delivery_id == delivery_id).values(**values)
    )


def prune(conn: Connection, before: int) -> int:
    """Forget finished deliveries older than ``before``; pending ones are kept whatever their age."""
    result = conn.execute(
        delete(webhook_deliveries).where(
            webhook_deliveries.c.status != "pending", webhook_deliveries.c.finished_time < before
        )
    )
    return int(result.rowcount)
