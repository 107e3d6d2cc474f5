"""Content hashes and content-defined chunks: how a file becomes objects.

A file up to ``MAX_CHUNK`` bytes is one object, named by the blake3 hash of its bytes (so ``b3sum`` agrees).
A larger file is cut by FastCDC (gear hash, ``MIN_CHUNK``..``MAX_CHUNK``, about ``AVG_CHUNK`` on average):
the cut points depend on the bytes around them, not on offsets, so an edit in the middle of a large file
changes only the chunks it touches and the ones next to them. Such a file is stored as its chunks plus an
index object listing them (``encode_index``), and the file is named by the index's hash.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from blake3 import blake3

from tether.errors import InvalidData

MIN_CHUNK = 8 * 1024
AVG_CHUNK = 64 * 1024
MAX_CHUNK = 128 * 1024
DIGEST_LENGTH = 64
INDEX_HEADER = b"tether-chunks 1\n"
_HEX = frozenset("0123456789abcdef")


def digest(data: bytes | memoryview) -> str:
    """The blake3 hash of ``data``, as 64 lower-case hex digits: the name of the object holding it."""
    return blake3(data).hexdigest()


@dataclass(frozen=True)
class Chunk:
    """One piece of a large file: where it lies in the file, and its hash."""

    digest: str
    offset: int
    size: int


@dataclass(frozen=True)
class HashedFile:
    """What hashing a file found: its object name, its size, and for a large file its chunks and index."""

    digest: str
    size: int
    chunks: tuple[Chunk, ...] = ()
    index: bytes = b""

    @property
    def chunked(self) -> bool:
        return bool(self.chunks)


@contextmanager
def mapped(path: str | os.PathLike[str]) -> Iterator[memoryview]:
    """The file's bytes without reading them into memory (an empty file maps to an empty view)."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size == 0:
            yield memoryview(b"")
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as region:
            view = memoryview(region)
            try:
                yield view
            finally:
                view.release()


def hash_file(path: str | os.PathLike[str]) -> HashedFile:
    """Hash one file, cutting it into chunks when it is larger than one chunk."""
    with mapped(path) as data:
        return hash_bytes(data)


def hash_bytes(data: bytes | memoryview) -> HashedFile:
    if len(data) <= MAX_CHUNK:
        return HashedFile(digest(data), len(data))
    chunks = tuple(Chunk(digest(data[start : start + size]), start, size) for start, size in cut_points(data))
    index = encode_index(chunks)
    return HashedFile(digest(index), len(data), chunks, index)


def cut_points(data: bytes | memoryview) -> list[tuple[int, int]]:
    """(offset, size) of each chunk FastCDC cuts ``data`` into."""
    from fastcdc.fastcdc_cy import fastcdc_cy

    return [(c.offset, c.length) for c in fastcdc_cy(data, MIN_CHUNK, AVG_CHUNK, MAX_CHUNK, False, None)]


def encode_index(chunks: tuple[Chunk, ...] | list[Chunk]) -> bytes:
    """The index object of a chunked file: a header line, then ``<digest> <size>`` per chunk, in order."""
    lines = [INDEX_HEADER, *(f"{chunk.digest} {chunk.size}\n".encode() for chunk in chunks)]
    return b"".join(lines)


def decode_index(data: bytes) -> list[tuple[str, int]]:
    """The (digest, size) list an index object holds; InvalidData if it is not one."""
    if not data.startswith(INDEX_HEADER):
        raise InvalidData("not a chunk index: the header line is missing")
    out = []
    for line in data[len(INDEX_HEADER) :].decode("ascii", "replace").splitlines():
        name, _, size = line.partition(" ")
        if (
            len(name) != DIGEST_LENGTH
            or not _HEX.issuperset(name)
            or not size.isascii()
            or not size.isdigit()
        ):
            raise InvalidData(f"not a chunk index: bad line {line[:80]!r}")
        out.append((name, int(size)))
    return out
