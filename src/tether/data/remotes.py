"""Remotes: a dataset's commits and objects kept in any fsspec location (``s3://bucket/prefix``, a folder),
so another machine can pull them with only the URL.

Layout of a remote:

    packs/<digest>.pack    objects packed as ``packs`` writes them (the name is the pack's own hash)
    packs/<digest>.idx     one ``<object> <offset> <size>`` line per object of that pack
    refs/<dataset>/<ref>   ``{"kind": "branch" | "tag", "commit": <id>}``

A pack's index is written after the pack, and a push writes the packs holding its commits only after every
other pack is in place, so a remote never names an object it lacks, and a commit it holds always has
everything it reaches: an interrupted push leaves only complete packs behind, and pushing again sends what
is still missing. Refs move only forward: a push or pull refuses to move a branch to a commit that does not
descend from where it points (``force`` overrides that for a push), and a tag is never moved.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from blake3 import blake3

from tether.data.chunks import decode_index
from tether.data.manifest import decode_manifest
from tether.data.packs import PACK_BYTES, PACK_OBJECTS
from tether.data.schemas import MAX_LOG, Commit, DataRef, Dataset, RefKind, decode_pack, encode_pack
from tether.data.transfer import ObjectsAPI, missing
from tether.errors import Conflict, InvalidData, NotFound
from tether.storage.blobs import BlobStore

Progress = Callable[[int], None]
_PARALLEL = 8


class DataAPI(ObjectsAPI, Protocol):
    """The part of the data service a push or a pull uses."""

    def get_dataset(self, name: str) -> Dataset: ...

    def resolve(self, spec: str) -> Commit: ...

    def log(self, name: str, rev: str = ..., limit: int = ...) -> list[Commit]: ...

    def receive_commits(self, name: str, commits: list[str]) -> list[Commit]: ...

    def known_commits(self, name: str, commits: list[str]) -> list[str]: ...

    def set_ref(
        self, name: str, ref: str, kind: RefKind, target: str, expected: str | None = None
    ) -> DataRef: ...


@dataclass(frozen=True)
class Moved:
    """What a push or a pull did."""

    commits: int
    objects: int
    bytes: int
    refs: list[str]


@dataclass(frozen=True)
class Located:
    pack: str
    offset: int
    size: int


class Remote:
    """One remote location: its packs (read through their indexes) and its refs."""

    def __init__(self, url: str, options: dict[str, Any] | None = None) -> None:
        self.store = BlobStore(url, options)
        self.url = url
        self._index: dict[str, Located] | None = None

    def index(self) -> dict[str, Located]:
        """Where each object the remote holds lies, from every pack index (read once per Remote)."""
        if self._index is None:
            names = [e.path for e in self.store.list("packs") if e.path.endswith(".idx")]
            with ThreadPoolExecutor(_PARALLEL) as pool:
                parts = list(pool.map(self._read_index, names))
            self._index = {name: where for part in parts for name, where in part}
        return self._index

    def _read_index(self, name: str) -> list[tuple[str, Located]]:
        pack = name.removesuffix(".idx")
        with self.store.open(f"packs/{name}") as stream:
            text = stream.read().decode("ascii")
        out = []
        for line in text.splitlines():
            digest, offset, size = line.split(" ")
            out.append((digest, Located(pack, int(offset), int(size))))
        return out

    def read(self, names: Sequence[str]) -> dict[str, bytes]:
        """The objects named, each checked against its digest; NotFound for one the remote lacks."""
        index = self.index()
        absent = [name for name in names if name not in index]
        if absent:
            raise NotFound(f"the remote {self.url} has no object {absent[0]} ({len(absent)} missing)")
        by_pack: dict[str, list[str]] = {}
        for name in dict.fromkeys(names):
            by_pack.setdefault(index[name].pack, []).append(name)
        out: dict[str, bytes] = {}
        for pack, wanted in by_pack.items():
            with self.store.open(f"packs/{pack}.pack") as stream:
                for name in sorted(wanted, key=lambda n: index[n].offset):
                    stream.seek(index[name].offset)
                    data = stream.read(index[name].size)
                    if blake3(data).hexdigest() != name:
                        raise InvalidData(f"object {name} in the remote's pack {pack} is damaged")
                    out[name] = data
        return out

    def write_objects(self, objects: Sequence[tuple[str, bytes]]) -> int:
        """Store the objects as one pack and then its index; returns how many there were."""
        body = encode_pack(objects)
        pack = blake3(body).hexdigest()
        self.store.put_bytes(body, f"packs/{pack}.pack")
        lines, offset = [], len(b"tether-pack 1\n")
        for name, data in objects:
            offset += 40  # the 32-byte digest and the 8-byte size before each object
            lines.append(f"{name} {offset} {len(data)}\n")
            offset += len(data)
        self.store.put_bytes("".join(lines).encode(), f"packs/{pack}.idx")
        if self._index is not None:
            for line in lines:
                name, start, size = line.split()
                self._index[name] = Located(pack, int(start), int(size))
        return len(objects)

    def refs(self, dataset: str) -> dict[str, tuple[RefKind, str]]:
        found = {}
        for entry in self.store.list(f"refs/{dataset}"):
            if entry.is_dir:
                continue
            with self.store.open(f"refs/{dataset}/{entry.path}") as stream:
                ref = json.loads(stream.read())
            found[entry.path] = (ref["kind"], ref["commit"])
        return found

    def set_ref(self, dataset: str, ref: str, kind: RefKind, commit: str) -> None:
        body = json.dumps({"kind": kind, "commit": commit}).encode()
        self.store.put_bytes(body, f"refs/{dataset}/{ref}")


def reachable_objects(
    read: Callable[[list[str]], dict[str, bytes]], manifests: Iterable[str]
) -> dict[str, int]:
    """Every object the manifests reach with its size: chunks before the indexes naming them, and both
    before the manifest."""
    out: dict[str, int] = {}
    for manifest in manifests:
        encoded = read([manifest])[manifest]
        tree = decode_manifest(encoded)
        indexes = list(dict.fromkeys(e.digest for e in tree.entries if e.kind == "chunked"))
        found = read(indexes) if indexes else {}
        for index in indexes:
            out.update(decode_index(found[index]))
            out[index] = len(found[index])
        out.update((e.digest, e.size) for e in tree.entries if e.kind == "file")
        out[manifest] = len(encoded)
    return out


def push(
    api: DataAPI,
    name: str,
    remote: Remote,
    *,
    only: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> Moved:
    """Send dataset ``name``'s commits (all branches and tags, or only the revision ``only`` and what it
    descends from) and every object they reach to ``remote``, then its refs."""
    refs, heads = _local_refs(api, name, only)
    history = _history(api, name, heads)
    have = remote.index()
    new = [commit for commit in history if commit.commit_id not in have]

    def from_store(names: list[str]) -> list[tuple[str, bytes]]:
        return decode_pack(api.fetch_pack(names))

    sizes = reachable_objects(lambda names: dict(from_store(names)), [c.manifest for c in new])
    objects = {o: size for o, size in sizes.items() if o not in have}
    sent = _copy(from_store, remote.write_objects, objects, progress)
    commits = _copy(from_store, remote.write_objects, {c.commit_id: 1024 for c in new}, progress)
    moved = []
    ancestry = {commit.commit_id for commit in history}
    there = remote.refs(name)
    for ref, (kind, commit) in refs.items():
        if _may_move(name, ref, kind, there.get(ref), commit, ancestry, force, "the remote"):
            remote.set_ref(name, ref, kind, commit)
            moved.append(ref)
    return Moved(len(new), sent.objects + commits.objects, sent.bytes + commits.bytes, moved)


def pull(
    api: DataAPI, name: str, remote: Remote, *, only: str | None = None, progress: Progress | None = None
) -> Moved:
    """Fetch dataset ``name``'s commits from ``remote`` (all its refs, or only the ref or the full commit id
    ``only``) with every object they reach into the store, then set the store's branches and tags."""
    refs = remote.refs(name)
    if not refs:
        raise NotFound(f"the remote {remote.url} has no dataset named {name!r}")
    if only is not None:
        refs = {only: refs[only]} if only in refs else {}
    heads = [commit for _, commit in refs.values()] or [str(only)]
    history = _remote_history(remote, heads)
    local = _local_commits(api, name, history)
    new = [record for record in history if record["id"] not in local]
    sizes = reachable_objects(remote.read, [record["manifest"] for record in new])
    sizes.update((record["id"], 1024) for record in new)
    wanted = missing(api, list(sizes))
    ordered = {o: size for o, size in sizes.items() if o in wanted}

    def from_remote(names: list[str]) -> list[tuple[str, bytes]]:
        return list(remote.read(names).items())

    def into_store(objects: list[tuple[str, bytes]]) -> int:
        return api.put_objects(objects, checked=True)  # remote.read checked each against its name

    sent = _copy(from_remote, into_store, ordered, progress)
    if new:
        api.receive_commits(name, [record["id"] for record in new])
    moved = []
    ancestry = {record["id"] for record in history}
    for ref, (kind, commit) in refs.items():
        current = _local_ref(api, name, ref)
        here = None if current is None else (kind, current)
        if _may_move(name, ref, kind, here, commit, ancestry, False, "this store"):
            api.set_ref(name, ref, kind, commit, expected=current)
            moved.append(ref)
    return Moved(len(new), sent.objects, sent.bytes, moved)


