"""Experiments, runs, params, tags and metric history (columnar chunks), with the default experiment "0"."""

from __future__ import annotations

import time

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    experiments = op.create_table(
        "experiments",
        sa.Column("experiment_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(500), nullable=False),
        sa.Column("lifecycle_stage", sa.String(16), nullable=False),
        sa.Column("creation_time", sa.BigInteger, nullable=False),
        sa.Column("last_update_time", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", name="pk_experiments"),
        sa.UniqueConstraint("name", name="uq_experiments_name"),
    )
    op.create_table(
        "experiment_tags",
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("experiment_id", "key", name="pk_experiment_tags"),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["experiments.experiment_id"],
            name="fk_experiment_tags_experiment_id_experiments",
            ondelete="CASCADE",
        ),
    )
    op.create_table(
        "runs",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("experiment_id", sa.Integer, nullable=False),
        sa.Column("run_name", sa.String(250), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("lifecycle_stage", sa.String(16), nullable=False),
        sa.Column("user_id", sa.String(250), nullable=False),
        sa.Column("start_time", sa.BigInteger, nullable=False),
        sa.Column("end_time", sa.BigInteger, nullable=True),
        sa.Column("parent_run_id", sa.String(32), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name="pk_runs"),
        sa.ForeignKeyConstraint(
            ["experiment_id"], ["experiments.experiment_id"], name="fk_runs_experiment_id_experiments"
        ),
    )
    op.create_index("ix_runs_experiment_start", "runs", ["experiment_id", "start_time"])
    op.create_index("ix_runs_parent_run_id", "runs", ["parent_run_id"])
    for name in ("params", "run_tags"):
        op.create_table(
            name,
            sa.Column("run_id", sa.String(32), nullable=False),
            sa.Column("key", sa.String(250), nullable=False),
            sa.Column("value", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("run_id", "key", name=f"pk_{name}"),
            sa.ForeignKeyConstraint(
                ["run_id"], ["runs.run_id"], name=f"fk_{name}_run_id_runs", ondelete="CASCADE"
            ),
        )
        op.create_index(f"ix_{name}_key", name, ["key"])
    op.create_table(
        "metric_chunks",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("steps", sa.LargeBinary, nullable=False),
        sa.Column("timestamps", sa.LargeBinary, nullable=False),
        sa.Column("vals", sa.LargeBinary, nullable=False),
        sa.PrimaryKeyConstraint("run_id", "key", "seq", name="pk_metric_chunks"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name="fk_metric_chunks_run_id_runs", ondelete="CASCADE"
        ),
    )
    now = int(time.time() * 1000)
    op.bulk_insert(
        experiments,
        [
            {
                "experiment_id": 0,
                "name": "Default",
                "lifecycle_stage": "active",
                "creation_time": now,
                "last_update_time": now,
            }
        ],
    )
