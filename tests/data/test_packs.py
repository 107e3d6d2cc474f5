"""Packs: many objects in one body, each checked on the way in, and grouped to a bounded size."""

from __future__ import annotations

import os

import pytest

from tether.data.chunks import digest
from tether.data.packs import PACK_BYTES, PACK_OBJECTS, grouped
from tether.data.schemas import PACK_HEADER, decode_pack, encode_pack
from tether.errors import InvalidData


def _objects(*sizes: int) -> list[tuple[str, bytes]]:
    out = []
    for size in sizes:
        data = os.urandom(size)
        out.append((digest(data), data))
    return out


def test_a_pack_round_trips_in_order() -> None:
    objects = _objects(0, 1, 1000, 200_000)
    body = encode_pack(objects)
    assert body.startswith(PACK_HEADER)
    assert len(body) == len(PACK_HEADER) + sum(40 + len(data) for _, data in objects)
    assert decode_pack(body) == objects


def test_an_empty_pack_holds_nothing() -> None:
    assert encode_pack([]) == PACK_HEADER
    assert decode_pack(PACK_HEADER) == []


def test_the_same_object_twice_round_trips() -> None:
    objects = _objects(10)
    assert decode_pack(encode_pack(objects * 2)) == objects * 2


@pytest.mark.parametrize("where", ["digest", "size", "data", "last"])
def test_a_flipped_byte_is_refused(where: str) -> None:
    body = bytearray(encode_pack(_objects(500, 300)))
    at = {
        "digest": len(PACK_HEADER) + 3,
        "size": len(PACK_HEADER) + 32 + 7,
        "data": len(PACK_HEADER) + 40 + 250,
        "last": len(body) - 1,
    }[where]
    body[at] ^= 0x01
    with pytest.raises(InvalidData):
        decode_pack(bytes(body))


@pytest.mark.parametrize("cut", [1, 20, 300, 339, 341])
def test_a_truncated_pack_is_refused(cut: int) -> None:
    """Cut inside the last object, inside its entry header, or into the object before it."""
    body = encode_pack(_objects(500, 300))
    with pytest.raises(InvalidData):
        decode_pack(body[:-cut])


@pytest.mark.parametrize(
    "body",
    [b"", b"tether-pack 2\n", b"garbage", encode_pack(_objects(10))[len(PACK_HEADER) :]],
    ids=["empty", "other-version", "garbage", "headless"],
)
def test_a_pack_without_its_header_is_refused(body: bytes) -> None:
    with pytest.raises(InvalidData):
        decode_pack(body)


def test_an_object_under_the_wrong_name_is_refused() -> None:
    (name, _), (_, other) = _objects(10, 10)
    with pytest.raises(InvalidData, match=name):
        decode_pack(encode_pack([(name, other)]))


def test_grouped_closes_a_group_once_it_holds_pack_bytes() -> None:
    size = PACK_BYTES // 4
    objects = [(f"{i:064x}", bytes(size)) for i in range(10)]
    groups = list(grouped(objects))
    assert [len(group) for group in groups] == [4, 4, 2]
    assert [item for group in groups for item in group] == objects


def test_grouped_closes_a_group_once_it_holds_pack_objects() -> None:
    objects = [(f"{i:064x}", b"x") for i in range(2 * PACK_OBJECTS + 1)]
    groups = list(grouped(objects))
    assert [len(group) for group in groups] == [PACK_OBJECTS, PACK_OBJECTS, 1]
    assert [item for group in groups for item in group] == objects


def test_grouped_bounds_each_group_by_one_object_past_pack_bytes() -> None:
    objects = [(f"{i:064x}", bytes(size)) for i, size in enumerate([PACK_BYTES - 1, 2, 3, PACK_BYTES + 5, 1])]
    groups = list(grouped(objects))
    assert [[len(data) for _, data in group] for group in groups] == [
        [PACK_BYTES - 1, 2],
        [3, PACK_BYTES + 5],
        [1],
    ]
    assert all(sum(len(data) for _, data in group[:-1]) < PACK_BYTES for group in groups)


def test_grouped_of_nothing_is_no_group() -> None:
    assert list(grouped([])) == []