@dataclass(frozen=True)
class _Copied:
    objects: int
    bytes: int


def _copy(
    read: Callable[[list[str]], list[tuple[str, bytes]]],
    write: Callable[[list[tuple[str, bytes]]], int],
    sizes: dict[str, int],
    progress: Progress | None,
) -> _Copied:
    """Move the objects ``sizes`` names in pack-sized groups, several groups at a time."""
    groups: list[list[str]] = [[]]
    size = 0
    for name, length in sizes.items():
        if groups[-1] and (size + length > PACK_BYTES or len(groups[-1]) >= PACK_OBJECTS):
            groups.append([])
            size = 0
        groups[-1].append(name)
        size += length

    def one(group: list[str]) -> int:
        objects = read(group)
        write(objects)
        size = sum(len(data) for _, data in objects)
        if progress is not None:
            progress(size)
        return size

    with ThreadPoolExecutor(4) as pool:
        moved = list(pool.map(one, [group for group in groups if group]))
    return _Copied(len(sizes), sum(moved))


def _may_move(
    name: str,
    ref: str,
    kind: RefKind,
    current: tuple[RefKind, str] | None,
    commit: str,
    ancestry: set[str],
    force: bool,
    where: str,
) -> bool:
    if current is None or current[1] == commit:
        return current is None
    if force and kind == "branch":
        return True
    if kind == "tag" or current[0] == "tag":
        raise Conflict(
            f"tag {ref!r} of {name!r} points at {current[1]} in {where}, not {commit}; tags do not move"
        )
    if current[1] not in ancestry:
        raise Conflict(
            f"branch {ref!r} of {name!r} in {where} points at {current[1]}, which {commit} does not descend "
            "from: the two have diverged"
        )
    return True


