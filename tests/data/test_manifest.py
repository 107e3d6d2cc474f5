"""Manifests: canonical bytes for one tree, and every path and entry checked when one is read."""

from __future__ import annotations

import json
import random

import pytest
from blake3 import blake3

from tether.data.chunks import digest
from tether.data.manifest import Entry, Manifest, check_path, decode_manifest
from tether.errors import InvalidData

A = digest(b"a")
B = digest(b"b")


def _entries() -> list[Entry]:
    return [
        Entry("z.txt", "file", A, 1),
        Entry("a/b/c.bin", "chunked", B, 10_000_000, 0o755),
        Entry("a-b", "file", A, 1),
        Entry("empty/folder", "dir", "", 0),
        Entry("a/a.txt", "file", B, 1),
        Entry("B.txt", "file", A, 1),
    ]


def _raw(entries: list[list[object]], format: object = 1) -> bytes:
    return json.dumps({"format": format, "entries": entries}).encode()


def test_entries_are_in_path_order_whatever_the_input_order() -> None:
    entries = _entries()
    first = Manifest.of(entries)
    assert [e.path for e in first.entries] == sorted(e.path for e in entries)
    for seed in range(5):
        shuffled = entries[:]
        random.Random(seed).shuffle(shuffled)
        again = Manifest.of(shuffled)
        assert again == first
        assert again.encode() == first.encode()
        assert again.digest == first.digest


def test_the_digest_is_the_blake3_of_the_canonical_json() -> None:
    manifest = Manifest.of([Entry("x", "file", A, 1)])
    assert manifest.encode() == f'{{"format":1,"entries":[["x","file","{A}",1,420]]}}'.encode()
    assert manifest.digest == blake3(manifest.encode()).hexdigest()


def test_the_encoding_never_changes_for_any_path() -> None:
    """A manifest's name is the hash of these bytes: any change would give a stored tree a second name.
    Pinned to ``json.dumps`` without spaces and without escaping non-ASCII, for every kind of character
    a path may hold (controls, quotes, backslash-free punctuation, the line separators, astral planes)."""
    odd = "".join(chr(code) for code in (*range(1, 128), 0x7F, 0x85, 0xA0, 0x2028, 0x2029, 0xFEFF, 0x1F600))
    usable = odd.replace("/", "").replace("\\", "")  # the two a path may not hold inside a name
    entries = [Entry(f"{i:03d}-{usable[i : i + 9]}", "file", A, 2**40 + i) for i in range(len(usable))]
    manifest = Manifest.of(entries)
    rows = [[e.path, e.kind, e.digest, e.size, e.mode] for e in manifest.entries]
    expected = json.dumps({"format": 1, "entries": rows}, ensure_ascii=False, separators=(",", ":")).encode()
    assert manifest.encode() == expected
    assert decode_manifest(expected) == manifest


def test_different_trees_have_different_digests() -> None:
    one = Manifest.of([Entry("x", "file", A, 1)])
    assert one.digest != Manifest.of([Entry("x", "file", B, 1)]).digest
    assert one.digest != Manifest.of([Entry("x", "file", A, 1, 0o755)]).digest
    assert one.digest != Manifest.of([Entry("y", "file", A, 1)]).digest


def test_files_size_and_objects() -> None:
    manifest = Manifest.of(_entries())
    assert [e.path for e in manifest.files] == ["B.txt", "a-b", "a/a.txt", "a/b/c.bin", "z.txt"]
    assert manifest.size == 10_000_004
    assert manifest.objects() == [A, B]
    assert Manifest.of([]).objects() == []


@pytest.mark.parametrize(
    "path",
    [
        "",
        "/abs",
        "/",
        "..",
        "../up",
        "a/../b",
        "a/..",
        ".",
        "./a",
        "a/./b",
        "a//b",
        "a/",
        "a\\b",
        "a\x00b",
        "x" * 4097,
    ],
)
def test_unusable_paths_are_refused(path: str) -> None:
    with pytest.raises(InvalidData):
        check_path(path)
    with pytest.raises(InvalidData):
        Manifest.of([Entry(path, "file", A, 1)])


