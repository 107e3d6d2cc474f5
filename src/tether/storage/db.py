"""The metadata database: engine, connections, SQLite tuning and error translation."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, exc
from sqlalchemy.engine import make_url

from tether.errors import InvalidInput, StorageError, TetherError

log = logging.getLogger("tether.storage")

SQLITE_BUSY_TIMEOUT_S = 60.0
"""How long a writer waits for another process's write lock before giving up."""
WAL_CHECKPOINT_PAGES = 10_000
"""Pages of write-ahead log (4 KiB each) after which a commit copies them back into the database file."""


class Database:
    """One metadata database (SQLite file or PostgreSQL), migrated to the current schema when opened."""

    def __init__(self, url: str, *, migrate: bool = True) -> None:
        parsed = make_url(_with_driver(url))
        self.url = parsed
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            self.engine = _sqlite_engine(parsed.render_as_string(hide_password=False))
        elif self.dialect == "postgresql":
            self.engine = create_engine(parsed, pool_pre_ping=True, pool_size=5, max_overflow=10)
        else:
            raise StorageError(
                f"unsupported database {self.dialect!r}: use sqlite:/// or postgresql+psycopg://"
            )
        self._begins = self.dialect == "sqlite"
        """SQLite's BEGIN is emitted here (the driver's own transaction handling is switched off)."""
        if migrate:
            from tether.storage.migrations import upgrade

            with self.write() as conn:
                upgrade(conn)

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for queries; sees one consistent snapshot."""
        with translate_errors(), self.engine.connect() as conn, conn.begin():
            if self._begins:
                conn.exec_driver_sql("BEGIN")
            yield conn

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """A transaction that commits on success and rolls back on any exception."""
        with translate_errors(), self.engine.connect() as conn, conn.begin():
            if self._begins:
                # A writer takes the lock up front: a deferred transaction that upgrades to a write later
                # fails at once with "database is locked" when another process wrote in between;
                # IMMEDIATE waits for the lock instead.
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            yield conn

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.url.render_as_string(hide_password=True)!r})"


def _with_driver(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3, the driver tether depends on."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_engine(url: str) -> Engine:
    database = make_url(url).database
    if database and database != ":memory:":
        try:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(f"cannot create the folder for the database {database}: {error}") from error
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take transaction control away from the sqlite3 module so that BEGIN is ours to emit.
        dbapi_conn.isolation_level = None
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
        # Checkpoint the write-ahead log every ~40 MB instead of every ~4 MB: each checkpoint syncs the
        # database file, and with small transactions (a run's creation) they were a visible share of the time.
        cursor.execute(f"PRAGMA wal_autocheckpoint={WAL_CHECKPOINT_PAGES}")
        cursor.close()

    return engine


@contextlib.contextmanager
def translate_errors() -> Iterator[None]:
    """Turn driver failures into tether's errors, whose messages never carry SQL or parameters.

    A value the database cannot hold (an integer past 64 bits, text with a lone surrogate) is the
    caller's fault: InvalidInput, a 400. A database that is away or locked is StorageError, the one
    retryable answer (503). Anything else the database refuses is a defect: a plain TetherError (500),
    logged with the statement. Integrity errors pass through for services to explain (a taken name).
    """
    try:
        yield
    except exc.IntegrityError:
        raise
    except (OverflowError, exc.DataError) as error:
        raise InvalidInput(
            f"a value is out of the range the database can store: {_first_line(error)}"
        ) from None
    except UnicodeEncodeError:
        raise InvalidInput("text with a lone surrogate (half of a UTF-16 pair) cannot be stored") from None
    except exc.OperationalError as error:
        text = _first_line(error)
        if text.startswith(_SQLITE_DEFECTS):
            log.error("the database refused a statement", exc_info=error)
            raise TetherError("the database refused a request; the details are in the log") from None
        log.warning("database failure: %s", error)
        if "locked" in text or "busy" in text:
            raise StorageError(f"the database stayed locked by another writer for too long: {text}") from None
        raise StorageError(f"the database is unavailable: {text}") from None
    except exc.SQLAlchemyError as error:
        log.error("the database refused a statement", exc_info=error)
        raise TetherError("the database refused a request; the details are in the log") from None


_SQLITE_DEFECTS = ("no such table", "no such column", "near ")
"""SQLite reports these statement errors as operational failures; they are defects, not outages."""


def _first_line(error: BaseException) -> str:
    """The driver's own one-line reason, without the statement, its parameters or a pointer into it."""
    reason = getattr(error, "orig", None) or error
    return " ".join(str(reason).strip().splitlines()[:1]).strip() or type(reason).__name__
