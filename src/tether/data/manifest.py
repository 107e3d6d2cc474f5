"""Manifests: the sorted list of what a dataset version holds, itself stored as an object.

A manifest is canonical JSON, ``{"format": 1, "entries": [[path, kind, digest, size, mode], ...]}`` with
the entries sorted by path, so one tree always makes the same bytes and therefore the same hash. ``kind``
is ``file`` (one object), ``chunked`` (an index object naming the chunks) or ``dir`` (an empty folder, kept
so a checkout restores it). Paths are relative, ``/``-separated and never climb out of the tree: every
manifest is checked when it is read, since a manifest sent to a server is user input.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import orjson

from tether.data.chunks import DIGEST_LENGTH, digest
from tether.errors import InvalidData

EntryKind = Literal["file", "chunked", "dir"]
FORMAT = 1
MAX_PATH = 4096
_KINDS = ("file", "chunked", "dir")
_HEX = frozenset("0123456789abcdef")


@dataclass(frozen=True, slots=True)
class Entry:
    """One file (or empty folder) of a tree: where it lies, what it holds, how big and whether executable."""

    path: str
    kind: EntryKind
    digest: str
    size: int
    mode: int = 0o644

    @property
    def is_dir(self) -> bool:
        return self.kind == "dir"


@dataclass(frozen=True)
class Manifest:
    entries: tuple[Entry, ...]

    @classmethod
    def of(cls, entries: Iterable[Entry]) -> Manifest:
        """A manifest of ``entries`` in canonical order; InvalidData for a bad path or one given twice."""
        ordered = tuple(sorted(entries, key=lambda entry: entry.path))
        for before, entry in zip((None, *ordered), ordered, strict=False):
            check_entry(entry)
            if before is not None and before.path == entry.path:
                raise InvalidData(f"the path {entry.path!r} is in the manifest twice")
        _check_no_entry_holds_another(ordered)
        return cls(ordered)

    def encode(self) -> bytes:
        return self._encoded

    @cached_property
    def _encoded(self) -> bytes:
        """Compact UTF-8 JSON (what ``json.dumps`` with ``ensure_ascii=False`` and no spaces writes, byte
        for byte), made once: a manifest of 100,000 entries is several megabytes."""
        rows = [[e.path, e.kind, e.digest, e.size, e.mode] for e in self.entries]
        return orjson.dumps({"format": FORMAT, "entries": rows})

    @cached_property
    def digest(self) -> str:
        return digest(self._encoded)

    @property
    def files(self) -> list[Entry]:
        return [entry for entry in self.entries if not entry.is_dir]

    @property
    def size(self) -> int:
        return sum(entry.size for entry in self.entries)

    def objects(self) -> list[str]:
        """The objects the entries name directly (a chunked file's index, not its chunks)."""
        return list(dict.fromkeys(entry.digest for entry in self.entries if not entry.is_dir))


@dataclass(frozen=True)
class Comparison:
    """Which paths two trees do not share, and which they hold with different content, mode or kind."""

    added: list[str]
    removed: list[str]
    modified: list[str]
    unchanged: int


def compare(old: Manifest, new: Manifest) -> Comparison:
    was = {entry.path: entry for entry in old.entries}
    now = {entry.path: entry for entry in new.entries}
    common = sorted(was.keys() & now.keys())
    modified = [p for p in common if _key(was[p]) != _key(now[p])]
    return Comparison(
        added=sorted(now.keys() - was.keys()),
        removed=sorted(was.keys() - now.keys()),
        modified=modified,
        unchanged=len(common) - len(modified),
    )


def _key(entry: Entry) -> tuple[str, int, str]:
    return entry.digest, entry.mode, entry.kind


def _check_no_entry_holds_another(entries: tuple[Entry, ...]) -> None:
    """A file is never a folder of another entry, and a folder entry is an empty folder: refuse ``a``
    beside ``a/b``, which no checkout could write."""
    paths = {entry.path for entry in entries}
    for entry in entries:
        parts = entry.path.split("/")
        for depth in range(1, len(parts)):
            above = "/".join(parts[:depth])
            if above in paths:
                raise InvalidData(f"{above!r} is in the manifest, and so is {entry.path!r} inside it")


def decode_manifest(data: bytes) -> Manifest:
    """The manifest ``data`` holds, every entry checked; InvalidData saying what is wrong."""
    try:
        found = orjson.loads(data)
        if found.get("format") != FORMAT:
            raise InvalidData(f"unknown manifest format {found.get('format')!r}")
        entries = [Entry(str(p), k, str(d), int(s), int(m)) for p, k, d, s, m in found["entries"]]
    except InvalidData:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as error:  # orjson's error is a ValueError
        raise InvalidData(f"not a manifest: {error}") from None
    manifest = Manifest.of(entries)
    if manifest.entries != tuple(entries):
        raise InvalidData("the manifest's entries are not sorted by path")
    return manifest


def check_entry(entry: Entry) -> None:
    check_path(entry.path)
    if entry.kind not in _KINDS:
        raise InvalidData(f"{entry.path!r}: unknown entry kind {entry.kind!r}")
    if entry.size < 0 or entry.mode not in (0o644, 0o755):
        raise InvalidData(f"{entry.path!r}: bad size {entry.size} or mode {oct(entry.mode)}")
    if entry.is_dir:
        if entry.digest or entry.size:
            raise InvalidData(f"{entry.path!r}: a folder entry holds no object")
    elif len(entry.digest) != DIGEST_LENGTH or not _HEX.issuperset(entry.digest):
        raise InvalidData(f"{entry.path!r}: {entry.digest[:80]!r} is not an object digest")


def check_path(path: str) -> str:
    """``path`` if it is a relative ``/``-separated path inside the tree; InvalidData otherwise."""
    parts = path.split("/")
    if not path or len(path) > MAX_PATH or "\x00" in path or "\\" in path:
        raise InvalidData(f"{path[:200]!r} is not a usable path in a dataset")
    if any(part in ("", ".", "..") for part in parts):
        raise InvalidData(f"{path[:200]!r}: paths in a dataset are relative, without '.', '..' or '//'")
    return path
