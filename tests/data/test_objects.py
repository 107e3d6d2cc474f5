"""The object store on local disk and on S3 (moto): idempotent checked puts, checked gets, listings."""

from __future__ import annotations

import os

import pytest
from blake3 import blake3

from tether.data.objects import ObjectStore, StoredObject, check_digest, object_key
from tether.errors import CorruptObject, InvalidInput, NotFound
from tether.storage.blobs import BlobStore


def _name(data: bytes) -> str:
    return blake3(data).hexdigest()


@pytest.fixture
def store(blob_store: BlobStore) -> ObjectStore:
    return ObjectStore(blob_store)


def test_put_then_get(store: ObjectStore) -> None:
    data = os.urandom(5000)
    name = _name(data)
    assert not store.has(name)
    assert store.put(name, data) is True
    assert store.has(name)
    assert store.get(name) == data
    assert store.blobs.exists(object_key(name))


def test_put_is_idempotent(store: ObjectStore) -> None:
    data = b"the same bytes"
    name = _name(data)
    assert store.put(name, data) is True
    assert store.put(name, data) is False
    assert store.get(name) == data


def test_an_empty_object_is_stored(store: ObjectStore) -> None:
    name = _name(b"")
    assert store.put(name, b"") is True
    assert store.get(name) == b""


def test_put_refuses_bytes_that_do_not_match_the_name(store: ObjectStore) -> None:
    name = _name(b"one")
    with pytest.raises(InvalidInput, match=name):
        store.put(name, b"two")
    assert not store.has(name)


@pytest.mark.parametrize("name", ["abc", "A" * 64, "g" * 64, "a" * 63, "a" * 65, "../" + "a" * 61])
def test_put_and_get_refuse_a_name_that_is_not_a_digest(store: ObjectStore, name: str) -> None:
    with pytest.raises(InvalidInput):
        store.put(name, b"x")
    with pytest.raises(InvalidInput):
        store.get(name)


def test_get_of_a_missing_object_is_not_found(store: ObjectStore) -> None:
    name = _name(b"never stored")
    with pytest.raises(NotFound, match=name):
        store.get(name)


def test_a_damaged_object_is_reported_not_returned(store: ObjectStore) -> None:
    data = b"original bytes"
    name = _name(data)
    store.put(name, data)
    store.blobs.put_bytes(b"damaged bytes!", object_key(name))
    with pytest.raises(CorruptObject, match=name):
        store.get(name)
    assert store.put(name, data) is False, "a put does not repair a damaged object"


def test_missing_lists_only_absent_names_in_the_order_given(store: ObjectStore) -> None:
    present = [_name(bytes([i])) for i in range(3)]
    for i, name in enumerate(present):
        store.put(name, bytes([i]))
    absent = [_name(b"absent %d" % i) for i in range(40)]
    asked = [absent[0], present[0], absent[1], present[1], *absent[2:], present[2], absent[0]]
    assert store.missing(asked) == absent
    assert store.missing(present) == []
    assert store.missing([]) == []


@pytest.mark.parametrize("bad", ["nope", "A" * 64, 5, None])
def test_missing_refuses_a_name_that_is_not_a_digest(store: ObjectStore, bad: object) -> None:
    with pytest.raises(InvalidInput):
        store.missing([_name(b"x"), bad])  # type: ignore[list-item]


def test_listing_shows_what_was_stored_with_sizes(store: ObjectStore) -> None:
    assert list(store.listing()) == []
    stored = {_name(b"x" * size): size for size in (0, 1, 100, 70_000)}
    for name, size in stored.items():
        store.put(name, b"x" * size)
    store.blobs.put_bytes(b"not an object", "data/objects/zz/readme.txt")
    listed = list(store.listing())
    assert {entry.digest: entry.size for entry in listed} == stored
    assert all(isinstance(entry, StoredObject) for entry in listed)
    assert all(entry.modified is None or entry.modified > 0 for entry in listed)


def test_delete_removes_one_object(store: ObjectStore) -> None:
    keep, drop = _name(b"keep"), _name(b"drop")
    store.put(keep, b"keep")
    store.put(drop, b"drop")
    store.delete(drop)
    assert not store.has(drop)
    assert store.has(keep)
    assert [entry.digest for entry in store.listing()] == [keep]
    store.delete(drop)


def test_check_digest() -> None:
    name = _name(b"x")
    assert check_digest(name) == name
    for bad in ("", name.upper(), name[:-1], 64, None):
        with pytest.raises(InvalidInput):
            check_digest(bad)


def test_objects_spread_over_two_digit_folders() -> None:
    name = _name(b"x")
    assert object_key(name) == f"data/objects/{name[:2]}/{name[2:]}"
