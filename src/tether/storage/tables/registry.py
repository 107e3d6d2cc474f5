"""Tables of the model registry: registered models, their versions, aliases, tags, permissions and events.

Versions are numbered per model from 1 and never reused: ``last_version`` counts every version ever made,
so deleting version 3 leaves a gap rather than a second "version 3". ``registry_events`` is append-only
and has no foreign key, so the audit trail outlives the models it describes; ``model_name`` keeps the name
an event happened under. The version a run produced is a lineage edge, not a column here. A version's
``status`` is ``ready``, ``deprecated`` or ``archived`` (the rules are in registry/service.py).
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from tether.storage.tables.meta import metadata


def _model() -> ForeignKey:
    return ForeignKey("registered_models.model_id", ondelete="CASCADE")


registered_models = Table(
    "registered_models",
    metadata,
    Column("model_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("description", Text, nullable=False),
    Column("created_time", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Column("created_by", String(250), nullable=True),
    Column("last_version", Integer, nullable=False),
)

registered_model_tags = Table(
    "registered_model_tags",
    metadata,
    Column("model_id", Integer, _model(), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
)

model_versions = Table(
    "model_versions",
    metadata,
    Column("model_id", Integer, _model(), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("source", String(1024), nullable=False),
    Column("description", Text, nullable=False),
    Column("flavor", String(64), nullable=False),
    Column("signature", Text, nullable=False),
    Column("created_time", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Column("created_by", String(250), nullable=True),
    Column("status", String(16), nullable=False, server_default="ready"),
)

model_version_tags = Table(
    "model_version_tags",
    metadata,
    Column("model_id", Integer, primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
    ForeignKeyConstraint(
        ["model_id", "version"],
        ["model_versions.model_id", "model_versions.version"],
        name="fk_model_version_tags_model_id_model_versions",
        ondelete="CASCADE",
    ),
)

model_aliases = Table(
    "model_aliases",
    metadata,
    Column("model_id", Integer, _model(), primary_key=True),
    Column("alias", String(128), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("protected", Boolean, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Column("updated_by", String(250), nullable=True),
)

model_permissions = Table(
    "model_permissions",
    metadata,
    Column("model_id", Integer, _model(), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.user_id", ondelete="CASCADE"), primary_key=True, index=True),
    Column("level", String(8), nullable=False),
)

registry_events = Table(
    "registry_events",
    metadata,
    Column("event_id", Integer, primary_key=True, autoincrement=True),
    Column("model_id", Integer, nullable=False),
    Column("model_name", String(128), nullable=False),
    Column("kind", String(32), nullable=False),
    Column("version", Integer, nullable=True),
    Column("alias", String(128), nullable=True),
    Column("from_version", Integer, nullable=True),
    Column("to_version", Integer, nullable=True),
    Column("from_status", String(16), nullable=True),
    Column("to_status", String(16), nullable=True),
    Column("actor", String(250), nullable=True),
    Column("at", BigInteger, nullable=False),
    Index("ix_registry_events_model_id_at", "model_id", "at"),
)

webhooks = Table(
    "webhooks",
    metadata,
    Column("webhook_id", Integer, primary_key=True, autoincrement=True),
    Column("url", String(2048), nullable=False),
    Column("secret", String(128), nullable=False),
    Column("description", Text, nullable=False),
    Column("allow_private", Boolean, nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_time", BigInteger, nullable=False),
    Column("updated_time", BigInteger, nullable=False),
    Column("created_by", String(250), nullable=True),
)
"""Admin-registered receivers of registry events; ``secret`` signs each delivery (see registry.webhooks)."""

webhook_events = Table(
    "webhook_events",
    metadata,
    Column(
        "webhook_id",
        Integer,
        ForeignKey("webhooks.webhook_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("kind", String(32), primary_key=True),
)
"""The event kinds each webhook receives; the kind ``*`` stands for every kind, present and future."""

webhook_deliveries = Table(
    "webhook_deliveries",
    metadata,
    Column("delivery_id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, ForeignKey("webhooks.webhook_id", ondelete="CASCADE"), nullable=False),
    Column("event_id", Integer, nullable=True),
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", BigInteger, nullable=False),
    Column("claimed_until", BigInteger, nullable=False),
    Column("last_status", Integer, nullable=True),
    Column("last_error", Text, nullable=True),
    Column("created_time", BigInteger, nullable=False),
    Column("finished_time", BigInteger, nullable=True),
    Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
    Index("ix_webhook_deliveries_webhook_id_delivery_id", "webhook_id", "delivery_id"),
)
"""The outbox and the delivery log in one: a row is written with its event, in the event's transaction,
and the server's sender moves it from ``pending`` to ``delivered`` or ``failed``. ``event_id`` names the
registry event delivered (None: a ping an admin asked for)."""
