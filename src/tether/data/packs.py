"""Packs: many objects in one body, so 100,000 small files cross the network in a few hundred requests.

How objects are grouped into packs lives here; the pack body itself (``encode_pack``, ``decode_pack``) is
a wire shape, in ``tether.data.schemas``, where a remote client may read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

PACK_BYTES = 8 * 1024 * 1024
"""A pack is closed once it holds at least this much (so one holds a little more with its last object)."""
PACK_OBJECTS = 4096
_Item = TypeVar("_Item", bound=tuple[Any, ...])


def grouped(objects: Iterable[_Item]) -> Iterator[list[_Item]]:
    """``objects`` (tuples whose second field is an object's bytes) in pack-sized groups, in order."""
    group: list[_Item] = []
    size = 0
    for item in objects:
        group.append(item)
        size += len(item[1])
        if size >= PACK_BYTES or len(group) >= PACK_OBJECTS:
            yield group
            group, size = [], 0
    if group:
        yield group
