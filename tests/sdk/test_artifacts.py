"""Run artifacts through the service and the SDK's copying on top of it, on local disk and on S3; path
tricks are refused."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tether.errors import Conflict, InvalidInput, NotFound, UnsafePath
from tether.sdk import artifacts
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.service import TrackingService


@pytest.fixture
def service(blob_store: BlobStore, tmp_path: Path) -> Iterator[TrackingService]:
    db = Database(f"sqlite:///{tmp_path / 'a.db'}")
    yield TrackingService(db, blob_store)
    db.dispose()


def make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "a.txt").write_text("alpha")
    (root / "sub" / "b.csv").write_text("x,y\n1,2\n")
    (root / "sub" / "deeper" / "c.bin").write_bytes(os.urandom(2048))


def test_log_list_open_download(service: TrackingService, tmp_path: Path) -> None:
    run = service.create_run().run_id
    source = tmp_path / "src"
    source.mkdir()
    make_tree(source)
    assert artifacts.upload_file(service, run, source / "a.txt") == "a.txt"
    assert artifacts.upload_file(service, run, source / "a.txt", "copies") == "copies/a.txt"
    assert artifacts.upload_dir(service, run, source / "sub", "tree") == ["tree/b.csv", "tree/deeper/c.bin"]
    service.log_artifact_stream(run, io.BytesIO(b"{}"), "meta/info.json")

    root = service.list_artifacts(run)
    assert [(a.path, a.is_dir, a.size) for a in root] == [
        ("a.txt", False, 5),
        ("copies", True, None),
        ("meta", True, None),
        ("tree", True, None),
    ]
    assert [a.path for a in service.list_artifacts(run, "tree")] == ["tree/b.csv", "tree/deeper"]
    with service.open_artifact(run, "tree/b.csv") as stream:
        assert stream.read() == b"x,y\n1,2\n"

    out = tmp_path / "out"
    assert artifacts.download(service, run, "a.txt", out).read_text() == "alpha"
    tree = artifacts.download(service, run, "tree", out)
    assert (tree / "deeper" / "c.bin").read_bytes() == (source / "sub" / "deeper" / "c.bin").read_bytes()
    everything = artifacts.download(service, run, "", tmp_path / "all")
    assert sorted(str(p.relative_to(everything)) for p in everything.rglob("*") if p.is_file()) == [
        "a.txt",
        "copies/a.txt",
        "meta/info.json",
        "tree/b.csv",
        "tree/deeper/c.bin",
    ]


def test_missing_artifacts(service: TrackingService, tmp_path: Path) -> None:
    run = service.create_run().run_id
    assert service.list_artifacts(run) == []
    assert service.list_artifacts(run, "nothing") == []
    with pytest.raises(NotFound), service.open_artifact(run, "nope.txt"):
        pass
    with pytest.raises(NotFound):
        artifacts.download(service, run, "nope.txt", tmp_path)
    service.log_artifact_stream(run, io.BytesIO(b"1"), "dir/f")
    with pytest.raises(InvalidInput, match="is a directory"), service.open_artifact(run, "dir"):
        pass
    with pytest.raises(NotFound):
        service.list_artifacts("f" * 32)


@pytest.mark.parametrize(
    "path",
    [
        "../escape.txt",
        "a/../../b",
        "/etc/passwd",
        "..\\x",
        "%2e%2e/x",
        "a/%252e%252e/b",
        "a\x00b",
        "a?b",
        "C:/x",
    ],
)
def test_path_tricks_are_refused_and_nothing_is_written(
    service: TrackingService, path: str, tmp_path: Path
) -> None:
    run = service.create_run().run_id
    service.log_artifact_stream(run, io.BytesIO(b"safe"), "keep.txt")
    with pytest.raises(UnsafePath):
        service.log_artifact_stream(run, io.BytesIO(b"evil"), path)
    with pytest.raises(UnsafePath):
        service.list_artifacts(run, path)
    with pytest.raises(UnsafePath), service.open_artifact(run, path):
        pass
    with pytest.raises(UnsafePath):
        artifacts.download(service, run, path, tmp_path / "d")
    assert [a.path for a in service.list_artifacts(run)] == ["keep.txt"]


def test_artifact_path_argument_is_checked_too(service: TrackingService, tmp_path: Path) -> None:
    run = service.create_run().run_id
    (tmp_path / "f.txt").write_text("x")
    with pytest.raises(UnsafePath):
        artifacts.upload_file(service, run, tmp_path / "f.txt", "../../outside")
    with pytest.raises(InvalidInput, match="not a file"):
        artifacts.upload_file(service, run, tmp_path / "missing.txt")
    with pytest.raises(InvalidInput, match="not a directory"):
        artifacts.upload_dir(service, run, tmp_path / "f.txt")
    assert service.list_artifacts(run) == []


def test_deleted_run_refuses_artifacts(service: TrackingService, tmp_path: Path) -> None:
    run = service.create_run().run_id
    service.delete_run(run)
    with pytest.raises(Conflict):
        service.log_artifact_stream(run, io.BytesIO(b"x"), "a.txt")


def test_large_file_is_streamed(service: TrackingService, tmp_path: Path) -> None:
    run = service.create_run().run_id
    big = tmp_path / "big.bin"
    with open(big, "wb") as out:
        for _ in range(24):
            out.write(os.urandom(1024 * 1024))
    artifacts.upload_file(service, run, big)
    assert service.list_artifacts(run)[0].size == 24 * 1024 * 1024
    copy = artifacts.download(service, run, "big.bin", tmp_path / "dl")
    assert copy.stat().st_size == big.stat().st_size
    with open(big, "rb") as a, open(copy, "rb") as b:
        assert a.read() == b.read()
