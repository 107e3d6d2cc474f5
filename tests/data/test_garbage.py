"""Garbage collection: what a commit reaches stays, old unreachable objects go, recent ones wait."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tether.data.chunks import MAX_CHUNK, digest, hash_bytes
from tether.data.garbage import collect, reachable
from tether.data.manifest import Entry, Manifest
from tether.data.objects import ObjectStore
from tether.errors import InvalidData
from tether.storage.blobs import BlobStore


@pytest.fixture
def objects(tmp_path: Path) -> ObjectStore:
    return ObjectStore(BlobStore(str(tmp_path / "blobs")))


def _put(objects: ObjectStore, data: bytes) -> str:
    name = digest(data)
    objects.put(name, data)
    return name


def _age(objects: ObjectStore, seconds: float) -> None:
    """Make every stored object look ``seconds`` old."""
    then = time.time() - seconds
    for folder, _, files in os.walk(objects.blobs.root):
        for name in files:
            os.utime(os.path.join(folder, name), (then, then))


def _store_tree(objects: ObjectStore, files: dict[str, bytes]) -> str:
    entries = []
    for path, data in files.items():
        hashed = hash_bytes(data)
        if hashed.chunked:
            for chunk in hashed.chunks:
                objects.put(chunk.digest, data[chunk.offset : chunk.offset + chunk.size])
            objects.put(hashed.digest, hashed.index)
            entries.append(Entry(path, "chunked", hashed.digest, len(data)))
        else:
            entries.append(Entry(path, "file", _put(objects, data), len(data)))
    return _put(objects, Manifest.of(entries).encode())


def test_reachable_holds_manifests_files_indexes_and_chunks(objects: ObjectStore) -> None:
    large = os.urandom(3 * MAX_CHUNK)
    manifest = _store_tree(objects, {"a.txt": b"a", "large.bin": large})
    hashed = hash_bytes(large)
    expected = {"c" * 64, manifest, digest(b"a"), hashed.digest, *(c.digest for c in hashed.chunks)}
    assert reachable(objects, [manifest], ["c" * 64]) == expected
    assert expected == {stored.digest for stored in objects.listing()} | {"c" * 64}


def test_collect_deletes_only_old_unreachable_objects(objects: ObjectStore) -> None:
    manifest = _store_tree(objects, {"a.txt": b"a", "large.bin": os.urandom(3 * MAX_CHUNK)})
    old = _store_tree(objects, {"gone.txt": b"gone", "other.bin": os.urandom(2 * MAX_CHUNK)})
    kept = {stored.digest for stored in objects.listing()} - reachable(objects, [old], [])
    _age(objects, 7200)
    fresh = _put(objects, b"uploaded just now")
    dry = collect(objects, [manifest], [], dry_run=True, grace_s=3600)
    assert dry.dry_run and dry.kept_recent == 1 and dry.deleted >= 4
    report = collect(objects, [manifest], [], dry_run=False, grace_s=3600)
    assert (report.deleted, report.deleted_bytes, report.kept_recent) == (dry.deleted, dry.deleted_bytes, 1)
    assert {stored.digest for stored in objects.listing()} == kept | {fresh}
    assert collect(objects, [manifest], [], dry_run=False, grace_s=3600).deleted == 0


def test_a_damaged_manifest_stops_collection_before_any_delete(objects: ObjectStore) -> None:
    _put(objects, b"unreachable")
    bad = _put(objects, b"not a manifest")
    _age(objects, 7200)
    with pytest.raises(InvalidData):
        collect(objects, [bad], [], dry_run=False, grace_s=0)
    assert len(list(objects.listing())) == 2


def test_chunks_stay_when_a_plain_file_holds_the_same_bytes_as_an_index(objects: ObjectStore) -> None:
    """A folder may hold a copy of an index object (a backup of a store, say) next to the large file."""
    large = os.urandom(3 * MAX_CHUNK)
    hashed = hash_bytes(large)
    manifest = _store_tree(objects, {"a-copy-of-the-index": hashed.index, "large.bin": large})
    assert {c.digest for c in hashed.chunks} <= reachable(objects, [manifest], [])
