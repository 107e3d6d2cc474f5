"""Lineage edges between typed references."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lineage_edges",
        sa.Column("src_ref", sa.String(300), nullable=False),
        sa.Column("dst_ref", sa.String(300), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(250), nullable=True),
        sa.PrimaryKeyConstraint("src_ref", "dst_ref", "kind", name="pk_lineage_edges"),
    )
    op.create_index("ix_lineage_edges_dst_ref_kind", "lineage_edges", ["dst_ref", "kind"])


def downgrade() -> None:
    op.drop_table("lineage_edges")
