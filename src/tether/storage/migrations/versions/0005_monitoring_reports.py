"""Stored monitoring reports and test-suite outcomes, each pointing at a typed reference."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monitoring_reports",
        sa.Column("report_id", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("experiment_id", sa.Integer, nullable=True),
        sa.Column("name", sa.String(250), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(8), nullable=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("report_id", name="pk_monitoring_reports"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name="fk_monitoring_reports_experiment_id_experiments",
        ),
    )
    op.create_index("ix_monitoring_reports_subject", "monitoring_reports", ["subject"])
    op.create_index(
        "ix_monitoring_reports_experiment_created", "monitoring_reports", ["experiment_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_table("monitoring_reports")
