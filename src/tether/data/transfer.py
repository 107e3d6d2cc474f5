"""Moving a tree's objects: a scanned folder up to a store, a manifest's files down into a folder.

Both directions speak only ``ObjectsAPI`` (which objects are missing, objects in, a pack out), which the
embedded service and a server's remote client both offer, so one code path serves both. Uploads send only
what the store lacks, chunk by chunk for a large file whose other chunks it already holds; downloads write
each file under a temporary name and rename it into place, so an interrupted checkout never leaves a
half-written file under a real name.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from blake3 import blake3

from tether.data.chunks import HashedFile, decode_index, hash_file, mapped
from tether.data.manifest import Entry, Manifest, decode_manifest
from tether.data.packs import PACK_BYTES, PACK_OBJECTS, grouped
from tether.data.schemas import MAX_MISSING, decode_pack
from tether.data.tree import LocalTree
from tether.errors import CorruptObject, InvalidInput

Progress = Callable[[int], None]
_IN_FLIGHT = 4


class ObjectsAPI(Protocol):
    def missing_objects(self, digests: Sequence[str]) -> list[str]: ...

    def put_objects(self, objects: Sequence[tuple[str, bytes]], *, checked: bool = False) -> int: ...

    def fetch_pack(self, digests: Sequence[str]) -> bytes: ...


@dataclass(frozen=True)
class Sent:
    objects: int
    bytes: int


def missing(api: ObjectsAPI, digests: Sequence[str]) -> set[str]:
    wanted = list(dict.fromkeys(digests))
    found: set[str] = set()
    for start in range(0, len(wanted), MAX_MISSING):
        found.update(api.missing_objects(wanted[start : start + MAX_MISSING]))
    return found


def upload(api: ObjectsAPI, tree: LocalTree, manifest: Manifest, *, progress: Progress | None = None) -> Sent:
    """Send every object of ``tree`` (and its manifest) that the store lacks; returns what was sent.

    Files and chunks go first, several packs at a time; the chunk indexes and the manifest follow only
    once all of those have landed, so an interrupted upload never leaves an index or a manifest stored
    without what it names (the next upload, seeing it stored, would not send the rest)."""
    absent = missing(api, [*manifest.objects(), manifest.digest])
    naming: list[_Outgoing] = []
    sent = _send(api, _objects(api, tree, absent, naming), progress)
    if manifest.digest in absent:
        naming.append((manifest.digest, manifest.encode(), None))
    last = _send(api, iter(naming), progress)
    return Sent(sent.objects + last.objects, sent.bytes + last.bytes)


_Outgoing = tuple[str, bytes, str | None]
"""An object on its way: its digest, its bytes, and the file's path when the bytes were read again after
hashing, so they must be checked (a file that changed in between is refused, naming it)."""


def _send(api: ObjectsAPI, objects: Iterator[_Outgoing], progress: Progress | None) -> Sent:
    sent_objects = sent_bytes = 0
    pending: list[Future[int]] = []
    with ThreadPoolExecutor(_IN_FLIGHT) as pool:
        for group in grouped(objects):
            while len(pending) >= _IN_FLIGHT:
                pending.pop(0).result()
            pending.append(pool.submit(_put, api, group))
            sent_objects += len(group)
            size = sum(len(data) for _, data, _ in group)
            sent_bytes += size
            if progress is not None:
                progress(size)
        for future in pending:
            future.result()
    return Sent(sent_objects, sent_bytes)


def _put(api: ObjectsAPI, group: list[_Outgoing]) -> int:
    """Check what was read again (on a sending thread: blake3 releases the GIL), then store the group."""
    for name, data, path in group:
        if path is not None and blake3(data).hexdigest() != name:
            raise InvalidInput(f"{path} changed while it was being added; add the folder again")
    return api.put_objects([(name, data) for name, data, _ in group], checked=True)


def _objects(
    api: ObjectsAPI, tree: LocalTree, absent: set[str], naming: list[_Outgoing]
) -> Iterator[_Outgoing]:
    """The missing files and chunks; the index of each chunked file goes into ``naming``, to be sent
    after them. A small file hashed by this scan is sent as the bytes hashed (``tree.held``). Which chunks
    the store lacks is asked once for every chunked file, before anything is sent."""
    done: set[str] = set()
    chunked: dict[str, HashedFile] = {}
    for file in tree.files:
        name, is_chunked = tree.digests[file.path]
        if is_chunked and name in absent and name not in chunked:
            hashed = tree.hashed.get(file.path) or hash_file(file.absolute)
            if hashed.digest != name:
                raise InvalidInput(f"{file.path} changed while it was being added; add the folder again")
            chunked[name] = hashed
    wanted = missing(api, [chunk.digest for hashed in chunked.values() for chunk in hashed.chunks])
    for file in tree.files:
        name, is_chunked = tree.digests[file.path]
        data = tree.held.pop(file.path, None)
        if name not in absent or name in done:
            continue
        done.add(name)
        if not is_chunked:
            if data is not None:
                yield name, data, None
                continue
            with open(file.absolute, "rb") as handle:
                yield name, handle.read(), file.path
            continue
        hashed = chunked[name]
        with mapped(file.absolute) as view:
            for chunk in hashed.chunks:
                if chunk.digest in wanted and chunk.digest not in done:
                    done.add(chunk.digest)
                    yield chunk.digest, bytes(view[chunk.offset : chunk.offset + chunk.size]), file.path
        naming.append((name, hashed.index, None))


def stored_manifest(api: ObjectsAPI, digest: str) -> Manifest:
    """The manifest object ``digest``, fetched as it is stored and decoded, every entry checked (cheaper
    than a file listing of the same tree, and whole in one request)."""
    return decode_manifest(_fetched(dict(decode_pack(api.fetch_pack([digest]))), digest))


def download(api: ObjectsAPI, manifest: Manifest, target: Path, *, progress: Progress | None = None) -> int:
    """Write every entry of ``manifest`` under ``target``; returns the bytes written."""
    target.mkdir(parents=True, exist_ok=True)
    for entry in manifest.entries:
        if entry.is_dir:
            (target / entry.path).mkdir(parents=True, exist_ok=True)
    whole = [entry for entry in manifest.files if entry.kind == "file"]
    written = 0
    for group in _by_size(whole):
        objects = dict(decode_pack(api.fetch_pack(list(dict.fromkeys(e.digest for e in group)))))
        for entry in group:
            _write(target, entry, [_fetched(objects, entry.digest)])
            written += entry.size
            if progress is not None:
                progress(entry.size)
    for entry in manifest.files:
        if entry.kind == "chunked":
            _write(target, entry, _chunks_of(api, entry, progress))
            written += entry.size
    return written


def _by_size(entries: list[Entry]) -> Iterator[list[Entry]]:
    group: list[Entry] = []
    size = 0
    for entry in entries:
        group.append(entry)
        size += entry.size
        if size >= PACK_BYTES or len(group) >= PACK_OBJECTS:
            yield group
            group, size = [], 0
    if group:
        yield group


def _chunks_of(api: ObjectsAPI, entry: Entry, progress: Progress | None) -> Iterator[bytes]:
    index = _fetched(dict(decode_pack(api.fetch_pack([entry.digest]))), entry.digest)
    chunks = decode_index(index)
    for start in range(0, len(chunks), PACK_BYTES // (64 * 1024)):
        part = chunks[start : start + PACK_BYTES // (64 * 1024)]
        objects = dict(decode_pack(api.fetch_pack(list(dict.fromkeys(name for name, _ in part)))))
        for name, size in part:
            yield _fetched(objects, name)
            if progress is not None:
                progress(size)


def _fetched(objects: dict[str, bytes], name: str) -> bytes:
    data = objects.get(name)
    if data is None:
        raise CorruptObject(f"the store sent a pack without object {name}")
    return data


def _write(target: Path, entry: Entry, parts: Iterator[bytes] | list[bytes]) -> None:
    final = target / entry.path
    final.parent.mkdir(parents=True, exist_ok=True)
    temporary = final.with_name(f".tether-{secrets.token_hex(8)}.partial")
    try:
        with open(temporary, "wb") as out:
            for part in parts:
                out.write(part)
        os.chmod(temporary, entry.mode)
        os.replace(temporary, final)
    finally:
        temporary.unlink(missing_ok=True)
