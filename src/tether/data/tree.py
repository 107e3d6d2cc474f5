"""A local folder as a dataset tree: walk it, hash what changed, and say how it differs from a manifest.

The walk refuses symbolic links (naming the first one) rather than follow them out of the tree or store
them as something they are not, keeps empty folders (a checkout restores them) and records whether each
file is executable. Hashing runs on a pool of threads (blake3 releases the GIL), and a file the stat cache
knows is not read at all.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from blake3 import blake3

from tether.data.chunks import HashedFile, hash_file
from tether.data.manifest import Entry, Manifest, check_path
from tether.data.statcache import Known, Stamp, StatCache
from tether.errors import InvalidData, InvalidInput, NotFound

Progress = Callable[[int], None]
"""Told how many bytes were just hashed (for a progress bar)."""


@dataclass(frozen=True, slots=True)
class LocalFile:
    path: str
    """Relative to the tree's root, ``/``-separated."""
    absolute: str
    stamp: Stamp
    mode: int
    """0o755 for an executable file, else 0o644 (the only modes a manifest records)."""


@dataclass
class LocalTree:
    """A scanned folder: its files, its empty folders, and (once hashed) what each file holds."""

    root: Path
    files: list[LocalFile]
    empty_dirs: list[str]
    hashed: dict[str, HashedFile] = field(default_factory=dict)
    """Files hashed by this scan (the cache knew the others), by relative path."""
    digests: dict[str, tuple[str, bool]] = field(default_factory=dict)
    """Every file's (digest, chunked), by relative path."""

    @property
    def size(self) -> int:
        return sum(file.stamp.size for file in self.files)

    def manifest(self) -> Manifest:
        """The tree's manifest; its paths were checked by ``scan`` and a folder cannot hold a file and a
        path inside it, so only the order is established here."""
        digests = self.digests
        entries = [
            Entry(
                f.path, "chunked" if digests[f.path][1] else "file", digests[f.path][0], f.stamp.size, f.mode
            )
            for f in self.files
        ]
        entries += [Entry(path, "dir", "", 0) for path in self.empty_dirs]
        entries.sort(key=lambda entry: entry.path)
        return Manifest(tuple(entries))

    @cached_property
    def stamp(self) -> str:
        """A hash of every path with its stat stamp and mode: equal stamps mean an unchanged tree. Taken
        once per scan: hashing the files reads them but does not change what the scan saw."""
        hasher = blake3()
        for f in self.files:
            s = f.stamp
            hasher.update(
                f"{f.path}\0{s.device}:{s.inode}:{s.size}:{s.mtime_ns}:{s.ctime_ns}:{f.mode}\n".encode()
            )
        for path in self.empty_dirs:
            hasher.update(f"{path}\0dir\n".encode())
        return hasher.hexdigest()


def scan(root: str | os.PathLike[str]) -> LocalTree:
    """Every file and empty folder below ``root``; InvalidInput for a link or a special file in it."""
    top = Path(root).expanduser().absolute()
    if not top.is_dir():
        raise NotFound(f"{root} is not a folder")
    files: list[LocalFile] = []
    empty: list[str] = []
    pending = [(str(top), "")]
    while pending:
        folder, relative = pending.pop()
        with os.scandir(folder) as found:
            entries = list(found)
        if not entries and relative:
            empty.append(relative)
        for entry in entries:
            path = f"{relative}/{entry.name}" if relative else entry.name
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISDIR(info.st_mode):
                pending.append((entry.path, path))
            elif stat.S_ISREG(info.st_mode):
                files.append(_local_file(entry.path, path, info))
            elif stat.S_ISLNK(info.st_mode):
                raise InvalidInput(
                    f"{entry.path} is a symbolic link; datasets hold files and folders only "
                    "(copy what it points at into the folder, or remove it)"
                )
            else:
                raise InvalidInput(f"{entry.path} is not a regular file (a socket, a device or a pipe)")
    try:
        for file in files:
            check_path(file.path)
    except InvalidData as error:
        raise InvalidInput(str(error)) from None
    files.sort(key=lambda file: file.path)
    return LocalTree(top, files, sorted(empty))


def _local_file(absolute: str, path: str, info: os.stat_result) -> LocalFile:
    stamp = Stamp(info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return LocalFile(path, absolute, stamp, 0o755 if info.st_mode & stat.S_IXUSR else 0o644)


def hash_tree(
    tree: LocalTree, cache: StatCache | None, *, workers: int | None = None, progress: Progress | None = None
) -> LocalTree:
    """Fill ``tree.digests``: from the cache where a file's stamp is unchanged, by hashing otherwise."""
    known = cache.under(tree.root) if cache is not None else {}
    todo = []
    for file in tree.files:
        seen = known.get(file.absolute)
        if seen is not None and seen[:5] == file.stamp:
            tree.digests[file.path] = (seen[5], bool(seen[6]))
        else:
            todo.append(file)

    def one(file: LocalFile) -> tuple[LocalFile, HashedFile]:
        hashed = hash_file(file.absolute)
        if progress is not None:
            progress(hashed.size)
        return file, hashed

    with ThreadPoolExecutor(workers or min(8, os.cpu_count() or 1)) as pool:
        for file, hashed in pool.map(one, todo):
            tree.hashed[file.path] = hashed
            tree.digests[file.path] = (hashed.digest, hashed.chunked)
    if cache is not None:
        by_path = {file.path: file for file in todo}
        cache.remember(
            (by_path[path].absolute, Known(by_path[path].stamp, hashed.digest, hashed.chunked))
            for path, hashed in tree.hashed.items()
        )
    return tree
