"""Artifact sizes per file and bytes per experiment, for the artifact quotas.

Artifacts stored before this revision are not in the blob store's listing here (a migration sees only
the database), so usage counts what is stored from now on.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "artifact_files",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "path", name="pk_artifact_files"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name="fk_artifact_files_run_id_runs", ondelete="CASCADE"
        ),
    )
    op.create_table(
        "artifact_usage",
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_artifact_usage"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name="fk_artifact_usage_experiment_id_experiments",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("artifact_usage")
    op.drop_table("artifact_files")
