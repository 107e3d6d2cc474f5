"""A latest-value row per (run, metric key), so search filters and sorts on metrics through an index.

Existing metric history is folded into the new table: the latest point is the one with the highest step,
then the highest timestamp, then the largest value (NaN counts as smallest).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_metrics_run_key_step", "metrics", ["run_id", "key", "step"])
    op.create_table(
        "latest_metrics",
        sa.Column("run_id", sa.String(32), nullable=False),
        sa.Column("key", sa.String(250), nullable=False),
        sa.Column("step", sa.BigInteger, nullable=False),
        sa.Column("timestamp", sa.BigInteger, nullable=False),
        sa.Column("value", sa.Double, nullable=True),
        sa.PrimaryKeyConstraint("run_id", "key", name="pk_latest_metrics"),
        sa.ForeignKeyConstraint(
            ["run_id"], ["runs.run_id"], name="fk_latest_metrics_run_id_runs", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_latest_metrics_key_value", "latest_metrics", ["key", "value"])
    op.execute(
        """
        INSERT INTO latest_metrics (run_id, key, step, timestamp, value)
        SELECT run_id, key, step, timestamp, value FROM (
            SELECT run_id, key, step, timestamp, value,
                   ROW_NUMBER() OVER (
                       PARTITION BY run_id, key
                       ORDER BY step DESC, timestamp DESC,
                                CASE WHEN value IS NULL THEN 0 ELSE 1 END DESC, value DESC
                   ) AS rank
            FROM metrics
        ) ranked
        WHERE rank = 1
        """
    )
