"""Blob storage over fsspec: the local disk by default, any fsspec URL (``s3://bucket/prefix``) when set.

Keys given to BlobStore must already have passed ``paths.safe_key``; the store joins them under its root
and never interprets them. Files move in chunks, so a large artifact is never held in memory.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from tether.errors import NotFound, StorageError, TetherError

CHUNK_SIZE = 1024 * 1024


@dataclass(frozen=True)
class BlobInfo:
    """One entry of a listing: ``path`` is relative to the listed prefix."""

    path: str
    size: int | None
    is_dir: bool


class BlobStore:
    """Bytes under keys, on one fsspec filesystem rooted at ``url``."""

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        import fsspec

        with _translated("open the blob store"):
            self.fs, root = fsspec.core.url_to_fs(url, **(options or {}))
        self.url = url
        self.root = root.rstrip("/")
        self.local = "file" in _protocols(self.fs)
        if self.local:
            with _translated(f"create the blob folder {self.root}"):
                os.makedirs(self.root, exist_ok=True)

    def _path(self, key: str) -> str:
        return f"{self.root}/{key}" if key else self.root

    def put_file(self, source: str | os.PathLike[str], key: str) -> None:
        """Copy a local file in; on local disk it appears atomically under its final name."""
        target = self._path(key)
        with _translated(f"store {key!r}"):
            if self.local:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                partial = f"{target}.partial-{uuid.uuid4().hex}"
                try:
                    shutil.copyfile(source, partial)
                    os.replace(partial, target)
                finally:
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(partial)
            else:
                self.fs.put_file(os.fspath(source), target)

    def put_stream(self, stream: IO[bytes], key: str) -> int:
        """Copy a readable binary stream in, chunk by chunk; returns the number of bytes written."""
        target = self._path(key)
        written = 0
        with _translated(f"store {key!r}"):
            if self.local:
                os.makedirs(os.path.dirname(target), exist_ok=True)
                partial = f"{target}.partial-{uuid.uuid4().hex}"
                try:
                    with open(partial, "wb") as out:
                        written = _copy(stream, out)
                    os.replace(partial, target)
                finally:
                    with contextlib.suppress(FileNotFoundError):
                        os.remove(partial)
            else:
                with self.fs.open(target, "wb") as out:
                    written = _copy(stream, out)
        return written

    def put_bytes(self, data: bytes, key: str) -> None:
        import io

        self.put_stream(io.BytesIO(data), key)

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[IO[bytes]]:
        """A binary stream of a stored blob."""
        with _translated(f"read {key!r}"):
            handle = self.fs.open(self._path(key), "rb")
        try:
            yield handle
        finally:
            handle.close()

    def get_file(self, key: str, destination: str | os.PathLike[str]) -> None:
        """Copy a blob to a local file, streaming."""
        with self.open(key) as source, open(destination, "wb") as out:
            _copy(source, out)

    def exists(self, key: str) -> bool:
        with _translated(f"look up {key!r}"):
            return bool(self.fs.exists(self._path(key)))

    def is_dir(self, key: str) -> bool:
        with _translated(f"look up {key!r}"):
            return bool(self.fs.isdir(self._path(key)))

    def info(self, key: str) -> BlobInfo:
        """Size and kind of one entry; NotFound when it does not exist."""
        with _translated(f"look up {key!r}"):
            found = self.fs.info(self._path(key))
        is_dir = found.get("type") == "directory"
        return BlobInfo(path=key, size=None if is_dir else int(found.get("size") or 0), is_dir=is_dir)

    def list(self, prefix: str = "", *, recursive: bool = False) -> list[BlobInfo]:
        """Entries under ``prefix`` (a missing prefix lists as empty), sorted by path."""
        base = self._path(prefix)
        with _translated(f"list {prefix!r}"):
            if not self.fs.isdir(base):
                return []
            if recursive:
                found = self.fs.find(base, detail=True)
                entries = [(name, info) for name, info in found.items()]
            else:
                entries = [(info["name"], info) for info in self.fs.ls(base, detail=True)]
        out = []
        strip = len(base.rstrip("/")) + 1
        for name, info in entries:
            rel = name.rstrip("/")[strip:]
            if not rel or ".partial-" in rel:
                continue
            is_dir = info.get("type") == "directory"
            out.append(BlobInfo(path=rel, size=None if is_dir else int(info.get("size") or 0), is_dir=is_dir))
        return sorted(out, key=lambda e: e.path)

    def delete_prefix(self, prefix: str) -> None:
        """Remove everything under ``prefix``; a missing prefix is fine."""
        with _translated(f"delete {prefix!r}"), contextlib.suppress(FileNotFoundError):
            self.fs.rm(self._path(prefix), recursive=True)

    def __repr__(self) -> str:
        return f"BlobStore({self.url!r})"


def _protocols(fs: Any) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def _copy(source: IO[bytes], out: IO[bytes]) -> int:
    written = 0
    while chunk := source.read(CHUNK_SIZE):
        out.write(chunk)
        written += len(chunk)
    return written


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
