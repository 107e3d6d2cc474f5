"""Uploads and downloads against the embedded DataService: round trips, and only missing objects sent."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from tether.client.local import LocalBackend
from tether.config import Settings
from tether.data.chunks import MAX_CHUNK
from tether.data.manifest import Manifest
from tether.data.service import DataService
from tether.data.transfer import Sent, download, upload
from tether.data.tree import LocalTree, hash_tree, scan
from tether.errors import InvalidInput

MB = 1024 * 1024


@pytest.fixture
def api(tmp_path: Path) -> Iterator[DataService]:
    backend = LocalBackend(Settings.at(tmp_path / "home"))
    yield backend.data
    backend.close()


def _make_tree(root: Path) -> None:
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "big.bin").write_bytes(os.urandom(3 * MB))
    (root / "small.txt").write_bytes(b"small")
    (root / "copy.txt").write_bytes(b"small")
    (root / "zero.bin").write_bytes(b"")
    (root / "sub" / "deeper" / "ünïcode.csv").write_bytes(b"a,b\n1,2\n")
    (root / "sub" / "tool.sh").write_bytes(b"#!/bin/sh\necho hi\n")
    (root / "sub" / "tool.sh").chmod(0o755)
    (root / "empty").mkdir()


def _hashed(root: Path) -> tuple[LocalTree, Manifest]:
    tree = hash_tree(scan(root), None)
    return tree, tree.manifest()


def _snapshot(root: Path) -> dict[str, tuple[bytes | None, int]]:
    """Every file's bytes and mode, and every folder, below ``root``."""
    out: dict[str, tuple[bytes | None, int]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            out[os.path.relpath(os.path.join(folder, name), root)] = (None, 0)
        for name in files:
            path = os.path.join(folder, name)
            out[os.path.relpath(path, root)] = (Path(path).read_bytes(), stat.S_IMODE(os.stat(path).st_mode))
    return out


def test_a_tree_round_trips_through_the_store(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    assert any(entry.kind == "chunked" for entry in manifest.entries)
    sent = upload(api, tree, manifest)
    chunks = len(tree.hashed["big.bin"].chunks)
    assert sent.objects == chunks + 1 + 4 + 1, "chunks, index, distinct small files, manifest"
    assert not api.missing_objects([*manifest.objects(), manifest.digest])
    target = tmp_path / "checkout"
    assert download(api, manifest, target) == manifest.size
    (source / "sub" / "tool.sh").chmod(0o755)
    assert _snapshot(target) == {
        path: (data, 0o755 if path == "sub/tool.sh" else 0o644 if data is not None else 0)
        for path, (data, _) in _snapshot(source).items()
    }
    assert (target / "empty").is_dir() and not any((target / "empty").iterdir())
    assert stat.S_IMODE((target / "sub" / "tool.sh").stat().st_mode) == 0o755
    assert not [p for p in target.rglob(".tether-*")], "no temporary file is left behind"


def test_the_uploaded_manifest_can_be_committed(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    upload(api, tree, manifest)
    commit = api.commit("transfer-test", manifest.digest)
    assert commit.manifest == manifest.digest


def test_a_second_upload_of_the_same_tree_sends_nothing(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    upload(api, tree, manifest)
    seen: list[int] = []
    again, manifest = _hashed(source)
    assert upload(api, again, manifest, progress=seen.append) == Sent(0, 0)
    assert seen == []


def test_an_edit_in_a_large_file_sends_only_the_chunks_it_touched(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    first = upload(api, tree, manifest)
    with open(source / "big.bin", "r+b") as handle:
        handle.seek(3 * MB // 2)
        handle.write(os.urandom(1000))
    tree, edited = _hashed(source)
    assert edited.digest != manifest.digest
    sent = upload(api, tree, edited)
    assert 3 <= sent.objects < 6, "a chunk or two, the new index and the new manifest"
    assert sent.bytes < 4 * MAX_CHUNK
    assert sent.bytes < first.bytes // 5
    target = tmp_path / "checkout"
    download(api, edited, target)
    assert (target / "big.bin").read_bytes() == (source / "big.bin").read_bytes()


def test_downloading_over_an_earlier_checkout_replaces_its_files(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, old = _hashed(source)
    upload(api, tree, old)
    target = tmp_path / "checkout"
    download(api, old, target)
    (source / "small.txt").write_bytes(b"new contents")
    tree, new = _hashed(source)
    upload(api, tree, new)
    download(api, new, target)
    assert (target / "small.txt").read_bytes() == b"new contents"


def test_many_small_files_travel_in_packs(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    source.mkdir()
    for i in range(5000):
        (source / f"f{i:05d}.txt").write_bytes(b"file %d" % i)
    tree, manifest = _hashed(source)
    packs: list[int] = []
    assert upload(api, tree, manifest, progress=packs.append).objects == 5001
    assert len(packs) == 3, "progress is told once per pack: two of files, then the manifest alone"
    download(api, manifest, tmp_path / "checkout")
    assert (tmp_path / "checkout" / "f04999.txt").read_bytes() == b"file 4999"


def test_a_file_read_again_that_changed_after_hashing_is_refused(tmp_path: Path, api: DataService) -> None:
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    (source / "big.bin").write_bytes(os.urandom(3 * MB))
    with pytest.raises(InvalidInput, match=r"big\.bin changed while it was being added"):
        upload(api, tree, manifest)
    tree, manifest = _hashed(source)
    tree.held.clear()  # as for a small file hashed by an earlier scan: the upload reads it again
    (source / "sub" / "tool.sh").write_bytes(b"other")
    with pytest.raises(InvalidInput, match=r"tool\.sh"):
        upload(api, tree, manifest)


def test_a_small_file_is_stored_as_it_was_hashed_even_if_it_changed_since(
    tmp_path: Path, api: DataService
) -> None:
    """The hash pass keeps small files' bytes, so the commit is the tree as hashed, never a mixture."""
    source = tmp_path / "source"
    _make_tree(source)
    tree, manifest = _hashed(source)
    assert set(tree.held) == {"small.txt", "copy.txt", "zero.bin", "sub/deeper/ünïcode.csv", "sub/tool.sh"}
    (source / "sub" / "tool.sh").write_bytes(b"other")
    upload(api, tree, manifest)
    download(api, manifest, tmp_path / "checkout")
    assert (tmp_path / "checkout" / "sub" / "tool.sh").read_bytes() == b"#!/bin/sh\necho hi\n"
    assert tree.held == {}, "the upload lets go of the bytes it sent"


def test_a_file_with_a_long_non_ascii_name_round_trips(tmp_path: Path, api: DataService) -> None:
    name = "日" * 80  # 240 bytes in UTF-8: a valid file name on Linux
    source = tmp_path / "source"
    source.mkdir()
    (source / name).write_bytes(b"x")
    tree, manifest = _hashed(source)
    upload(api, tree, manifest)
    download(api, manifest, tmp_path / "checkout")
    assert (tmp_path / "checkout" / name).read_bytes() == b"x"
