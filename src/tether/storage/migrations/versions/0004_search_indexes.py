"""On SQLite: (key, value) indexes for params and tags, and planner statistics that make them count.

A filter such as ``params.model = 'gbm'`` can then start from the runs that match instead of probing every
run. SQLite weighs indexes by the statistics in ``sqlite_stat1``; collecting real ones (ANALYZE) rereads the
whole store, so figures typical of a large store are written instead: many runs per experiment, and few
runs per (param key, value). PostgreSQL plans well without either (and a B-tree entry could not hold a
6,000-character param value), so it gets neither.
"""

from __future__ import annotations

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PLANNER_STATISTICS = [
    ("runs", "sqlite_autoindex_runs_1", "100000 1"),
    ("runs", "ix_runs_experiment_start", "100000 10000 1"),
    ("runs", "ix_runs_parent_run_id", "100000 10"),
    ("params", "sqlite_autoindex_params_1", "1000000 10 1"),
    ("params", "ix_params_key", "1000000 100000"),
    ("params", "ix_params_key_value", "1000000 100000 100"),
    ("run_tags", "sqlite_autoindex_run_tags_1", "300000 3 1"),
    ("run_tags", "ix_run_tags_key", "300000 100000"),
    ("run_tags", "ix_run_tags_key_value", "300000 100000 100"),
    ("latest_metrics", "sqlite_autoindex_latest_metrics_1", "1000000 10 1"),
    ("latest_metrics", "ix_latest_metrics_key_value", "1000000 100000 1"),
]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    op.create_index("ix_params_key_value", "params", ["key", "value"])
    op.create_index("ix_run_tags_key_value", "run_tags", ["key", "value"])
    bind.exec_driver_sql("ANALYZE sqlite_schema")  # creates sqlite_stat1 without reading any table
    tables = sorted({table for table, _, _ in PLANNER_STATISTICS})
    marks = ", ".join("?" for _ in tables)
    bind.exec_driver_sql(f"DELETE FROM sqlite_stat1 WHERE tbl IN ({marks})", tuple(tables))
    for row in PLANNER_STATISTICS:
        bind.exec_driver_sql("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", row)
