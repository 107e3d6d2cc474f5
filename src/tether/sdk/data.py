"""``tt.data`` (and ``client.data``): versioned datasets from Python, the same on a local store or a server.

``add`` commits a local folder (hashing only what changed since the last look, sending only the objects
the store lacks); ``status`` says what changed locally since a commit without sending anything; ``get``
returns a ``DataVersion`` whose ``path`` is a read-only copy in this machine's cache and whose
``to_pandas`` reads one of its tables. ``checkout`` writes a version into a folder of your choice;
``push`` and ``pull`` move a dataset to and from a remote location (``s3://…``, a folder).
"""

from __future__ import annotations

import getpass
import json
import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tether.config import default_cache_dir
from tether.data import remotes, transfer
from tether.data.manifest import Manifest, compare
from tether.data.remotes import Moved, Remote
from tether.data.schemas import (
    DEFAULT_BRANCH,
    Commit,
    DataRef,
    Dataset,
    DatasetFile,
    Diff,
    FileChange,
    split_spec,
)
from tether.data.statcache import StatCache
from tether.data.tree import LocalTree, hash_tree, scan
from tether.errors import ConfigError, InvalidInput, NotFound
from tether.schemas import every_item

if TYPE_CHECKING:
    import pandas as pd

    from tether.client.backend import DataAPI

Progress = Callable[[str, int, int], None]
"""Told (phase, bytes done in this call, bytes the phase will take): ``hash``, ``upload``, ``download``."""


@dataclass(frozen=True)
class Added:
    """What ``add`` did: the commit (the branch's head, unchanged when nothing changed) and the traffic."""

    commit: Commit
    changed: bool
    files: int
    bytes: int
    hashed_files: int
    sent_objects: int
    sent_bytes: int


@dataclass(frozen=True)
class TreeStatus:
    """How a local folder differs from a dataset version."""

    commit: Commit | None
    added: list[FileChange] = field(default_factory=list)
    removed: list[FileChange] = field(default_factory=list)
    modified: list[FileChange] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not (self.added or self.removed or self.modified)


class DataVersion:
    """One commit of a dataset, with its files, readable from a local read-only copy."""

    def __init__(self, api: DataAPI, commit: Commit, cache_dir: Path) -> None:
        self._api = api
        self.commit = commit
        self._cache_dir = cache_dir

    @property
    def id(self) -> str:
        return self.commit.commit_id

    @property
    def name(self) -> str:
        return self.commit.dataset

    @property
    def ref(self) -> str:
        """``data:<name>@<commit>``: what lineage and ``log_input`` record."""
        return self.commit.ref

    @property
    def message(self) -> str:
        return self.commit.message

    @property
    def author(self) -> str | None:
        return self.commit.author

    @property
    def created(self) -> datetime:
        return datetime.fromtimestamp(self.commit.created_at / 1000, tz=timezone.utc)

    @cached_property
    def files(self) -> list[DatasetFile]:
        """Every entry of this version, sorted by path."""
        return [
            DatasetFile(path=e.path, kind=e.kind, digest=e.digest, size=e.size, mode=e.mode)
            for e in transfer.stored_manifest(self._api, self.commit.manifest).entries
        ]

    @property
    def sizes(self) -> dict[str, int]:
        return {file.path: file.size for file in self.files if file.kind != "dir"}

    @cached_property
    def path(self) -> Path:
        """A read-only copy of this version in the cache folder, written the first time it is asked for."""
        final = self._cache_dir / "data" / "versions" / self.id
        if final.is_dir():
            return final
        final.parent.mkdir(parents=True, exist_ok=True)
        building = final.with_name(f".building-{secrets.token_hex(6)}")
        try:
            transfer.download(self._api, transfer.stored_manifest(self._api, self.commit.manifest), building)
            _make_read_only(building)
            try:
                building.rename(final)
            except OSError:
                if not final.is_dir():  # not another process that finished first
                    raise
        finally:
            if building.exists():
                shutil.rmtree(building)
        return final

    def to_pandas(self, path: str, **options: Any) -> pd.DataFrame:
        """One file of the version as a DataFrame, read by its suffix (.parquet, .csv, .tsv, .json,
        .jsonl); ``options`` go to the pandas reader."""
        import pandas as pd

        if path not in self.sizes:
            raise NotFound(f"{self.ref} has no file {path!r}")
        local = self.path / path
        readers: dict[str, Callable[..., pd.DataFrame]] = {
            ".parquet": pd.read_parquet,
            ".csv": pd.read_csv,
            ".tsv": lambda p, **o: pd.read_csv(p, sep="\t", **o),
            ".json": pd.read_json,
            ".jsonl": lambda p, **o: pd.read_json(p, lines=True, **o),
        }
        reader = readers.get(local.suffix.lower())
        if reader is None:
            raise InvalidInput(f"{path!r}: to_pandas reads {', '.join(readers)} files; open .path for others")
        return reader(local, **options)

    def __repr__(self) -> str:
        return f"DataVersion({self.ref!r}, files={self.commit.files}, message={self.message!r})"


