"""Dialect-aware statements that SQLAlchemy Core leaves to each dialect: upserts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import sqlite


def insert_for(conn: Connection | str, table: Table) -> Any:
    """An INSERT that supports ``on_conflict_do_nothing`` / ``on_conflict_do_update`` on this database.

    Pass a connection, or a dialect name to build a statement once and reuse it.
    """
    dialect = conn if isinstance(conn, str) else conn.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql  # loaded only where PostgreSQL is used

        return postgresql.insert(table)
    return sqlite.insert(table)
