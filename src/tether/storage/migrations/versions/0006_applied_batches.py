"""Ids of recently applied metric batches: a batch retried after a lost connection is applied once."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applied_batches",
        sa.Column("batch_id", sa.String(32), nullable=False),
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("applied_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("batch_id", name="pk_applied_batches"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name="fk_applied_batches_run_id_runs", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_applied_batches_applied_at", "applied_batches", ["applied_at"])


def downgrade() -> None:
    op.drop_table("applied_batches")