class DataClient:
    """The data domain for people: the service's calls plus folder-level ``add``, ``status``, ``checkout``."""

    def __init__(self, api: DataAPI, cache_dir: Path | None = None) -> None:
        self.api = api
        self.cache_dir = cache_dir or default_cache_dir(os.environ)

    def get(self, spec: str) -> DataVersion:
        """The version a spec names now: ``churn`` (its main branch), ``churn@v3``, ``churn@main~1``."""
        return DataVersion(self.api, self.api.resolve(spec), self.cache_dir)

    def add(
        self,
        folder: str | os.PathLike[str],
        name: str,
        *,
        message: str = "",
        branch: str = DEFAULT_BRANCH,
        parent: str | None = None,
        author: str | None = None,
        progress: Progress | None = None,
    ) -> Added:
        """Commit ``folder`` as the next version of ``name`` on ``branch`` (the dataset and the branch are
        created by their first commit). ``parent`` makes it a compare-and-swap (see ``DataService``). The
        author is this machine's login name unless given (a server with --auth records the signed-in
        user instead)."""
        before = self._head(name, branch)
        tree, known = self._scanned(folder)
        if before is not None and parent is None and known == before.manifest:  # nothing changed
            return Added(before, False, len(tree.files), tree.size, 0, 0, 0)
        manifest = self._manifest(tree, progress)
        tell = _phase(progress, "upload", 0)
        sent = transfer.upload(self.api, tree, manifest, progress=tell)
        commit = self.api.commit(
            name, manifest.digest, branch=branch, parent=parent, message=message, author=author or _login()
        )
        return Added(
            commit=commit,
            changed=before is None or before.commit_id != commit.commit_id,
            files=len(tree.files),
            bytes=tree.size,
            hashed_files=len(tree.hashed),
            sent_objects=sent.objects,
            sent_bytes=sent.bytes,
        )

    def status(
        self,
        folder: str | os.PathLike[str],
        name: str,
        rev: str = DEFAULT_BRANCH,
        *,
        progress: Progress | None = None,
    ) -> TreeStatus:
        """What differs in ``folder`` from ``name@rev`` (everything is added when the dataset is new)."""
        try:
            commit: Commit | None = self.api.resolve(f"{name}@{rev}")
        except NotFound:
            if rev != DEFAULT_BRANCH:
                raise
            commit = None
        tree, known = self._scanned(folder)
        if commit is not None and known == commit.manifest:
            return TreeStatus(commit)
        local = self._manifest(tree, progress)
        if commit is None:
            return TreeStatus(None, [FileChange.between(e.path, None, e) for e in local.entries])
        if commit.manifest == local.digest:
            return TreeStatus(commit)
        stored = transfer.stored_manifest(self.api, commit.manifest)
        was = {entry.path: entry for entry in stored.entries}
        now = {entry.path: entry for entry in local.entries}
        found = compare(stored, local)
        added = [FileChange.between(p, None, now[p]) for p in found.added]
        removed = [FileChange.between(p, was[p], None) for p in found.removed]
        modified = [FileChange.between(p, was[p], now[p]) for p in found.modified]
        return TreeStatus(commit, added, removed, modified)

    def checkout(
        self,
        spec: str,
        target: str | os.PathLike[str],
        *,
        force: bool = False,
        progress: Progress | None = None,
    ) -> Commit:
        """Write the version ``spec`` names into ``target``, which must be empty or absent unless ``force``
        (then files of the version overwrite what is there; nothing else in it is touched)."""
        commit = self.api.resolve(spec)
        folder = Path(target).expanduser().absolute()
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(f"{target} exists and is not a folder")
        if folder.is_dir() and any(folder.iterdir()) and not force:
            raise InvalidInput(f"{target} is not empty; check out into an empty folder, or pass force")
        manifest = transfer.stored_manifest(self.api, commit.manifest)
        transfer.download(self.api, manifest, folder, progress=_phase(progress, "download", manifest.size))
        return commit

    def push(
        self,
        spec: str,
        to: str,
        *,
        force: bool = False,
        options: dict[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> Moved:
        """Send a dataset (``churn``: every branch and tag; ``churn@v3``: that revision and its history)
        to the remote ``to`` (``s3://bucket/prefix``, a folder), sending only what it lacks. ``options``
        are fsspec options for the remote (default: ``TETHER_REMOTE_OPTIONS``)."""
        name, rev = split_spec(spec)
        remote = Remote(to, _remote_options(options))
        return remotes.push(
            self.api, name, remote, only=rev, force=force, progress=_phase(progress, "upload", 0)
        )

    def pull(
        self,
        spec: str,
        source: str,
        *,
        options: dict[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> Moved:
        """Fetch a dataset (every ref, or ``churn@v3``: that ref or full commit id) from the remote
        ``source`` into the store, fetching only what the store lacks, and set its branches and tags."""
        name, rev = split_spec(spec)
        remote = Remote(source, _remote_options(options))
        return remotes.pull(self.api, name, remote, only=rev, progress=_phase(progress, "download", 0))

    def log(self, name: str, rev: str = DEFAULT_BRANCH, limit: int = 100) -> list[Commit]:
        return self.api.log(name, rev, limit)

    def diff(self, old: str, new: str) -> Diff:
        return self.api.diff(old, new)

    def list(self) -> list[Dataset]:
        """Every dataset, by name (the store is asked a page of a thousand at a time)."""
        return every_item(lambda token: self.api.list_datasets(max_results=1000, page_token=token))

    def tag(self, spec: str, tag: str) -> DataRef:
        """Put tag ``tag`` on the commit ``spec`` names (``churn@main``); tags do not move."""
        name, rev = split_spec(spec)
        return self.api.set_ref(name, tag, "tag", rev or DEFAULT_BRANCH)

    def branch(self, name: str, branch: str, start: str = DEFAULT_BRANCH) -> DataRef:
        """Start branch ``branch`` of ``name`` at revision ``start``."""
        return self.api.set_ref(name, branch, "branch", start)

    def _scanned(self, folder: str | os.PathLike[str]) -> tuple[LocalTree, str | None]:
        """The folder's files, and its manifest digest when the cache knows it for exactly these stamps."""
        tree = scan(folder)
        with _cache(self.cache_dir) as cache:
            return tree, cache.tree(tree.root, tree.stamp)

    def _manifest(self, tree: LocalTree, progress: Progress | None) -> Manifest:
        """Hash what the stat cache does not know, and remember the tree's manifest digest."""
        with _cache(self.cache_dir) as cache:
            hash_tree(tree, cache, progress=_phase(progress, "hash", tree.size))
            manifest = tree.manifest()
            cache.remember_tree(tree.root, tree.stamp, manifest.digest)
        return manifest

    def _head(self, name: str, branch: str) -> Commit | None:
        try:
            return self.api.resolve(f"{name}@{branch}")
        except NotFound:
            return None


@contextmanager
def _cache(folder: Path) -> Iterator[StatCache]:
    cache = StatCache(folder)
    try:
        yield cache
    finally:
        cache.close()


def _remote_options(given: dict[str, Any] | None) -> dict[str, Any]:
    if given is not None:
        return given
    text = os.environ.get("TETHER_REMOTE_OPTIONS")
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError as error:
        raise ConfigError(f"TETHER_REMOTE_OPTIONS is not JSON: {error}") from None
    if not isinstance(found, dict):
        raise ConfigError("TETHER_REMOTE_OPTIONS must be a JSON object of fsspec options")
    return found


def _login() -> str | None:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return None


def _phase(progress: Progress | None, phase: str, total: int) -> Callable[[int], None] | None:
    if progress is None:
        return None
    report = progress
    return lambda done: report(phase, done, total)


def _make_read_only(root: Path) -> None:
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            os.chmod(path, stat.S_IMODE(os.lstat(path).st_mode) & ~0o222)
