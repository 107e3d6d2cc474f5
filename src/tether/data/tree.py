"""A local folder as a dataset tree: walk it, hash what changed, and say how it differs from a manifest.

The walk refuses symbolic links (naming the first one) rather than follow them out of the tree or store
them as something they are not, keeps empty folders (a checkout restores them) and records whether each
file is executable. Hashing runs on a pool of threads (blake3 and the chunker release the GIL): small files
in batches, so 100,000 of them cost a few hundred tasks, and a file of many segments on every thread at
once. A file the stat cache knows is not read at all, and the bytes of the small files just read are kept
(up to ``HELD_BYTES``) for the upload that usually follows, so it does not read them again.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import NamedTuple

from blake3 import blake3

from tether.data.chunks import MAX_CHUNK, SEGMENT, HashedFile, hash_bytes, hash_file
from tether.data.manifest import MAX_PATH, Entry, Manifest, check_path
from tether.data.statcache import Known, Stamp, StatCache
from tether.errors import InvalidData, InvalidInput, NotFound

Progress = Callable[[int], None]
"""Told how many bytes were just hashed (for a progress bar)."""

HELD_BYTES = 64 * 1024 * 1024
"""At most this many bytes of small files are kept in memory between hashing and uploading."""
_BATCH_BYTES = 4 * 1024 * 1024
_BATCH_FILES = 256
_tuple = tuple.__new__


class LocalFile(NamedTuple):
    """One file of a scan (a tuple: a scan makes one per file, and 100,000 of them must be cheap)."""

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
    held: dict[str, bytes] = field(default_factory=dict)
    """The bytes of small files this scan hashed, by relative path, while they fit in ``HELD_BYTES``."""

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
        prefix = f"{relative}/" if relative else ""
        for entry in entries:
            name = entry.name
            path = prefix + name
            if "\\" in name or len(path) > MAX_PATH:
                _check(path)
            info = entry.stat(follow_symlinks=False)
            kind = stat.S_IFMT(info.st_mode)
            if kind == stat.S_IFDIR:
                pending.append((entry.path, path))
            elif kind == stat.S_IFREG:
                # tuple.__new__ skips the named tuples' Python-level constructors: a quarter of the scan
                stamp = _tuple(
                    Stamp, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)
                )
                mode = 0o755 if info.st_mode & stat.S_IXUSR else 0o644
                files.append(_tuple(LocalFile, (path, entry.path, stamp, mode)))
            elif kind == stat.S_IFLNK:
                raise InvalidInput(
                    f"{entry.path} is a symbolic link; datasets hold files and folders only "
                    "(copy what it points at into the folder, or remove it)"
                )
            else:
                raise InvalidInput(f"{entry.path} is not a regular file (a socket, a device or a pipe)")
    files.sort(key=lambda file: file.path)
    return LocalTree(top, files, sorted(empty))


def _check(path: str) -> None:
    """A folder's entry names are never empty, '.' or '..' and hold no '/' or NUL, so only a backslash or
    the length can make a scanned path unusable; ``check_path`` words the error."""
    try:
        check_path(path)
    except InvalidData as error:
        raise InvalidInput(str(error)) from None


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
    large = [file for file in todo if file.stamp.size > SEGMENT]
    with ThreadPoolExecutor(workers or min(8, os.cpu_count() or 1)) as pool:
        batches = [pool.submit(_hash_batch, batch) for batch in _batches(todo)]
        done: list[tuple[LocalFile, HashedFile, bytes | None]] = [
            (file, hash_file(file.absolute, pool=pool), None) for file in large
        ]
        for file, _, _ in done:
            if progress is not None:
                progress(file.stamp.size)
        for batch in batches:
            found = batch.result()
            if progress is not None:
                progress(sum(file.stamp.size for file, _, _ in found))
            done += found
    held = sum(len(data) for data in tree.held.values())
    for file, hashed, data in done:
        tree.hashed[file.path] = hashed
        tree.digests[file.path] = (hashed.digest, hashed.chunked)
        if data is not None and held + len(data) <= HELD_BYTES:
            tree.held[file.path] = data
            held += len(data)
    if cache is not None:
        cache.remember(
            (file.absolute, Known(file.stamp, hashed.digest, hashed.chunked)) for file, hashed, _ in done
        )
    return tree


def _batches(files: list[LocalFile]) -> Iterator[list[LocalFile]]:
    """The files not large enough to split, in batches of a few MiB (a larger file alone)."""
    batch: list[LocalFile] = []
    size = 0
    for file in files:
        if file.stamp.size > SEGMENT:
            continue
        batch.append(file)
        size += file.stamp.size
        if size >= _BATCH_BYTES or len(batch) >= _BATCH_FILES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _hash_batch(files: list[LocalFile]) -> list[tuple[LocalFile, HashedFile, bytes | None]]:
    """Each file hashed; a small one is read whole (cheaper than mapping it) and its bytes returned."""
    out: list[tuple[LocalFile, HashedFile, bytes | None]] = []
    for file in files:
        data = None
        if file.stamp.size <= MAX_CHUNK:
            with open(file.absolute, "rb") as handle:
                data = handle.read(MAX_CHUNK + 1)  # never more: the file may have grown since the scan
        if data is not None and len(data) <= MAX_CHUNK:
            out.append((file, hash_bytes(data), data))
        else:
            out.append((file, hash_file(file.absolute), None))
    return out
