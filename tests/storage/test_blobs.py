"""The blob store on local disk and on an S3 server (moto)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from tether.errors import NotFound, StorageError
from tether.storage.blobs import CHUNK_SIZE, BlobStore


def test_put_get_round_trip(blob_store: BlobStore, tmp_path: Path) -> None:
    source = tmp_path / "in.bin"
    payload = os.urandom(3 * CHUNK_SIZE + 17)
    source.write_bytes(payload)
    blob_store.put_file(source, "runs/r1/artifacts/data/in.bin")
    out = tmp_path / "out.bin"
    blob_store.get_file("runs/r1/artifacts/data/in.bin", out)
    assert out.read_bytes() == payload
    with blob_store.open("runs/r1/artifacts/data/in.bin") as stream:
        assert stream.read(5) == payload[:5]


def test_put_stream_counts_bytes(blob_store: BlobStore) -> None:
    written = blob_store.put_stream(io.BytesIO(b"x" * 1000), "a/b.txt")
    assert written == 1000
    assert blob_store.exists("a/b.txt")
    assert not blob_store.is_dir("a/b.txt")
    assert blob_store.is_dir("a")


def test_listing_is_sorted_with_sizes_and_dirs(blob_store: BlobStore) -> None:
    blob_store.put_bytes(b"12345", "root/b.txt")
    blob_store.put_bytes(b"1", "root/a.txt")
    blob_store.put_bytes(b"xyz", "root/sub/c.txt")
    top = blob_store.list("root")
    assert [(e.path, e.size, e.is_dir) for e in top] == [
        ("a.txt", 1, False),
        ("b.txt", 5, False),
        ("sub", None, True),
    ]
    deep = blob_store.list("root", recursive=True)
    assert [e.path for e in deep if not e.is_dir] == ["a.txt", "b.txt", "sub/c.txt"]


def test_missing_things(blob_store: BlobStore, tmp_path: Path) -> None:
    assert blob_store.list("nothing/here") == []
    assert not blob_store.exists("nothing")
    with pytest.raises(NotFound), blob_store.open("nothing.txt"):
        pass
    with pytest.raises(NotFound):
        blob_store.get_file("nothing.txt", tmp_path / "x")


def test_delete_prefix(blob_store: BlobStore) -> None:
    blob_store.put_bytes(b"1", "gone/a")
    blob_store.put_bytes(b"2", "kept/a")
    blob_store.delete_prefix("gone")
    blob_store.delete_prefix("never-existed")
    assert not blob_store.exists("gone/a")
    assert blob_store.exists("kept/a")


def test_overwrite_replaces_content(blob_store: BlobStore) -> None:
    blob_store.put_bytes(b"old", "f.txt")
    blob_store.put_bytes(b"new!", "f.txt")
    with blob_store.open("f.txt") as stream:
        assert stream.read() == b"new!"


def test_local_write_is_atomic_on_failure(tmp_path: Path) -> None:
    store = BlobStore(str(tmp_path / "blobs"))
    store.put_bytes(b"good", "f.txt")

    class Broken(io.RawIOBase):
        def __init__(self) -> None:
            self.calls = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls > 2:
                raise OSError("disk went away")
            return b"partial"

    with pytest.raises(StorageError):
        store.put_stream(Broken(), "f.txt")  # type: ignore[arg-type]
    with store.open("f.txt") as stream:
        assert stream.read() == b"good"
    assert [e.path for e in store.list("")] == ["f.txt"]


def test_unreachable_s3_is_a_storage_error() -> None:
    store = BlobStore(
        "s3://bucket/prefix",
        {
            "key": "k",
            "secret": "s",
            "client_kwargs": {"endpoint_url": "http://127.0.0.1:9", "region_name": "eu-west-1"},
            "config_kwargs": {"retries": {"max_attempts": 1}, "connect_timeout": 1},
        },
    )
    with pytest.raises(StorageError):
        store.put_bytes(b"x", "a.txt")
