"""The blob store on local disk and on an S3 server (moto)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from tests.support import s3_options

from tether.errors import Conflict, NotFound, StorageError, UnsafeLink
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


# --- symbolic links inside a local store are refused, never followed ------------------------------------


@pytest.fixture
def local(tmp_path: Path) -> BlobStore:
    store = BlobStore(str(tmp_path / "blobs"))
    store.put_bytes(b"mine", "runs/r/artifacts/own.txt")
    return store


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A folder beside the store holding a secret that no key may reach."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.txt").write_text("top secret")
    return folder


def artifacts_dir(store: BlobStore) -> Path:
    return Path(store.root) / "runs" / "r" / "artifacts"


def test_a_linked_file_is_not_read(
    local: BlobStore, outside: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (artifacts_dir(local) / "passwd").symlink_to(outside / "secret.txt")
    key = "runs/r/artifacts/passwd"
    with pytest.raises(UnsafeLink, match="symbolic link"), local.open(key):
        pass
    for call in (local.info, local.exists, local.is_dir):
        with pytest.raises(UnsafeLink):
            call(key)
    with pytest.raises(UnsafeLink):
        local.get_file(key, tmp_path / "copy")
    assert not (tmp_path / "copy").exists() or (tmp_path / "copy").read_bytes() == b""
    assert any(key in record.getMessage() and record.levelname == "WARNING" for record in caplog.records)


def test_a_linked_folder_is_not_entered(local: BlobStore, outside: Path) -> None:
    (artifacts_dir(local) / "data").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeLink), local.open("runs/r/artifacts/data/secret.txt"):
        pass
    with pytest.raises(UnsafeLink):
        local.put_bytes(b"evil", "runs/r/artifacts/data/planted.txt")
    with pytest.raises(UnsafeLink):
        local.list("runs/r/artifacts/data")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_a_link_higher_up_the_key_is_refused_too(local: BlobStore, outside: Path) -> None:
    runs = Path(local.root) / "runs"
    (runs / "elsewhere").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeLink, match="'runs/elsewhere' is a symbolic link"):
        local.put_bytes(b"x", "runs/elsewhere/artifacts/a.txt")
    with pytest.raises(UnsafeLink):
        local.delete_prefix("runs/elsewhere/artifacts")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_writing_onto_a_link_replaces_nothing_outside(local: BlobStore, outside: Path) -> None:
    (artifacts_dir(local) / "model.bin").symlink_to(outside / "secret.txt")
    with pytest.raises(UnsafeLink):
        local.put_bytes(b"overwritten", "runs/r/artifacts/model.bin")
    assert (outside / "secret.txt").read_text() == "top secret"
    assert (artifacts_dir(local) / "model.bin").is_symlink()
    assert [p.name for p in artifacts_dir(local).iterdir() if p.name.startswith(".")] == []


def test_listings_leave_links_out(local: BlobStore, outside: Path, caplog: pytest.LogCaptureFixture) -> None:
    folder = artifacts_dir(local)
    (folder / "passwd").symlink_to(outside / "secret.txt")
    (folder / "dir-link").symlink_to(outside, target_is_directory=True)
    (folder / "broken").symlink_to(folder / "nowhere")
    os.mkfifo(folder / "pipe")
    local.put_bytes(b"12", "runs/r/artifacts/sub/two.txt")
    assert [(e.path, e.size, e.is_dir) for e in local.list("runs/r/artifacts")] == [
        ("own.txt", 4, False),
        ("sub", None, True),
    ]
    assert [e.path for e in local.list("runs/r/artifacts", recursive=True)] == ["own.txt", "sub/two.txt"]
    skipped = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert any("runs/r/artifacts/passwd" in message for message in skipped)


def test_deleting_removes_links_but_not_what_they_point_to(local: BlobStore, outside: Path) -> None:
    (artifacts_dir(local) / "passwd").symlink_to(outside / "secret.txt")
    (artifacts_dir(local) / "dir-link").symlink_to(outside, target_is_directory=True)
    local.delete_prefix("runs/r")
    assert not (Path(local.root) / "runs" / "r").exists()
    assert (outside / "secret.txt").read_text() == "top secret"


def test_a_link_swapped_in_after_a_first_write_is_refused(local: BlobStore, outside: Path) -> None:
    folder = artifacts_dir(local) / "checkpoints"
    local.put_bytes(b"1", "runs/r/artifacts/checkpoints/a.bin")
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeLink):
        local.put_bytes(b"2", "runs/r/artifacts/checkpoints/a.bin")
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]


def test_the_root_itself_may_be_a_link(tmp_path: Path) -> None:
    (tmp_path / "disk").mkdir()
    (tmp_path / "blobs").symlink_to(tmp_path / "disk", target_is_directory=True)
    store = BlobStore(str(tmp_path / "blobs"))
    store.put_bytes(b"ok", "a/b.txt")
    assert (tmp_path / "disk" / "a" / "b.txt").read_bytes() == b"ok"


# --- names and folders ------------------------------------------------------------------------------------


def test_a_name_of_255_bytes_is_stored(blob_store: BlobStore) -> None:
    for name in ("n" * 255, "模" * 85):
        blob_store.put_bytes(b"long", f"runs/r/{name}")
        assert blob_store.info(f"runs/r/{name}").size == 4
    assert sorted(e.path for e in blob_store.list("runs/r")) == sorted(["n" * 255, "模" * 85])


def test_a_file_where_a_folder_is_needed_is_a_conflict(local: BlobStore) -> None:
    local.put_bytes(b"file", "runs/r/artifacts/a")
    with pytest.raises(Conflict, match="is a file"):
        local.put_bytes(b"below", "runs/r/artifacts/a/b.txt")
    local.put_bytes(b"below", "runs/r/artifacts/d/b.txt")
    with pytest.raises(Conflict, match="a folder of that name"):
        local.put_bytes(b"over", "runs/r/artifacts/d")
    with local.open("runs/r/artifacts/a") as stream:
        assert stream.read() == b"file"
    assert local.list("runs/r/artifacts/a") == []


def test_a_failed_write_leaves_no_temporary_file(local: BlobStore) -> None:
    class Failing(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            raise OSError("the client went away")

    with pytest.raises(StorageError):
        local.put_stream(Failing(), "runs/r/artifacts/half.bin")  # type: ignore[arg-type]
    assert sorted(p.name for p in artifacts_dir(local).iterdir()) == ["own.txt"]


def test_a_failed_s3_upload_stores_nothing(s3_bucket_url: str, s3_server: str) -> None:
    store = BlobStore(s3_bucket_url, s3_options(s3_server))

    class Failing(io.RawIOBase):
        sent = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            if self.sent > 12 * CHUNK_SIZE:  # past s3fs's 5 MiB part size: a multipart upload is open
                raise OSError("the client went away")
            buffer[:] = b"x" * len(buffer)
            self.sent += len(buffer)
            return len(buffer)

    with pytest.raises(StorageError):
        store.put_stream(Failing(), "runs/r/big.bin")  # type: ignore[arg-type]
    assert not store.exists("runs/r/big.bin")
    assert store.list("runs/r") == []


def test_put_new_stores_only_what_is_absent_and_leaves_the_rest_alone(blob_store: BlobStore) -> None:
    blob_store.put_bytes(b"already", "objects/ab/one")
    files = [("ab/one", b"other bytes"), ("ab/two", b"2"), ("cd/three", b"3"), ("top", b"t")]
    assert blob_store.put_new("objects", files) == 3
    with blob_store.open("objects/ab/one") as stream:
        assert stream.read() == b"already", "a name already there is never overwritten"
    with blob_store.open("objects/cd/three") as stream:
        assert stream.read() == b"3"
    assert blob_store.put_new("objects", files) == 0
    assert sorted(entry.path for entry in blob_store.list("objects", recursive=True)) == [
        "ab/one",
        "ab/two",
        "cd/three",
        "top",
    ]


def test_put_new_refuses_a_link_and_writes_nothing_through_it(local: BlobStore, outside: Path) -> None:
    folder = Path(local.root) / "objects"
    folder.mkdir()
    (folder / "ab").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeLink):
        local.put_new("objects", [("ab/planted", b"x")])
    (folder / "cd").mkdir()
    (folder / "cd" / "name").symlink_to(outside / "secret.txt")
    with pytest.raises(UnsafeLink):
        local.put_new("objects", [("cd/name", b"x")])
    assert sorted(p.name for p in outside.iterdir()) == ["secret.txt"]
    assert (outside / "secret.txt").read_text() == "top secret"


def test_put_new_over_a_folder_is_a_conflict(local: BlobStore) -> None:
    local.put_bytes(b"below", "objects/ab/cd/x")
    with pytest.raises(Conflict, match="not a file"):
        local.put_new("objects", [("ab/cd", b"x")])