def _local_refs(
    api: DataAPI, name: str, only: str | None
) -> tuple[dict[str, tuple[RefKind, str]], list[str]]:
    """The refs a push sets on the remote, and the commits it sends with their history: every ref, one
    ref, or a revision that is no ref (its commits go, no ref moves)."""
    dataset = api.get_dataset(name)
    refs = {ref.name: (ref.kind, ref.commit_id) for ref in dataset.refs}
    if only is not None:
        refs = {only: refs[only]} if only in refs else {}
    heads = [commit for _, commit in refs.values()] or [api.resolve(f"{name}@{only}").commit_id]
    return refs, heads


def _history(api: DataAPI, name: str, heads: Iterable[str]) -> list[Commit]:
    """Every commit the heads descend from, by first parents (as ``log`` walks), newest first."""
    seen: dict[str, Commit] = {}
    for head in heads:
        for commit in api.log(name, head, 1000):
            if commit.commit_id in seen:
                break
            seen[commit.commit_id] = commit
    return list(seen.values())


def _remote_history(remote: Remote, heads: Iterable[str]) -> list[dict[str, Any]]:
    """The commit records the heads descend from (all parents), parents before their children. The walk
    reads one generation of commits per call (the remote opens each pack it touches once per call)."""
    seen: dict[str, dict[str, Any]] = {}
    wave = list(dict.fromkeys(heads))
    while wave:
        for commit, body in remote.read(wave).items():
            record = json.loads(body)
            record["id"] = commit
            seen[commit] = record
        wave = list(dict.fromkeys(p for c in wave for p in seen[c]["parents"] if p not in seen))
    ordered: list[dict[str, Any]] = []
    placed: set[str] = set()
    for start in seen:  # depth first, each commit placed after all of its parents
        stack = [(start, False)]
        while stack:
            commit, parents_done = stack.pop()
            if commit in placed:
                continue
            if parents_done:
                placed.add(commit)
                ordered.append(seen[commit])
                continue
            stack.append((commit, True))
            stack.extend((p, False) for p in seen[commit]["parents"] if p in seen and p not in placed)
    return ordered


def _local_commits(api: DataAPI, name: str, history: Sequence[dict[str, Any]]) -> set[str]:
    """Which of the commits the store has recorded already, asked a thousand at a time."""
    ids = [record["id"] for record in history]
    found: set[str] = set()
    for start in range(0, len(ids), MAX_LOG):
        found.update(api.known_commits(name, ids[start : start + MAX_LOG]))
    return found


def _local_ref(api: DataAPI, name: str, ref: str) -> str | None:
    try:
        dataset = api.get_dataset(name)
    except NotFound:
        return None
    return next((r.commit_id for r in dataset.refs if r.name == ref), None)
