"""The stat cache: what each local file hashed to, keyed by what ``stat`` says about it.

A file whose device, inode, size, modification time and change time (both in nanoseconds) are as they were
when it was hashed is taken to hold the same bytes, so ``status`` and ``add`` on a large unchanged tree
read no file at all. The change time moves on any write (and on ``touch``), even one that restores the
modification time. The cache is one SQLite file in this machine's cache folder, keyed by absolute path;
losing it costs only a re-hash.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FILE_NAME = "stat-cache.sqlite"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
    digest TEXT NOT NULL, chunked INTEGER NOT NULL
) WITHOUT ROWID
"""


@dataclass(frozen=True, slots=True)
class Stamp:
    """What ``stat`` says about a file: if all of it is unchanged, so are the bytes."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    ctime_ns: int


@dataclass(frozen=True, slots=True)
class Known:
    stamp: Stamp
    digest: str
    chunked: bool


class StatCache:
    """Hashes of local files by absolute path, valid while the file's ``Stamp`` is unchanged."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / FILE_NAME
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)

    def under(self, root: Path) -> dict[str, Known]:
        """Every cached file below ``root``, by absolute path."""
        low = f"{root}/"
        high = f"{root}0"  # "0" follows "/" in code point order: the range is exactly the folder's paths
        rows = self._db.execute("SELECT * FROM files WHERE path >= ? AND path < ?", (low, high))
        return {path: Known(Stamp(*stamp), digest, bool(chunked)) for path, *stamp, digest, chunked in rows}

    def remember(self, found: Iterable[tuple[str, Known]]) -> None:
        rows = [(path, *_fields(known.stamp), known.digest, int(known.chunked)) for path, known in found]
        if not rows:
            return
        with self._transaction():
            self._db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)

    def close(self) -> None:
        self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")


def _fields(stamp: Stamp) -> tuple[int, int, int, int, int]:
    return stamp.device, stamp.inode, stamp.size, stamp.mtime_ns, stamp.ctime_ns
