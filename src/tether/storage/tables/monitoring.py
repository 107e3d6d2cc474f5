"""Tables of the monitoring domain: stored reports and test-suite outcomes.

A report's document (every metric, distribution and curve) lives in the blob store; this row holds what a
listing shows at a glance (kind, pass/fail, a few headline figures), with the experiment of its subject
copied out so listings filter on an index. What a report judged is a ``judged`` lineage edge from the
subject's ref to ``report:<id>`` (see ``lineage.py``).
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from tether.storage.tables.meta import metadata

monitoring_reports = Table(
    "monitoring_reports",
    metadata,
    Column("report_id", String(32), primary_key=True),
    Column("experiment_id", Integer, ForeignKey("experiments.experiment_id"), nullable=True),
    Column("name", String(250), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("status", String(8), nullable=True),
    Column("summary", Text, nullable=False),
    Column("created_at", BigInteger, nullable=False),
    Column("size", BigInteger, nullable=False),
    Index("ix_monitoring_reports_experiment_created", "experiment_id", "created_at"),
)
