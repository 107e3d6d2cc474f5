"""Tables of the tracking domain: experiments, runs and what is logged to runs.

Times are integer milliseconds since the epoch. ``metrics`` keeps every point; ``latest_metrics`` keeps
one row per (run, key) so that search can filter and sort on a metric with an index instead of a scan.
Metric history is stored in ``metric_chunks``: each row packs many points of one (run, key) as arrays
(see ``tether.tracking.chunks``), numbered by ``seq``. SQLite cannot store NaN in a column (it becomes
NULL), so in ``latest_metrics`` a NULL value means NaN on both databases.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
)

from tether.storage.tables.meta import metadata

SQLITE_ONLY = {"dialects": ("sqlite",)}
"""Marks an index that migrations create on SQLite only (see migration 0004)."""
POSTGRESQL_ONLY = {"dialects": ("postgresql",)}
"""Marks an index that SQLite drops because a wider one there starts with the same column (migration 0013)."""

experiments = Table(
    "experiments",
    metadata,
    Column("experiment_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(500), nullable=False, unique=True),
    Column("lifecycle_stage", String(16), nullable=False),
    Column("creation_time", BigInteger, nullable=False),
    Column("last_update_time", BigInteger, nullable=False),
)

experiment_tags = Table(
    "experiment_tags",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
)

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(32), primary_key=True),
    Column("experiment_id", Integer, ForeignKey("experiments.experiment_id"), nullable=False),
    Column("run_name", String(250), nullable=False),
    Column("status", String(16), nullable=False),
    Column("lifecycle_stage", String(16), nullable=False),
    Column("user_id", String(250), nullable=False),
    Column("start_time", BigInteger, nullable=False),
    Column("end_time", BigInteger, nullable=True),
    Column("parent_run_id", String(32), nullable=True, index=True),
    Index("ix_runs_experiment_start", "experiment_id", "start_time"),
)

params = Table(
    "params",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
    Index("ix_params_key", "key", info=POSTGRESQL_ONLY),
    Index("ix_params_key_value", "key", "value", info=SQLITE_ONLY),
)

run_tags = Table(
    "run_tags",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("value", Text, nullable=False),
    Index("ix_run_tags_key", "key", info=POSTGRESQL_ONLY),
    Index("ix_run_tags_key_value", "key", "value", info=SQLITE_ONLY),
)

metric_chunks = Table(
    "metric_chunks",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("seq", Integer, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("steps", LargeBinary, nullable=False),
    Column("timestamps", LargeBinary, nullable=False),
    Column("vals", LargeBinary, nullable=False),
)

applied_batches = Table(
    "applied_batches",
    metadata,
    Column("batch_id", String(32), primary_key=True),
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), nullable=False),
    Column("applied_at", BigInteger, nullable=False, index=True),
)
"""Ids of recent logged batches, so a batch sent again after a lost connection is not stored twice."""

latest_metrics = Table(
    "latest_metrics",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("key", String(250), primary_key=True),
    Column("step", BigInteger, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    Column("value", Double, nullable=True),
    Index("ix_latest_metrics_key_value", "key", "value"),
)

artifact_files = Table(
    "artifact_files",
    metadata,
    Column("run_id", String(32), ForeignKey("runs.run_id", ondelete="CASCADE"), primary_key=True),
    Column("path", String(1024), primary_key=True),
    Column("size", BigInteger, nullable=False),
)
"""The size of each artifact stored since usage is counted, so overwriting a file counts the difference."""

artifact_usage = Table(
    "artifact_usage",
    metadata,
    Column(
        "experiment_id",
        Integer,
        ForeignKey("experiments.experiment_id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("bytes", BigInteger, nullable=False),
)
"""Bytes of artifacts each experiment's runs hold: what the per-experiment quota is checked against."""
