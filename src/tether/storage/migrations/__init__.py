"""Alembic migrations, applied automatically when a store is opened.

``upgrade`` runs inside the caller's write transaction and under a database-wide lock (SQLite's write lock,
a PostgreSQL advisory lock), so many processes opening a new store at once migrate it exactly once.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0014"
"""The newest revision; a test checks it matches the scripts so the fast path below stays honest."""

_PG_MIGRATION_LOCK = 0x7E7E_0001


def current_revision(conn: Connection) -> str | None:
    if not inspect(conn).has_table("alembic_version"):
        return None
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Bring the database on ``conn`` to ``revision``; cheap when it is already at HEAD."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    if revision == "head" and current_revision(conn) == HEAD:
        return
    from alembic import command

    command.upgrade(alembic_config(conn), revision)


def alembic_config(conn: Connection) -> Config:

    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parent))
    config.attributes["connection"] = conn
    return config
