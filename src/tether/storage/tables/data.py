"""Tables of the data domain: datasets, their commits, and the branches and tags that point at commits.

Manifests and the files' bytes are objects in the blob store (``tether.data.objects``); these rows are what
is queried: a dataset's history, who committed what and when, where each branch and tag points now.
Branches and tags share one namespace per dataset (``kind`` tells them apart), so ``churn@x`` names one
thing. ``parents`` is a JSON list of commit ids (empty for a first commit, two for a merge).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from tether.storage.tables.meta import metadata


def _dataset() -> ForeignKey:
    return ForeignKey("datasets.dataset_id", ondelete="CASCADE")


datasets = Table(
    "datasets",
    metadata,
    Column("dataset_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("created_at", BigInteger, nullable=False),
    Column("created_by", String(255), nullable=True),
)

data_commits = Table(
    "data_commits",
    metadata,
    Column("commit_id", String(64), primary_key=True),
    Column("dataset_id", Integer, _dataset(), nullable=False),
    Column("manifest", String(64), nullable=False),
    Column("parents", Text, nullable=False),
    Column("author", String(255), nullable=True),
    Column("message", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("files", Integer, nullable=False),
    Column("bytes", BigInteger, nullable=False),
    Index("ix_data_commits_dataset_id_created_at", "dataset_id", "created_at"),
)

data_refs = Table(
    "data_refs",
    metadata,
    Column("dataset_id", Integer, _dataset(), primary_key=True),
    Column("name", String(128), primary_key=True),
    Column("kind", String(8), nullable=False),
    Column("commit_id", String(64), nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)
