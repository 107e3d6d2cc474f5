"""Datasets: commits of versioned file trees, and the branches and tags that point at them."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _dataset_key(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["dataset_id"], ["datasets.dataset_id"], name=f"fk_{table}_dataset_id_datasets", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "datasets",
        sa.Column("dataset_id", sa.Integer, autoincrement=True, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("created_by", sa.String(255), nullable=True),
        sa.PrimaryKeyConstraint("dataset_id", name="pk_datasets"),
        sa.UniqueConstraint("name", name="uq_datasets_name"),
    )
    op.create_table(
        "data_commits",
        sa.Column("commit_id", sa.String(64), nullable=False),
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("manifest", sa.String(64), nullable=False),
        sa.Column("parents", sa.Text, nullable=False),
        sa.Column("author", sa.String(255), nullable=True),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("created_at", sa.BigInteger, nullable=False),
        sa.Column("files", sa.Integer, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("commit_id", name="pk_data_commits"),
        _dataset_key("data_commits"),
    )
    op.create_index("ix_data_commits_dataset_id_created_at", "data_commits", ["dataset_id", "created_at"])
    op.create_table(
        "data_refs",
        sa.Column("dataset_id", sa.Integer, nullable=False),
        sa.Column("name", sa.String(128), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("commit_id", sa.String(64), nullable=False),
        sa.Column("updated_at", sa.BigInteger, nullable=False),
        sa.PrimaryKeyConstraint("dataset_id", "name", name="pk_data_refs"),
        _dataset_key("data_refs"),
    )


def downgrade() -> None:
    for table in ("data_refs", "data_commits", "datasets"):
        op.drop_table(table)
