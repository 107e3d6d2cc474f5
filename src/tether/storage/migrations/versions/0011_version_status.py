"""A version's lifecycle status (ready, deprecated, archived), and the from/to status of its audit events.

Existing versions become ``ready``: the server default fills the new column for the rows already there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "model_versions", sa.Column("status", sa.String(16), nullable=False, server_default="ready")
    )
    op.add_column("registry_events", sa.Column("from_status", sa.String(16), nullable=True))
    op.add_column("registry_events", sa.Column("to_status", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registry_events") as batch:
        batch.drop_column("to_status")
        batch.drop_column("from_status")
    with op.batch_alter_table("model_versions") as batch:
        batch.drop_column("status")
