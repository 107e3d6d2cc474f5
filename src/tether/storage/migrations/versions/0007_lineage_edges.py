"""Lineage edges between typed references; a report's subject becomes a ``judged`` edge.

Every stored report gets the edge ``<subject> -> report:<id>`` (kind ``judged``, made at the report's
time, by nobody known), and then ``monitoring_reports.subject`` is dropped: lineage holds that link now.
On SQLite the column goes in batch mode (the table is copied without it); the rows stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_SUBJECT_EDGES = """
INSERT INTO lineage_edges (src_ref, dst_ref, kind, created_at, created_by)
SELECT subject, 'report:' || report_id, 'judged', created_at, NULL FROM monitoring_reports
"""

_SUBJECT_FROM_EDGES = """
UPDATE monitoring_reports SET subject = (
    SELECT e.src_ref FROM lineage_edges e
    WHERE e.kind = 'judged' AND e.dst_ref = 'report:' || monitoring_reports.report_id
    ORDER BY e.created_at, e.src_ref LIMIT 1
)
"""


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
    op.execute(_SUBJECT_EDGES)
    op.drop_index("ix_monitoring_reports_subject", table_name="monitoring_reports")
    with op.batch_alter_table("monitoring_reports") as batch:
        batch.drop_column("subject")


def downgrade() -> None:
    """Put each report's subject back from its edge; every other edge is lost with the table."""
    with op.batch_alter_table("monitoring_reports") as batch:
        batch.add_column(sa.Column("subject", sa.String(300), nullable=True))
    op.execute(_SUBJECT_FROM_EDGES)
    with op.batch_alter_table("monitoring_reports") as batch:
        batch.alter_column("subject", existing_type=sa.String(300), nullable=False)
    op.create_index("ix_monitoring_reports_subject", "monitoring_reports", ["subject"])
    op.drop_table("lineage_edges")
