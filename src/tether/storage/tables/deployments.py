"""Tables of deployments: running model servers, the models each answers with, and their stats windows.

``deployment_models`` holds the lanes as last reported (one row per served name and role); the registered
model a lane serves is a name rather than a foreign key, since a deployment may outlive a model deleted
from the registry. Which versions a deployment has served is lineage (``deployed`` edges), not a column.
``deployment_stats`` keeps one row per served name and report window; ``window_no`` counts windows per
deployment (``last_window``), so pruning keeps the most recent windows by number alone.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Float, ForeignKey, Integer, String, Table

from tether.storage.tables.meta import metadata


def _deployment() -> ForeignKey:
    return ForeignKey("deployments.deployment_id", ondelete="CASCADE")


deployments = Table(
    "deployments",
    metadata,
    Column("deployment_id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(128), nullable=False, unique=True),
    Column("url", String(2048), nullable=False),
    Column("host", String(255), nullable=False),
    Column("tether_version", String(64), nullable=False),
    Column("report_interval_s", Float, nullable=False),
    Column("started_at", BigInteger, nullable=False),
    Column("last_seen_at", BigInteger, nullable=False),
    Column("stopped_at", BigInteger, nullable=True),
    Column("last_window", Integer, nullable=False),
)

deployment_models = Table(
    "deployment_models",
    metadata,
    Column("deployment_id", Integer, _deployment(), primary_key=True),
    Column("served_name", String(128), primary_key=True),
    Column("role", String(16), primary_key=True),
    Column("uri", String(1024), nullable=False),
    Column("model", String(128), nullable=True, index=True),
    Column("version", Integer, nullable=True),
    Column("weight", Float, nullable=False),
)

deployment_stats = Table(
    "deployment_stats",
    metadata,
    Column("deployment_id", Integer, _deployment(), primary_key=True),
    Column("window_no", Integer, primary_key=True),
    Column("served_name", String(128), primary_key=True),
    Column("at", BigInteger, nullable=False),
    Column("window_s", Float, nullable=False),
    Column("requests", BigInteger, nullable=False),
    Column("request_rate", Float, nullable=False),
    Column("p50_ms", Float, nullable=True),
    Column("p99_ms", Float, nullable=True),
    Column("error_rate", Float, nullable=False),
    Column("rows_per_s", Float, nullable=False),
)
