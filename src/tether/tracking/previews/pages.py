"""The page headers of a Parquet column chunk, read without decoding any page.

A Parquet footer says how large each column chunk is, but the reader allocates per page from the page
header, and a small file can declare a page of gigabytes. Walking the headers (each a short Thrift
compact-protocol struct in front of its page) tells what decoding the first rows would cost, so a preview
can refuse before pyarrow allocates anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

HEADER_READ = 4096
"""Bytes read for one page header at first; a header with long statistics is read again, larger."""
MAX_HEADER_BYTES = 1024 * 1024
"""A page header longer than this is treated as unreadable."""

DICTIONARY_PAGE = 2
_DATA_PAGE = 0
_DATA_PAGE_V2 = 3


class BadHeader(ValueError):
    """A page header that is not valid Thrift, or runs past the bytes read for it."""


@dataclass(frozen=True)
class PageHeader:
    """One page of a column chunk: what it costs in memory, and how many rows or values it holds."""

    kind: int
    uncompressed: int
    compressed: int
    values: int
    """Values in a data page (rows for a flat column), or entries in a dictionary page."""
    rows: int | None
    """Rows, when the page says (data page v2); None otherwise."""
    end: int
    """File offset just after the page's data: where the next page header starts."""


def read_page(stream: IO[bytes], offset: int) -> PageHeader:
    """The header of the page at ``offset`` in ``stream``."""
    size = HEADER_READ
    while True:
        stream.seek(offset)
        data = stream.read(size)
        try:
            fields, length = _Reader(data).struct_with_length()
            break
        except _ShortRead:
            if len(data) < size or size >= MAX_HEADER_BYTES:
                raise BadHeader(f"the page header at byte {offset} is cut short") from None
            size *= 16
    kind, uncompressed, compressed = (_int(fields, key) for key in (1, 2, 3))
    if uncompressed < 0 or compressed < 0:
        raise BadHeader(f"the page header at byte {offset} has a negative size")
    values, rows = 0, None
    if kind == _DATA_PAGE:
        values = _int(_struct(fields, 5), 1)
    elif kind == _DATA_PAGE_V2:
        v2 = _struct(fields, 8)
        values, rows = _int(v2, 1), _int(v2, 3)
    elif kind == DICTIONARY_PAGE:
        values = _int(_struct(fields, 7), 1)
    return PageHeader(kind, uncompressed, compressed, values, rows, offset + length + compressed)


def _int(fields: dict[int, object], key: int) -> int:
    value = fields.get(key)
    if not isinstance(value, int):
        raise BadHeader(f"the page header has no integer field {key}")
    return value


def _struct(fields: dict[int, object], key: int) -> dict[int, object]:
    value = fields.get(key)
    if not isinstance(value, dict):
        raise BadHeader(f"the page header has no struct field {key}")
    return value


class _ShortRead(Exception):
    """The bytes ran out inside the header."""


# Thrift compact protocol type ids.
_TRUE, _FALSE, _BYTE, _I16, _I32, _I64, _DOUBLE, _BINARY, _LIST, _SET, _MAP, _STRUCT = range(1, 13)
_MAX_DEPTH = 16


class _Reader:
    """Just enough of the Thrift compact protocol to read a struct and skip what it does not need."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def struct_with_length(self) -> tuple[dict[int, object], int]:
        fields = self.struct(0)
        return fields, self.pos

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise _ShortRead
        value = self.data[self.pos]
        self.pos += 1
        return value

    def varint(self) -> int:
        result = shift = 0
        while True:
            byte = self.byte()
            result |= (byte & 0x7F) << shift
            if not byte & 0x80:
                return result
            shift += 7
            if shift > 63:
                raise BadHeader("a varint in the page header is too long")

    def zigzag(self) -> int:
        value = self.varint()
        return (value >> 1) ^ -(value & 1)

    def skip(self, count: int) -> None:
        if self.pos + count > len(self.data):
            raise _ShortRead
        self.pos += count

    def struct(self, depth: int) -> dict[int, object]:
        if depth > _MAX_DEPTH:
            raise BadHeader("the page header nests too deeply")
        fields: dict[int, object] = {}
        last = 0
        while True:
            head = self.byte()
            if head == 0:
                return fields
            kind, delta = head & 0x0F, head >> 4
            last = last + delta if delta else self.zigzag()
            if kind in (_TRUE, _FALSE):
                fields[last] = kind == _TRUE
            else:
                fields[last] = self.value(kind, depth)

    def value(self, kind: int, depth: int) -> object:
        if kind in (_I16, _I32, _I64):
            return self.zigzag()
        if kind == _STRUCT:
            return self.struct(depth + 1)
        if kind == _BYTE:
            self.skip(1)
        elif kind == _DOUBLE:
            self.skip(8)
        elif kind == _BINARY:
            self.skip(self.varint())
        elif kind in (_LIST, _SET):
            head = self.byte()
            count = head >> 4 if head >> 4 != 15 else self.varint()
            for _ in range(count):
                self.element(head & 0x0F, depth)
        elif kind == _MAP:
            count = self.varint()
            if count:
                types = self.byte()
                for _ in range(count):
                    self.element(types >> 4, depth)
                    self.element(types & 0x0F, depth)
        else:
            raise BadHeader(f"unknown Thrift type {kind} in the page header")
        return None

    def element(self, kind: int, depth: int) -> None:
        """A container element: booleans take a byte each there, unlike in a struct."""
        if kind in (_TRUE, _FALSE):
            self.skip(1)
        else:
            self.value(kind, depth + 1)
