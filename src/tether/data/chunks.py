"""Content hashes and content-defined chunks: how a file becomes objects.

A file up to ``MAX_CHUNK`` bytes is one object, named by the blake3 hash of its bytes (so ``b3sum`` agrees).
A larger file is cut by FastCDC (gear hash, ``MIN_CHUNK``..``MAX_CHUNK``, about ``AVG_CHUNK`` on average):
the cut points depend on the bytes around them, not on offsets, so an edit in the middle of a large file
changes only the chunks it touches and the ones next to them. Such a file is stored as its chunks plus an
index object listing them (``encode_index``), and the file is named by the index's hash.

Cutting is sequential by nature (each cut starts where the last one ended), but a cut depends only on where
its chunk starts and the bytes after it. So a file larger than a few segments is cut on several threads,
each segment as if a chunk started at its first byte, and the pieces are stitched at the first point where
a segment's cuts meet the cuts carried over from the one before: the result is exactly what one pass from
the start finds, whatever the number of threads (the names must not depend on the machine).
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from dataclasses import dataclass

from blake3 import blake3
from pyfastcdc import FastCDC

from tether.errors import InvalidData

MIN_CHUNK = 8 * 1024
AVG_CHUNK = 64 * 1024
MAX_CHUNK = 128 * 1024
SEGMENT = 128 * MAX_CHUNK
"""Bytes of a large file one thread cuts (16 MiB, a multiple of MAX_CHUNK: a run of equal bytes, cut only
by the size limit, then lines up across segments too)."""
_OVERLAP = 4 * MAX_CHUNK
"""How far a segment is cut past its end, to meet the cuts of the next one."""
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


def hash_file(path: str | os.PathLike[str], *, pool: Executor | None = None) -> HashedFile:
    """Hash one file, cutting it into chunks when it is larger than one chunk (on ``pool``'s threads when
    it spans several segments)."""
    with mapped(path) as data:
        return hash_bytes(data, pool=pool)


def hash_bytes(
    data: bytes | memoryview, *, pool: Executor | None = None, segment: int = SEGMENT
) -> HashedFile:
    """Hash ``data`` as ``hash_file`` does a file. ``segment`` changes only how the work is split, never
    the result (tests make it small to stitch many pieces)."""
    if len(data) <= MAX_CHUNK:
        return HashedFile(digest(data), len(data))
    view = memoryview(data).cast("B")
    try:
        chunks = tuple(_chunks(view, pool, segment))
    finally:
        view.release()
    index = encode_index(chunks)
    return HashedFile(digest(index), len(data), chunks, index)


def _chunks(view: memoryview, pool: Executor | None, segment: int) -> list[Chunk]:
    size = len(view)
    overlap = min(_OVERLAP, segment)
    if pool is None or size <= segment + overlap:
        return _cut(view, 0, size)
    starts = range(0, size, segment)
    pieces = pool.map(lambda start: _cut(view, start, min(size, start + segment + overlap)), starts)
    return _stitch(view, list(pieces))


def _chunker() -> FastCDC:
    # the average a FastCDC 2020 cutter aims at is avg_size plus min_size (cut-point skipping)
    return FastCDC(AVG_CHUNK - MIN_CHUNK, min_size=MIN_CHUNK, max_size=MAX_CHUNK)


def _cut(view: memoryview, start: int, stop: int) -> list[Chunk]:
    """The chunks of ``view[start:stop]``, cut as if a chunk began at ``start``, each hashed; the last one
    ends at ``stop`` whether or not a cut falls there. The cutter releases the GIL, as blake3 does."""
    part = view[start:stop]
    try:
        return [
            Chunk(blake3(piece.data).hexdigest(), start + piece.offset, piece.length)
            for piece in _chunker().cut_buf(part)
        ]
    finally:
        part.release()


def _stitch(view: memoryview, pieces: list[list[Chunk]]) -> list[Chunk]:
    """One sequential cut of ``view`` from segments cut apart (``pieces``, in order, the first from 0).

    A piece's chunks from the first one that starts where the chunks so far end are those a single pass
    finds; the cuts in between are made here, one chunk at a time. A piece's last chunk ends where it was
    told to stop, not at a cut, so it is dropped unless the piece reaches the end of the file."""
    size = len(view)
    out: list[Chunk] = []
    end = 0
    for piece in pieces:
        starts = {chunk.offset: number for number, chunk in enumerate(piece)}
        while end < size and end not in starts and end < piece[-1].offset:
            out.append(_cut(view, end, min(size, end + MAX_CHUNK))[0])
            end = out[-1].offset + out[-1].size
        if end in starts:
            usable = (
                piece[starts[end] :] if piece[-1].offset + piece[-1].size == size else piece[starts[end] : -1]
            )
            out += usable
            if usable:
                end = usable[-1].offset + usable[-1].size
    while end < size:
        out.append(_cut(view, end, min(size, end + MAX_CHUNK))[0])
        end = out[-1].offset + out[-1].size
    return out


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
