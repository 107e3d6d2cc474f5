"""Blob storage over fsspec: the local disk by default, any fsspec URL (``s3://bucket/prefix``) when set.

Keys given to BlobStore must already have passed ``paths.safe_key``; the store joins them under its root
and never interprets them. Files move in chunks, so a large artifact is never held in memory. On local
disk every key is reached through ``localfs.LocalTree``, which never follows a symbolic link; a write that
fails part-way (a client that disconnects, a full disk) leaves nothing behind on any backend.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from tether.errors import NotFound, StorageError, TetherError
from tether.storage.localfs import LocalTree
from tether.storage.paths import TEMP_PREFIX

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class BlobInfo:
    """One entry of a listing: ``path`` is relative to the listed prefix."""

    path: str
    size: int | None
    is_dir: bool
    modified: float | None = None
    """Seconds since the epoch, where the listing tells (it does on local disk and S3)."""


class BlobStore:
    """Bytes under keys, on one fsspec filesystem rooted at ``url``."""

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        import fsspec

        with _translated("open the blob store"):
            self.fs, root = fsspec.core.url_to_fs(url, **(options or {}))
        self.url = url
        self.root = root.rstrip("/")
        self.local = "file" in _protocols(self.fs)
        self.tree: LocalTree | None = None
        if self.local:
            with _translated(f"create the blob folder {self.root}"):
                self.tree = LocalTree(self.root)

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}" if key else self.root

    def local_path(self, key: str) -> str:
        """Where ``key`` lies on local disk; only for a local store (``self.local``)."""
        if not self.local:
            raise StorageError(f"the blob store {self.url} is not on local disk")
        return self._path(key)

    def put_file(self, source: str | os.PathLike[str], key: str) -> None:
        """Copy a local file in; on local disk it appears atomically under its final name."""
        with open(source, "rb") as stream:
            self.put_stream(stream, key)

    def put_stream(self, stream: IO[bytes], key: str) -> int:
        """Copy a readable binary stream in, chunk by chunk; returns the number of bytes written.

        If reading ``stream`` fails, nothing is stored (a TetherError it raises propagates unchanged)."""
        with _translated(f"store {key!r}"):
            if self.tree is not None:
                return self.tree.write(key, lambda out: _copy(stream, out))
            out = self.fs.open(self._path(key), "wb")
            try:
                written = _copy(stream, out)
            except BaseException:
                _discard(out)
                raise
            out.close()
            return written

    def put_bytes(self, data: bytes, key: str) -> None:
        import io

        self.put_stream(io.BytesIO(data), key)

    def put_new(self, folder: str, files: Iterable[tuple[str, bytes]]) -> int:
        """Store each (name, bytes) under ``folder`` unless that key exists already; returns how many
        were new. A name may hold one ``/``. On local disk each folder is opened once for all of them."""
        if self.tree is not None:
            with _translated(f"store objects in {folder!r}"):
                return self.tree.write_new(folder, files)
        new = 0
        for name, data in files:
            key = f"{folder}/{name}"
            if not self.exists(key):
                self.put_bytes(data, key)
                new += 1
        return new

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        """A binary stream of a stored blob."""
        with _translated(f"read {key!r}"):
            handle = self.tree.open(key) if self.tree is not None else self.fs.open(self._path(key), "rb")
        try:
            yield handle
        finally:
            handle.close()

    def get_file(self, key: str, destination: str | os.PathLike[str]) -> None:
        """Copy a blob to a local file, streaming."""
        with self.open(key) as source, open(destination, "wb") as out:
            _copy(source, out)

    def exists(self, key: str) -> bool:
        try:
            self.info(key)
        except NotFound:
            return False
        return True

    def is_dir(self, key: str) -> bool:
        try:
            return self.info(key).is_dir
        except NotFound:
            return False

    def info(self, key: str) -> BlobInfo:
        """Size and kind of one entry; NotFound when it does not exist."""
        with _translated(f"look up {key!r}"):
            if self.tree is not None:
                is_dir, size = self.tree.info(key)
                return BlobInfo(path=key, size=None if is_dir else size, is_dir=is_dir)
            found = self.fs.info(self._path(key))
        is_dir = found.get("type") == "directory"
        return BlobInfo(path=key, size=None if is_dir else int(found.get("size") or 0), is_dir=is_dir)

    def list(self, prefix: str = "", *, recursive: bool = False) -> list[BlobInfo]:
        """Entries under ``prefix`` (a missing prefix, or a file, lists as empty), sorted by path; a
        recursive listing holds files only. Symbolic links on local disk are left out (and logged)."""
        if not self.is_dir(prefix):
            return []
        with _translated(f"list {prefix!r}"):
            if self.tree is not None:
                found = self.tree.entries(prefix, recursive=recursive)
                out = [
                    BlobInfo(path=path, size=size, is_dir=size is None, modified=modified)
                    for path, size, modified in found
                ]
                return sorted(out, key=lambda e: e.path)
            entries = _remote_entries(self.fs, self._path(prefix), recursive)
        return sorted(entries, key=lambda e: e.path)

    def delete_prefix(self, prefix: str) -> None:
        """Remove everything under ``prefix``; a missing prefix is fine."""
        with _translated(f"delete {prefix!r}"):
            if self.tree is not None:
                self.tree.remove(prefix)
                return
            with contextlib.suppress(FileNotFoundError):
                self.fs.rm(self._path(prefix), recursive=True)

    def __repr__(self) -> str:
        return f"BlobStore({self.url!r})"


def _remote_entries(fs: Any, base: str, recursive: bool) -> list[BlobInfo]:
    if recursive:
        listed = list(fs.find(base, detail=True).items())
    else:
        listed = [(info["name"], info) for info in fs.ls(base, detail=True)]
    out = []
    strip = len(base.rstrip("/")) + 1
    for name, info in listed:
        relative = name.rstrip("/")[strip:]
        if not relative or relative.rsplit("/", 1)[-1].startswith(TEMP_PREFIX):
            continue
        is_dir = info.get("type") == "directory"
        size = None if is_dir else int(info.get("size") or 0)
        out.append(BlobInfo(path=relative, size=size, is_dir=is_dir, modified=_modified(info)))
    return out


def _modified(info: dict[str, Any]) -> float | None:
    """The modification time an fsspec listing gives, under whichever name the filesystem uses."""
    found = info.get("mtime", info.get("LastModified", info.get("created")))
    if found is None:
        return None
    if hasattr(found, "timestamp"):
        return float(found.timestamp())
    try:
        return float(found)
    except (TypeError, ValueError):
        return None


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def _copy(source: IO[bytes], out: IO[bytes]) -> int:
    written = 0
    while chunk := source.read(CHUNK_SIZE):
        out.write(chunk)
        written += len(chunk)
    return written


def _discard(out: Any) -> None:
    """Drop a half-written remote file (an S3 multipart upload is aborted) instead of committing it."""
    with contextlib.suppress(Exception):
        out.discard()
    out.closed = True


@contextlib.contextmanager
def _translated(action: str) -> Iterator[None]:
    """Storage failures become NotFound or StorageError with the action that failed."""
    try:
        yield
    except TetherError:
        raise
    except FileNotFoundError as error:
        raise NotFound(f"could not {action}: no such blob") from error
    except (OSError, ValueError) as error:
        raise StorageError(f"could not {action}: {error}") from error
    except Exception as error:  # botocore, aiohttp and friends share no base class
        raise StorageError(f"could not {action}: {type(error).__name__}: {error}") from error
