"""The lineage table: one row per edge between two typed references (see ``tether.lineage``).

Refs are stored as their canonical text, so an edge can link objects of any domain without a foreign key
per kind. The primary key makes an edge unique and serves walks downstream (from ``src_ref``); the
``(dst_ref, kind)`` index serves walks upstream.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, String, Table

from tether.refs import MAX_REF_LENGTH
from tether.storage.tables.meta import metadata

lineage_edges = Table(
    "lineage_edges",
    metadata,
    Column("src_ref", String(MAX_REF_LENGTH), primary_key=True),
    Column("dst_ref", String(MAX_REF_LENGTH), primary_key=True),
    Column("kind", String(32), primary_key=True),
    Column("created_at", BigInteger, nullable=False),
    Column("created_by", String(250), nullable=True),
    Index("ix_lineage_edges_dst_ref_kind", "dst_ref", "kind"),
)
