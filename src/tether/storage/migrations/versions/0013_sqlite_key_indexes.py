"""On SQLite: drop the (key) indexes of params and tags, which the (key, value) indexes of 0004 cover.

Any lookup by key alone can use the wider index, so the narrow one only added a B-tree insert to every
param and tag logged, a cost every run creation paid. PostgreSQL has no
(key, value) index (0004 explains why), so it keeps its (key) ones.
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table, index in (("params", "ix_params_key"), ("run_tags", "ix_run_tags_key")):
        op.drop_index(index, table_name=table)
        bind.exec_driver_sql("DELETE FROM sqlite_stat1 WHERE idx = ?", (index,))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_index("ix_params_key", "params", ["key"])
    op.create_index("ix_run_tags_key", "run_tags", ["key"])
