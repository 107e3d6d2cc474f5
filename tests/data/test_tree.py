"""Scanning a folder into a tree, and hashing it with the stat cache so an unchanged file is not read."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from blake3 import blake3

from tether.data.chunks import MAX_CHUNK, hash_file
from tether.data.manifest import Entry
from tether.data.statcache import StatCache
from tether.data.tree import hash_tree, scan
from tether.errors import InvalidInput, NotFound


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[StatCache]:
    cache = StatCache(tmp_path / "cache")
    yield cache
    cache.close()


def _name(data: bytes) -> str:
    return blake3(data).hexdigest()


def _tree(root: Path) -> dict[str, bytes]:
    """A folder with nested folders, an empty folder, unicode names, an empty file and a large file."""
    files = {
        "top.txt": b"top",
        "a/b/c/deep.txt": b"deep",
        "a/b/sibling.txt": b"sibling",
        "données/ß.csv": "x,y\n1,ü\n".encode(),
        "日本.txt": "こんにちは".encode(),
        "zero.bin": b"",
        "big/large.bin": os.urandom(3 * MAX_CHUNK + 5),
    }
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    (root / "empty" / "nested").mkdir(parents=True)
    (root / "run.sh").write_bytes(b"#!/bin/sh\n")
    (root / "run.sh").chmod(0o755)
    files["run.sh"] = b"#!/bin/sh\n"
    return files


def test_scan_finds_every_file_and_empty_folder(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    files = _tree(root)
    tree = scan(root)
    assert tree.root == root.absolute()
    assert [f.path for f in tree.files] == sorted(files)
    assert tree.empty_dirs == ["empty/nested"]
    assert tree.size == sum(len(data) for data in files.values())
    by_path = {f.path: f for f in tree.files}
    assert by_path["run.sh"].mode == 0o755
    assert by_path["top.txt"].mode == 0o644
    assert by_path["a/b/c/deep.txt"].absolute == str(root.absolute() / "a/b/c/deep.txt")


def test_the_manifest_of_a_hashed_tree(tmp_path: Path, cache: StatCache) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    files = _tree(root)
    manifest = hash_tree(scan(root), cache).manifest()
    entries = {entry.path: entry for entry in manifest.entries}
    assert set(entries) == {*files, "empty/nested"}
    assert entries["empty/nested"] == Entry("empty/nested", "dir", "", 0)
    assert entries["run.sh"].mode == 0o755
    assert entries["top.txt"].mode == 0o644
    assert entries["zero.bin"] == Entry("zero.bin", "file", _name(b""), 0)
    assert entries["日本.txt"] == Entry("日本.txt", "file", _name(files["日本.txt"]), len(files["日本.txt"]))
    assert entries["données/ß.csv"].digest == _name(files["données/ß.csv"])
    large = hash_file(root / "big/large.bin")
    assert entries["big/large.bin"] == Entry("big/large.bin", "chunked", large.digest, large.size)


def test_an_empty_root_is_an_empty_tree(tmp_path: Path) -> None:
    tree = hash_tree(scan(tmp_path), None)
    assert tree.files == [] and tree.empty_dirs == []
    assert tree.manifest().entries == ()


@pytest.mark.parametrize("where", ["link", "sub/link", "sub/deeper/link"])
@pytest.mark.parametrize("points_at", ["file", "folder", "nothing"])
def test_a_symbolic_link_anywhere_is_refused_by_name(tmp_path: Path, where: str, points_at: str) -> None:
    root = tmp_path / "tree"
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "file.txt").write_bytes(b"x")
    link = root / where
    link.symlink_to(
        {"file": root / "sub/file.txt", "folder": tmp_path, "nothing": tmp_path / "gone"}[points_at]
    )
    with pytest.raises(InvalidInput, match="symbolic link") as raised:
        scan(root)
    assert str(link) in str(raised.value)


def test_a_socket_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "t"
    root.mkdir()
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(root / "s"))
        with pytest.raises(InvalidInput, match="not a regular file"):
            scan(root)
    finally:
        server.close()


def test_a_path_that_is_not_a_folder_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFound):
        scan(tmp_path / "missing")
    (tmp_path / "file.txt").write_bytes(b"x")
    with pytest.raises(NotFound):
        scan(tmp_path / "file.txt")


def test_a_file_name_no_dataset_can_hold_is_refused(tmp_path: Path) -> None:
    (tmp_path / "back\\slash.txt").write_bytes(b"x")
    with pytest.raises(InvalidInput, match="slash"):
        scan(tmp_path)


def test_an_unchanged_tree_is_not_read_again(tmp_path: Path, cache: StatCache) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    files = _tree(root)
    first = hash_tree(scan(root), cache)
    assert set(first.hashed) == set(files)
    second = hash_tree(scan(root), cache)
    assert second.hashed == {}
    assert second.digests == first.digests
    assert second.manifest() == first.manifest()


def test_only_a_modified_file_is_hashed_again(tmp_path: Path, cache: StatCache) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _tree(root)
    first = hash_tree(scan(root), cache)
    (root / "a/b/sibling.txt").write_bytes(b"changed")
    second = hash_tree(scan(root), cache)
    assert set(second.hashed) == {"a/b/sibling.txt"}
    assert second.digests["a/b/sibling.txt"] == (_name(b"changed"), False)
    assert {p: d for p, d in second.digests.items() if p != "a/b/sibling.txt"} == {
        p: d for p, d in first.digests.items() if p != "a/b/sibling.txt"
    }
    assert hash_tree(scan(root), cache).hashed == {}


def test_a_modified_large_file_is_hashed_again(tmp_path: Path, cache: StatCache) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _tree(root)
    first = hash_tree(scan(root), cache)
    with open(root / "big/large.bin", "r+b") as handle:
        handle.seek(MAX_CHUNK)
        handle.write(b"edited")
    second = hash_tree(scan(root), cache)
    assert set(second.hashed) == {"big/large.bin"}
    assert second.digests["big/large.bin"] == (hash_file(root / "big/large.bin").digest, True)
    assert second.digests["big/large.bin"] != first.digests["big/large.bin"]


def test_a_new_modification_time_means_a_new_hash(tmp_path: Path, cache: StatCache) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    _tree(root)
    hash_tree(scan(root), cache)
    info = (root / "top.txt").stat()
    os.utime(root / "top.txt", ns=(info.st_atime_ns, info.st_mtime_ns - 5_000_000_000))
    assert set(hash_tree(scan(root), cache).hashed) == {"top.txt"}
    assert hash_tree(scan(root), cache).hashed == {}


def test_a_file_replaced_by_another_is_hashed_again(tmp_path: Path, cache: StatCache) -> None:
    """A rename over the file gives it a new inode, even when size and times are restored."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "f.txt").write_bytes(b"aaaa")
    hash_tree(scan(root), cache)
    info = (root / "f.txt").stat()
    (tmp_path / "other").write_bytes(b"bbbb")
    os.utime(tmp_path / "other", ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(tmp_path / "other", root / "f.txt")
    again = hash_tree(scan(root), cache)
    assert again.digests["f.txt"] == (_name(b"bbbb"), False)


def test_the_cache_of_one_folder_is_not_used_for_a_sibling_with_a_longer_name(
    tmp_path: Path, cache: StatCache
) -> None:
    for name in ("data", "data-2", "data0"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f.txt").write_bytes(name.encode())
        hash_tree(scan(tmp_path / name), cache)
    assert set(cache.under(tmp_path / "data")) == {str(tmp_path / "data" / "f.txt")}
    assert hash_tree(scan(tmp_path / "data-2"), cache).hashed == {}


def test_hashing_without_a_cache_reads_everything_and_reports_progress(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    files = _tree(root)
    seen: list[int] = []
    tree = hash_tree(scan(root), None, workers=2, progress=seen.append)
    assert set(tree.hashed) == set(files)
    assert sum(seen) == sum(len(data) for data in files.values()), "told of every byte, once"
    assert all(seen)
    assert set(hash_tree(scan(root), None).hashed) == set(files)


def test_a_small_file_that_grew_after_the_scan_is_hashed_as_it_is_now(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    root.mkdir()
    (root / "log.txt").write_bytes(b"short")
    tree = scan(root)
    (root / "log.txt").write_bytes(os.urandom(MAX_CHUNK * 3))
    hashed = hash_tree(tree, None).hashed["log.txt"]
    assert hashed == hash_file(root / "log.txt") and hashed.chunked
    assert tree.held == {}, "the bytes of a chunked file are never kept"