@pytest.mark.parametrize("path", ["a", "a/b/c.txt", ".hidden", "a..b", "...", "x" * 4096, "with space/f"])
def test_usable_paths_are_accepted(path: str) -> None:
    assert check_path(path) == path


def test_the_same_path_twice_is_refused() -> None:
    with pytest.raises(InvalidData, match="twice"):
        Manifest.of([Entry("a/x", "file", A, 1), Entry("b", "file", A, 1), Entry("a/x", "file", B, 2)])
    with pytest.raises(InvalidData, match="twice"):
        Manifest.of([Entry("d", "dir", "", 0), Entry("d", "file", A, 1)])


def test_unicode_paths_round_trip() -> None:
    manifest = Manifest.of(
        [
            Entry("données/ß.csv", "file", A, 3),
            Entry("日本.txt", "file", B, 4),
            Entry("emoji/🙂", "dir", "", 0),
        ]
    )
    encoded = manifest.encode()
    assert "日本.txt".encode() in encoded
    decoded = decode_manifest(encoded)
    assert decoded == manifest
    assert decoded.digest == manifest.digest


def test_a_manifest_round_trips() -> None:
    manifest = Manifest.of(_entries())
    assert decode_manifest(manifest.encode()) == manifest
    assert decode_manifest(Manifest.of([]).encode()) == Manifest(())


def test_decode_refuses_unsorted_entries() -> None:
    rows = [["b", "file", A, 1, 0o644], ["a", "file", A, 1, 0o644]]
    with pytest.raises(InvalidData, match="sorted"):
        decode_manifest(_raw(rows))


@pytest.mark.parametrize(
    "row",
    [
        ["a", "link", A, 1, 0o644],
        ["a", "file", A.upper(), 1, 0o644],
        ["a", "file", A[:-1], 1, 0o644],
        ["a", "file", A + "0", 1, 0o644],
        ["a", "file", "", 1, 0o644],
        ["a", "file", "g" * 64, 1, 0o644],
        ["a", "file", A, 1, 0o777],
        ["a", "file", A, 1, 0o600],
        ["a", "file", A, -1, 0o644],
        ["a", "dir", A, 0, 0o644],
        ["a", "dir", "", 5, 0o644],
        ["../a", "file", A, 1, 0o644],
        ["a", "file", A, "many", 0o644],
        ["a", "file", A, 1],
    ],
    ids=[
        "kind",
        "upper-digest",
        "short-digest",
        "long-digest",
        "no-digest",
        "not-hex",
        "mode-777",
        "mode-600",
        "negative-size",
        "dir-with-digest",
        "dir-with-size",
        "climbs",
        "size-text",
        "short-row",
    ],
)
def test_decode_refuses_a_bad_entry(row: list[object]) -> None:
    with pytest.raises(InvalidData):
        decode_manifest(_raw([row]))


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not json",
        b"[]",
        b"null",
        b'{"entries": []}',
        _raw([], format=2),
        b'{"format": 1}',
        b'{"format": 1, "entries": 5}',
        "é".encode("latin-1"),
    ],
    ids=["empty", "text", "list", "null", "no-format", "format-2", "no-entries", "entries-number", "latin-1"],
)
def test_decode_refuses_what_is_not_a_manifest(data: bytes) -> None:
    with pytest.raises(InvalidData):
        decode_manifest(data)


@pytest.mark.parametrize(
    "entries",
    [
        [Entry("a", "file", A, 1), Entry("a/b", "file", B, 1)],
        [Entry("a", "file", A, 1), Entry("a/b", "dir", "", 0)],
        [Entry("a", "dir", "", 0), Entry("a/b/c", "file", B, 1)],
    ],
    ids=["file-and-file-inside", "file-and-folder-inside", "empty-folder-with-a-file"],
)
def test_a_path_that_is_both_a_file_and_a_folder_is_refused(entries: list[Entry]) -> None:
    """No folder can hold such a tree: checking it out fails part-way with an OSError."""
    with pytest.raises(InvalidData):
        Manifest.of(entries)
