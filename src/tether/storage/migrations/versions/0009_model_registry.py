"""The model registry: registered models, versions, aliases, tags, per-model permissions and the audit log."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _model_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["model_id"],
        ["registered_models.model_id"],
        name=f"fk_{table}_model_id_registered_models",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "registered_models",
        sa.Column("model_id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("updated_time", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(250), nullable=True),
        sa.Column("last_version", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("model_id", name="pk_registered_models"),
        sa.UniqueConstraint("name", name="uq_registered_models_name"),
    )
    op.create_table(
        "registered_model_tags",
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model_id", "key", name="pk_registered_model_tags"),
        _model_key("registered_model_tags"),
    )
    op.create_table(
        "model_versions",
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("source", sa.String(1024), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("flavor", sa.String(64), nullable=False),
        sa.Column("signature", sa.Text, nullable=False),
        sa.Column("created_time", sa.BigInteger, nullable=False),
        sa.Column("updated_time", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(250), nullable=True),
        sa.PrimaryKeyConstraint("model_id", "version", name="pk_model_versions"),
        _model_key("model_versions"),
    )
    op.create_table(
        "model_version_tags",
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("model_id", "version", "key", name="pk_model_version_tags"),
        sa.ForeignKeyConstraint(
            ["model_id", "version"],
            ["model_versions.model_id", "model_versions.version"],
            name="fk_model_version_tags_model_id_model_versions",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "model_aliases",
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("alias", sa.String(128), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("protected", sa.Boolean, nullable=False),
        sa.Column("updated_time", sa.BigInteger, nullable=False),
        sa.Column("updated_by", sa.String(250), nullable=True),
        sa.PrimaryKeyConstraint("model_id", "alias", name="pk_model_aliases"),
        _model_key("model_aliases"),
    )
    op.create_table(
        "model_permissions",
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("level", sa.String(8), nullable=False),
        sa.PrimaryKeyConstraint("model_id", "user_id", name="pk_model_permissions"),
        _model_key("model_permissions"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.user_id"], name="fk_model_permissions_user_id_users", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_model_permissions_user_id", "model_permissions", ["user_id"])
    op.create_table(
        "registry_events",
        sa.Column("event_id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("model_id", sa.Integer, nullable=False),
        sa.Column("model_name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("alias", sa.String(128), nullable=True),
        sa.Column("from_version", sa.Integer, nullable=True),
        sa.Column("to_version", sa.Integer, nullable=True),
        sa.Column("actor", sa.String(250), nullable=True),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_registry_events"),
    )
    op.create_index("ix_registry_events_model_id_at", "registry_events", ["model_id", "at"])


def downgrade() -> None:
    for table in (
        "registry_events",
        "model_permissions",
        "model_aliases",
        "model_version_tags",
        "model_versions",
        "registered_model_tags",
        "registered_models",
    ):
        op.drop_table(table)
