"""Packs: many objects in one body, so 100,000 small files cross the network in a few hundred requests.

A pack is ``PACK_HEADER``, then per object its 32-byte raw blake3 digest, its size as 8 bytes big-endian
and its bytes. Reading a pack checks every object against its digest, so a pack damaged in transit (or
assembled wrongly) is refused whole and nothing from it is stored.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from blake3 import blake3

from tether.errors import InvalidData

PACK_HEADER = b"tether-pack 1\n"
PACK_BYTES = 8 * 1024 * 1024
"""A pack is closed once it holds at least this much (so one holds a little more with its last object)."""
PACK_OBJECTS = 4096
MAX_PACK = 30 * 1024 * 1024
"""The largest pack a store takes in one request."""

_ENTRY = struct.Struct(">32sQ")


def encode_pack(objects: Iterable[tuple[str, bytes]]) -> bytes:
    parts = [PACK_HEADER]
    for name, data in objects:
        parts.append(_ENTRY.pack(bytes.fromhex(name), len(data)))
        parts.append(data)
    return b"".join(parts)


def decode_pack(body: bytes) -> list[tuple[str, bytes]]:
    """Every (digest, bytes) of a pack, each checked; InvalidData naming the first problem."""
    if not body.startswith(PACK_HEADER):
        raise InvalidData("not a pack: the header line is missing")
    view = memoryview(body)
    at = len(PACK_HEADER)
    out = []
    while at < len(body):
        if at + _ENTRY.size > len(body):
            raise InvalidData(f"the pack ends inside an entry header (at byte {at})")
        raw, size = _ENTRY.unpack_from(body, at)
        at += _ENTRY.size
        if at + size > len(body):
            raise InvalidData(f"the pack ends inside object {raw.hex()} ({size} bytes announced)")
        data = bytes(view[at : at + size])
        at += size
        if blake3(data).digest() != raw:
            raise InvalidData(f"object {raw.hex()} in the pack does not match its digest")
        out.append((raw.hex(), data))
    return out


def grouped(objects: Iterable[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    """``objects`` in pack-sized groups, in order."""
    group: list[tuple[str, bytes]] = []
    size = 0
    for name, data in objects:
        group.append((name, data))
        size += len(data)
        if size >= PACK_BYTES or len(group) >= PACK_OBJECTS:
            yield group
            group, size = [], 0
    if group:
        yield group
