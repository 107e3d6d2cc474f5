"""A latest-value row per (run, metric key), so search filters and sorts on metrics through an index.

Existing metric history is folded into the new table: the latest point is the one with the highest step,
then the highest timestamp, then the largest value (NaN counts as smallest).
"""

from __future__ import annotations

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    latest = op.create_table(
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
    rows = op.get_bind().execute(
        sa.text("SELECT run_id, key, steps, timestamps, vals FROM metric_chunks ORDER BY run_id, key, seq")
    )
    best: dict[tuple[str, str], tuple[int, int, float]] = {}
    for run_id, key, steps, stamps, values in rows:
        step, stamp, value = _latest(steps, stamps, values)
        current = best.get((run_id, key))
        if current is None or (step, stamp, _rank(value)) > (current[0], current[1], _rank(current[2])):
            best[(run_id, key)] = (step, stamp, value)
    if best:
        op.bulk_insert(
            latest,
            [
                {"run_id": r, "key": k, "step": s, "timestamp": t, "value": None if np.isnan(v) else v}
                for (r, k), (s, t, v) in best.items()
            ],
        )


def _rank(value: float) -> float:
    return -np.inf if np.isnan(value) else value


def _latest(steps: bytes, stamps: bytes, values: bytes) -> tuple[int, int, float]:
    step = np.frombuffer(steps, "<i8")
    stamp = np.frombuffer(stamps, "<i8")
    value = np.frombuffer(values, "<f8")
    index = int(np.lexsort((np.where(np.isnan(value), -np.inf, value), stamp, step))[-1])
    return int(step[index]), int(stamp[index]), float(value[index])
