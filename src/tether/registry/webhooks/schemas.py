"""Wire shapes of registry webhooks: receivers, their secrets (shown once) and the delivery log."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.registry.schemas import EventKind
from tether.schemas import QueryModel, ReadModel, WriteModel

DeliveryStatus = Literal["pending", "delivered", "failed"]


class WebhookCreate(WriteModel):
    url: str
    """An http:// or https:// URL; deliveries are POSTed to it."""
    events: list[EventKind] = Field(default_factory=list)
    """The event kinds to deliver; empty: every kind, including kinds added later."""
    description: str = ""
    allow_private: bool = False
    """Allow a host that is or resolves to a loopback, link-local or private address (refused otherwise)."""
    active: bool = True
    actor: str | None = None
    """Who to record as the creator; a server with authentication records the signed-in user."""


class WebhookUpdate(WriteModel):
    url: str | None = None
    events: list[EventKind] | None = None
    description: str | None = None
    allow_private: bool | None = None
    active: bool | None = None


class Webhook(ReadModel):
    webhook_id: int
    url: str
    events: list[EventKind]
    """The event kinds delivered; empty: every kind."""
    description: str
    allow_private: bool
    active: bool
    """An inactive webhook keeps its settings and log but is sent nothing new."""
    created_time: int
    updated_time: int
    created_by: str | None = None


class WebhookCreated(Webhook):
    """The answer to creating a webhook or rotating its secret: the only time the secret is shown."""

    secret: str
    """Signs every delivery (HMAC-SHA256); verify with ``tether.registry.webhooks.signing.verify``."""


class WebhookDelivery(ReadModel):
    """One delivery of one event to one webhook, with how it went."""

    delivery_id: int
    webhook_id: int
    event: str
    """The event kind, or ``ping`` for a test delivery."""
    event_id: int | None = None
    name: str | None = None
    """The model the event is about (None for a ping)."""
    version: int | None = None
    alias: str | None = None
    from_version: int | None = None
    """For an alias event: the version the alias pointed to before (None: it was new)."""
    to_version: int | None = None
    """For an alias event: the version it points to after (None: it was deleted)."""
    status: DeliveryStatus
    attempts: int
    next_attempt_at: int
    """When a pending delivery is tried next."""
    last_status: int | None = None
    """The HTTP status the receiver last answered (None: no answer)."""
    last_error: str | None = None
    """Why the last attempt did not succeed: the receiver's answer (its start) or the network error."""
    created_time: int
    finished_time: int | None = None


class DeliveryQuery(QueryModel):
    status: DeliveryStatus | None = None
    """Only deliveries in this state."""
    max_results: int = 100
    page_token: str | None = None
