"""Deployments: running model servers, the models each answers with, and a bounded history of their stats."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _deployment_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["deployment_id"],
        ["deployments.deployment_id"],
        name=f"fk_{table}_deployment_id_deployments",
        ondelete="CASCADE",
    )


def upgrade() -> None:
    op.create_table(
        "deployments",
        sa.Column("deployment_id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("url", sa.String(2048), nullable=False),
        sa.Column("host", sa.String(255), nullable=False),
        sa.Column("tether_version", sa.String(64), nullable=False),
        sa.Column("report_interval_s", sa.Float, nullable=False),
        sa.Column("started_at", sa.BigInteger, nullable=False),
        sa.Column("last_seen_at", sa.BigInteger, nullable=False),
        sa.Column("stopped_at", sa.BigInteger, nullable=True),
        sa.Column("last_window", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", name="pk_deployments"),
        sa.UniqueConstraint("name", name="uq_deployments_name"),
    )
    op.create_table(
        "deployment_models",
        sa.Column("deployment_id", sa.Integer, nullable=False),
        sa.Column("served_name", sa.String(128), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("uri", sa.String(1024), nullable=False),
        sa.Column("model", sa.String(128), nullable=True),
        sa.Column("version", sa.Integer, nullable=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", "served_name", "role", name="pk_deployment_models"),
        _deployment_key("deployment_models"),
    )
    op.create_index("ix_deployment_models_model", "deployment_models", ["model"])
    op.create_table(
        "deployment_stats",
        sa.Column("deployment_id", sa.Integer, nullable=False),
        sa.Column("window_no", sa.Integer, nullable=False),
        sa.Column("served_name", sa.String(128), nullable=False),
        sa.Column("at", sa.BigInteger, nullable=False),
        sa.Column("window_s", sa.Float, nullable=False),
        sa.Column("requests", sa.BigInteger, nullable=False),
        sa.Column("request_rate", sa.Float, nullable=False),
        sa.Column("p50_ms", sa.Float, nullable=True),
        sa.Column("p99_ms", sa.Float, nullable=True),
        sa.Column("error_rate", sa.Float, nullable=False),
        sa.Column("rows_per_s", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("deployment_id", "window_no", "served_name", name="pk_deployment_stats"),
        _deployment_key("deployment_stats"),
    )


def downgrade() -> None:
    for table in ("deployment_stats", "deployment_models", "deployments"):
        op.drop_table(table)
