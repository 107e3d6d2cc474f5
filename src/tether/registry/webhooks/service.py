"""Webhooks, part of ``RegistryService``: register receivers, rotate their secrets, ping them, read the log.

Every method is for admins (routes.py declares it). The secret is made here and shown only in the answer to
creating a webhook or rotating its secret; the read shapes never carry it.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from typing import Any, get_args

from sqlalchemy import Connection, Row

from tether.errors import InvalidInput, NotFound
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.registry.limits import check_description
from tether.registry.schemas import EventKind
from tether.registry.webhooks import queries, targets
from tether.registry.webhooks.schemas import DeliveryStatus, Webhook, WebhookCreated, WebhookDelivery
from tether.schemas import INT64_MAX, Int64, Page
from tether.storage.db import Database

MAX_DELIVERIES_PAGE = 1000
_KINDS = frozenset(get_args(EventKind))
_STATUSES = frozenset(get_args(DeliveryStatus))


class Webhooks:
    db: Database
    clock: Callable[[], int]

    def create_webhook(
        self,
        url: str,
        events: Sequence[EventKind] = (),
        description: str = "",
        allow_private: bool = False,
        active: bool = True,
        *,
        actor: str | None = None,
    ) -> WebhookCreated:
        """Register a receiver of registry events (``events`` empty: every kind); the answer holds the
        secret that signs its deliveries, shown this once."""
        targets.check_url(url, allow_private)
        kinds = _checked_kinds(events)
        check_description(description)
        now = self.clock()
        secret = _new_secret()
        row = {
            "url": url,
            "secret": secret,
            "description": description,
            "allow_private": bool(allow_private),
            "active": bool(active),
            "created_time": now,
            "updated_time": now,
            "created_by": actor,
        }
        with self.db.write() as conn:
            webhook_id = queries.insert_webhook(conn, row)
            queries.set_kinds(conn, webhook_id, kinds)
        return WebhookCreated(**self.get_webhook(webhook_id).model_dump(), secret=secret)

    def list_webhooks(self) -> list[Webhook]:
        with self.db.read() as conn:
            return _webhooks_of(conn, queries.webhook_rows(conn))

    def get_webhook(self, webhook_id: Int64) -> Webhook:
        with self.db.read() as conn:
            return _webhooks_of(conn, [_webhook_row(conn, webhook_id)])[0]

    def update_webhook(
        self,
        webhook_id: Int64,
        url: str | None = None,
        events: Sequence[EventKind] | None = None,
        description: str | None = None,
        allow_private: bool | None = None,
        active: bool | None = None,
    ) -> Webhook:
        """Change what is given; the URL is checked again against the (possibly new) private-target rule."""
        if description is not None:
            check_description(description)
        kinds = None if events is None else _checked_kinds(events)
        with self.db.write() as conn:
            current = _webhook_row(conn, webhook_id)
            private = current.allow_private if allow_private is None else bool(allow_private)
            targets.check_url(current.url if url is None else url, private)
            values: dict[str, object] = {"updated_time": self.clock(), "allow_private": private}
            for key, value in (("url", url), ("description", description), ("active", active)):
                if value is not None:
                    values[key] = value
            queries.update_webhook(conn, current.webhook_id, **values)
            if kinds is not None:
                queries.set_kinds(conn, current.webhook_id, kinds)
        return self.get_webhook(webhook_id)

    def delete_webhook(self, webhook_id: Int64) -> None:
        """Remove a webhook with its delivery log; what is still pending is never sent."""
        _check_id(webhook_id)
        with self.db.write() as conn:
            if not queries.delete_webhook(conn, webhook_id):
                raise NotFound(f"no webhook with id {webhook_id}")

    def rotate_webhook_secret(self, webhook_id: Int64) -> WebhookCreated:
        """A new secret for a webhook; deliveries from now on are signed with it (shown this once)."""
        secret = _new_secret()
        with self.db.write() as conn:
            current = _webhook_row(conn, webhook_id)
            queries.update_webhook(conn, current.webhook_id, secret=secret, updated_time=self.clock())
        return WebhookCreated(**self.get_webhook(webhook_id).model_dump(), secret=secret)

    def ping_webhook(self, webhook_id: Int64) -> WebhookDelivery:
        """Queue a ``ping`` delivery, to check a receiver (even an inactive webhook's) end to end."""
        now = self.clock()
        with self.db.write() as conn:
            current = _webhook_row(conn, webhook_id)
            delivery_id = queries.insert_delivery(
                conn,
                {
                    "webhook_id": current.webhook_id,
                    "event_id": None,
                    "status": "pending",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "claimed_until": 0,
                    "created_time": now,
                },
            )
            found = queries.deliveries(conn, current.webhook_id, None, 0, 1, delivery_id=delivery_id)
        return delivery_of(found[0])

    def list_deliveries(
        self,
        webhook_id: Int64,
        status: DeliveryStatus | None = None,
        max_results: int = 100,
        page_token: str | None = None,
    ) -> Page[WebhookDelivery]:
        """A webhook's delivery log, newest first; ``status`` keeps one state (pending, delivered, failed)."""
        if status is not None and status not in _STATUSES:
            raise InvalidInput(f"status must be one of 'pending', 'delivered' or 'failed', got {status!r}")
        if type(max_results) is not int or not 1 <= max_results <= MAX_DELIVERIES_PAGE:
            raise InvalidInput(
                f"max_results must be between 1 and {MAX_DELIVERIES_PAGE}, got {max_results!r}"
            )
        fingerprint = query_fingerprint("deliveries", webhook_id, status)
        offset = decode_token(page_token, fingerprint)
        with self.db.read() as conn:
            current = _webhook_row(conn, webhook_id)
            found = queries.deliveries(conn, current.webhook_id, status, offset, max_results + 1)
        more = len(found) > max_results
        return Page(
            items=[delivery_of(row) for row in found[:max_results]],
            next_page_token=encode_token(offset + max_results, fingerprint) if more else None,
        )


def delivery_of(row: Row[Any]) -> WebhookDelivery:
    return WebhookDelivery(
        delivery_id=row.delivery_id,
        webhook_id=row.webhook_id,
        event="ping" if row.event_id is None else row.kind,
        event_id=row.event_id,
        name=row.model_name,
        version=row.version,
        alias=row.alias,
        from_version=row.from_version,
        to_version=row.to_version,
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status=row.last_status,
        last_error=row.last_error,
        created_time=row.created_time,
        finished_time=row.finished_time,
    )


def _webhooks_of(conn: Connection, found: Sequence[Row[Any]]) -> list[Webhook]:
    kinds = queries.kinds_of(conn, [row.webhook_id for row in found])
    return [
        Webhook(
            webhook_id=row.webhook_id,
            url=row.url,
            events=[k for k in kinds[row.webhook_id] if k != queries.ALL_KINDS],
            description=row.description,
            allow_private=row.allow_private,
            active=row.active,
            created_time=row.created_time,
            updated_time=row.updated_time,
            created_by=row.created_by,
        )
        for row in found
    ]


def _webhook_row(conn: Connection, webhook_id: int) -> Row[Any]:
    _check_id(webhook_id)
    row = queries.webhook_row(conn, webhook_id)
    if row is None:
        raise NotFound(f"no webhook with id {webhook_id}")
    return row


def _check_id(webhook_id: object) -> None:
    if type(webhook_id) is not int or not 1 <= webhook_id <= INT64_MAX:
        raise InvalidInput(f"a webhook id is a whole number from 1, got {webhook_id!r}")


def _checked_kinds(events: Sequence[str]) -> list[str]:
    if isinstance(events, str):
        events = [events]
    unknown = sorted({str(e) for e in events} - _KINDS)
    if unknown:
        raise InvalidInput(
            f"unknown event kind(s) {', '.join(unknown)}; the kinds are {', '.join(sorted(_KINDS))}"
        )
    return sorted(set(events)) or [queries.ALL_KINDS]


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)
