"""The stat cache: what each local file hashed to, keyed by what ``stat`` says about it.

A file whose device, inode, size, modification time and change time (both in nanoseconds) are as they were
when it was hashed is taken to hold the same bytes, so ``status`` and ``add`` on a large unchanged tree
read no file at all. The change time moves on any write (and on ``touch``), even one that restores the
modification time. For a whole folder it also keeps the manifest digest last computed with a stamp of
every path in it, so a folder in which nothing changed is known to be clean without building its
manifest. The cache is one SQLite file in this machine's cache folder, keyed by absolute path; losing it
costs only a re-hash.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

FILE_NAME = "stat-cache.sqlite"
_SCHEMA = (
    """CREATE TABLE IF NOT EXISTS files (
        path TEXT PRIMARY KEY,
        device INTEGER NOT NULL, inode INTEGER NOT NULL, size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL, ctime_ns INTEGER NOT NULL,
        digest TEXT NOT NULL, chunked INTEGER NOT NULL
    ) WITHOUT ROWID""",
    """CREATE TABLE IF NOT EXISTS trees (
        root TEXT PRIMARY KEY, stamp TEXT NOT NULL, manifest TEXT NOT NULL
    ) WITHOUT ROWID""",
)


class Stamp(NamedTuple):
    """What ``stat`` says about a file: if all of it is unchanged, so are the bytes (a tuple, so a cached
    row's fields compare with it directly)."""

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
        for statement in _SCHEMA:
            self._db.execute(statement)

    def under(self, root: Path) -> dict[str, tuple[int, int, int, int, int, str, int]]:
        """Every cached file below ``root``, by absolute path: its stamp's fields, then its digest and
        whether it is chunked (plain tuples: a tree of 100,000 files loads in a tenth of a second)."""
        low = f"{root}/"
        high = f"{root}0"  # "0" follows "/" in code point order: the range is exactly the folder's paths
        query = "SELECT path, device, inode, size, mtime_ns, ctime_ns, digest, chunked FROM files"
        rows = self._db.execute(f"{query} WHERE path >= ? AND path < ?", (low, high))
        return {row[0]: row[1:] for row in rows}

    def tree(self, root: Path, stamp: str) -> str | None:
        """The manifest digest last computed for ``root`` when its files had the stamp ``stamp``."""
        found = self._db.execute("SELECT stamp, manifest FROM trees WHERE root = ?", (str(root),)).fetchone()
        return found[1] if found is not None and found[0] == stamp else None

    def remember_tree(self, root: Path, stamp: str, manifest: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO trees VALUES (?, ?, ?)", (str(root), stamp, manifest))

    def remember(self, found: Iterable[tuple[str, Known]]) -> None:
        rows = [(path, *known.stamp, known.digest, int(known.chunked)) for path, known in found]
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
