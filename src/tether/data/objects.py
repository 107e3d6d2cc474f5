"""The object store of the data domain: immutable bytes in the blob store, each named by its blake3 hash.

Contracts: a put is idempotent (an object already there is left as it is) and refused when the bytes do
not match the name; a get re-hashes what it read and raises CorruptObject rather than return damaged
bytes. Objects live under ``data/objects/<first two hex digits>/<the rest>``, so no folder grows past a few
thousand entries on local disk.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import IO, cast

from blake3 import blake3

from tether.data.chunks import DIGEST_LENGTH
from tether.errors import CorruptObject, InvalidInput, NotFound
from tether.storage.blobs import BlobStore

PREFIX = "data/objects"
_HEX = frozenset("0123456789abcdef")
_LOOKUPS = 16
_BLOCK = 1024 * 1024
_SPOOLED_IN_MEMORY = 8 * 1024 * 1024
"""Parallel existence checks on a remote blob store (each is a round trip)."""


def check_digest(name: object) -> str:
    """``name`` if it is a 64-digit lower-case hex digest; InvalidInput otherwise."""
    if not isinstance(name, str) or len(name) != DIGEST_LENGTH or not _HEX.issuperset(name):
        raise InvalidInput(f"{str(name)[:80]!r} is not an object digest (64 lower-case hex digits)")
    return name


def object_key(name: str) -> str:
    return f"{PREFIX}/{name[:2]}/{name[2:]}"


@dataclass(frozen=True)
class StoredObject:
    """One object as a listing of the store shows it."""

    digest: str
    size: int
    modified: float | None


class ObjectStore:
    """Content-addressed objects over one blob store."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def put(self, name: str, data: bytes, *, checked: bool = False) -> bool:
        """Store ``data`` under its digest ``name``; False when it was there already. ``checked`` says
        the caller has just hashed ``data`` itself (a pack checks each object as it is read)."""
        check_digest(name)
        if not checked and blake3(data).hexdigest() != name:
            raise InvalidInput(f"the bytes sent for object {name} do not match that digest")
        if self.has(name):
            return False
        self.blobs.put_bytes(data, object_key(name))
        return True

    def put_many(self, objects: Iterable[tuple[str, bytes]], *, checked: bool = False) -> int:
        """``put`` for many objects at once (the objects folder opened once on local disk); returns how
        many were new. Every object is checked before any is stored."""
        files = []
        for name, data in objects:
            check_digest(name)
            if not checked and blake3(data).hexdigest() != name:
                raise InvalidInput(f"the bytes sent for object {name} do not match that digest")
            files.append((f"{name[:2]}/{name[2:]}", data))
        return self.blobs.put_new(PREFIX, files)

    def put_stream(self, name: str, stream: IO[bytes]) -> bool:
        """Store one object of any size read from ``stream``, checked against ``name`` before anything is
        stored: it is spooled (in memory up to a few MiB, then on disk) while it is hashed. False when the
        store held it already (the stream is read to its end all the same)."""
        check_digest(name)
        hasher = blake3()
        with tempfile.SpooledTemporaryFile(max_size=_SPOOLED_IN_MEMORY) as spool:
            while block := stream.read(_BLOCK):
                hasher.update(block)
                spool.write(block)
            if hasher.hexdigest() != name:
                raise InvalidInput(f"the bytes sent for object {name} do not match that digest")
            if self.has(name):
                return False
            spool.seek(0)
            self.blobs.put_stream(cast("IO[bytes]", spool), object_key(name))
        return True

    def get(self, name: str) -> bytes:
        """The bytes of an object, checked against its digest."""
        check_digest(name)
        try:
            with self.blobs.open(object_key(name)) as stream:
                data = stream.read()
        except NotFound:
            raise NotFound(f"no data object {name}") from None
        if blake3(data).hexdigest() != name:
            raise CorruptObject(
                f"data object {name} is damaged: its bytes no longer match its digest; "
                "add the files again (or pull them from a remote) to repair it"
            )
        return data

    def has(self, name: str) -> bool:
        if self.blobs.local:
            try:
                return stat.S_ISREG(os.lstat(self.blobs.local_path(object_key(name))).st_mode)
            except FileNotFoundError:
                return False
        return self.blobs.exists(object_key(name))

    def missing(self, names: Iterable[str]) -> list[str]:
        """The names in ``names`` (each checked) that the store does not hold, in the order given."""
        wanted = list(dict.fromkeys(check_digest(name) for name in names))
        if self.blobs.local:
            return [name for name in wanted if not self.has(name)]
        with ThreadPoolExecutor(_LOOKUPS) as pool:
            found = list(pool.map(self.has, wanted))
        return [name for name, here in zip(wanted, found, strict=True) if not here]

    def delete(self, name: str) -> None:
        self.blobs.delete_prefix(object_key(check_digest(name)))

    def listing(self) -> Iterator[StoredObject]:
        """Every object in the store (a half-written one, under a temporary name, is not listed)."""
        for entry in self.blobs.list(PREFIX, recursive=True):
            name = entry.path.replace("/", "")
            if len(name) == DIGEST_LENGTH and _HEX.issuperset(name):
                yield StoredObject(name, entry.size or 0, entry.modified)
