"""DataService: datasets as versioned trees of files, over one object store and one metadata database.

Contracts:
- Objects come in as packs (``put_pack``), each checked against its digest, and go out the same way
  (``fetch_pack``); a stored object is never changed, and one that no longer matches its digest is reported
  (CorruptObject), never sent.
- A commit names a manifest that is already stored, and only when everything the manifest reaches (file
  objects, chunk indexes, chunks) is stored too, so a commit can always be checked out in full.
- A branch moves by compare-and-swap: a commit that says which head it expects (``parent``) lands only if
  the branch still points there; otherwise Conflict names the commit that won. Without ``parent`` the
  commit goes on top of whatever the head is when it lands, so racing writers never lose a commit.
- Committing the tree the branch already holds makes no new commit: the head is returned.
- Tags, once set, do not move (delete and set again to move one). Every spec is read by ``revisions``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import IO, TYPE_CHECKING, Any

from sqlalchemy import Connection, Row, exc

from tether.data import queries, received, revisions
from tether.data.chunks import decode_index, digest
from tether.data.garbage import collect
from tether.data.manifest import Entry, Manifest, compare, decode_manifest
from tether.data.objects import ObjectStore, check_digest
from tether.data.schemas import (
    DEFAULT_BRANCH,
    MAX_FILES_PAGE,
    MAX_LOG,
    MAX_MISSING,
    MAX_PACK,
    Commit,
    DataRef,
    Dataset,
    DatasetFile,
    Diff,
    FileChange,
    GcReport,
    RefKind,
    decode_pack,
    encode_pack,
)
from tether.data.tables import Summaries
from tether.errors import Conflict, InvalidData, InvalidInput, NotFound, TooLarge
from tether.lineage.service import LineageService
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.refs import DataVersionRef, RunRef, check_branch_or_tag, check_name
from tether.schemas import Page
from tether.storage.blobs import BlobStore
from tether.storage.db import Database

if TYPE_CHECKING:
    from tether.tracking.service import TrackingService


_MANIFESTS_KEPT = 8


def now_ms() -> int:
    return int(time.time() * 1000)


class DataService:
    def __init__(
        self,
        db: Database,
        blobs: BlobStore,
        tracking: Callable[[], TrackingService],
        lineage: LineageService,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        """``tracking`` gives the tracking service when a run's input is recorded: only then is it built
        (a data command on an embedded store has no use for it, and it takes a tenth of a second)."""
        self.db = db
        self.objects = ObjectStore(blobs)
        self._tracking = tracking
        self.lineage = lineage
        self._manifests: OrderedDict[str, Manifest] = OrderedDict()
        self._manifests_lock = threading.Lock()
        self.clock = clock

    # --- objects ----------------------------------------------------------------------------------------

    def missing_objects(self, digests: Sequence[str]) -> list[str]:
        """Which of ``digests`` the store lacks, so a client uploads only those."""
        if len(digests) > MAX_MISSING:
            raise InvalidInput(f"ask about at most {MAX_MISSING} objects per call, not {len(digests)}")
        return self.objects.missing(digests)

    def put_pack(self, body: bytes) -> int:
        """Store every object of a pack (see ``packs``); returns how many were new."""
        if len(body) > MAX_PACK:
            raise TooLarge(f"a pack may hold at most {MAX_PACK} bytes, not {len(body)}")
        return self.objects.put_many(decode_pack(body), checked=True)

    def put_objects(self, objects: Sequence[tuple[str, bytes]], *, checked: bool = False) -> int:
        """Store (digest, bytes) pairs without a pack around them: an embedded store's uploads come this
        way (a server's client wraps them in a pack, ``put_pack``). Each is checked against its digest
        unless ``checked`` says the caller, in this process, has just hashed those very bytes."""
        return self.objects.put_many(objects, checked=checked)

    def put_object(self, name: str, stream: IO[bytes]) -> int:
        """Store one object streamed on its own (one too large for a pack: a big manifest or chunk index);
        returns 1 when it was new, else 0."""
        return int(self.objects.put_stream(name, stream))

    def fetch_pack(self, digests: Sequence[str]) -> bytes:
        """A pack of the objects named, each checked on the way out."""
        if len(digests) > MAX_MISSING:
            raise InvalidInput(f"fetch at most {MAX_MISSING} objects per call, not {len(digests)}")
        out: list[tuple[str, bytes]] = []
        size = 0
        for name in dict.fromkeys(digests):
            data = self.objects.get(name)
            size += len(data)
            if size > MAX_PACK and out:
                raise TooLarge(f"those objects come to more than {MAX_PACK} bytes; fetch fewer at a time")
            out.append((name, data))
        return encode_pack(out)

    # --- commits ----------------------------------------------------------------------------------------

    def commit(
        self,
        name: str,
        manifest: str,
        branch: str = DEFAULT_BRANCH,
        parent: str | None = None,
        message: str = "",
        author: str | None = None,
    ) -> Commit:
        """A new version of dataset ``name`` (created by its first commit) holding the tree ``manifest``
        describes, on ``branch``; see the module's contracts for ``parent``."""
        check_name("the dataset name", name)
        check_name("the branch name", branch)
        tree = self._complete_manifest(check_digest(manifest))
        try:
            with self.db.write() as conn:
                return self._commit(conn, name, tree, manifest, branch, parent, message, author)
        except exc.IntegrityError:
            with self.db.read() as conn:
                winner = _head_of(conn, name, branch)
            raise Conflict(
                f"another commit created branch {branch!r} of {name!r} at the same time; it points at "
                f"{winner}; commit again on top of it"
            ) from None

    def _commit(
        self,
        conn: Connection,
        name: str,
        tree: Manifest,
        manifest: str,
        branch: str,
        parent: str | None,
        message: str,
        author: str | None,
    ) -> Commit:
        now = self.clock()
        dataset = queries.dataset_row(conn, name)
        if dataset is None:
            dataset_id = queries.insert_dataset(conn, {"name": name, "created_at": now, "created_by": author})
        else:
            dataset_id = dataset.dataset_id
        ref = queries.ref_row(conn, dataset_id, branch, lock=True)
        if ref is not None and ref.kind != "branch":
            raise Conflict(f"{name}@{branch} is a tag; commits go on branches")
        head = None if ref is None else ref.commit_id
        if parent is not None and parent != (head or ""):
            raise Conflict(
                f"branch {branch!r} of {name!r} moved: it points at {head or 'nothing (it does not exist)'}, "
                f"not at {parent or 'nothing'}; another commit won; look at it and commit again"
            )
        if head is not None:
            current = queries.commit_row(conn, head)
            if current is not None and current.manifest == manifest:
                return _commit_of(current, name)
        record = {
            "dataset": name,
            "manifest": manifest,
            "parents": [head] if head else [],
            "author": author,
            "message": message,
            "created_at": now,
        }
        encoded = json.dumps(record, sort_keys=True, separators=(",", ":")).encode()
        commit_id = digest(encoded)
        self.objects.put(commit_id, encoded)
        queries.insert_commit(
            conn,
            {
                "commit_id": commit_id,
                "dataset_id": dataset_id,
                "manifest": manifest,
                "parents": json.dumps(record["parents"]),
                "author": author,
                "message": message,
                "created_at": now,
                "files": len(tree.files),
                "bytes": tree.size,
            },
        )
        if head is None:
            row = {"dataset_id": dataset_id, "name": branch, "kind": "branch", "commit_id": commit_id}
            queries.insert_ref(conn, {**row, "updated_at": now})
        elif not queries.move_ref(conn, dataset_id, branch, head, commit_id, now):
            raise Conflict(f"branch {branch!r} of {name!r} moved while this commit landed; commit again")
        found = queries.commit_row(conn, commit_id)
        assert found is not None
        return _commit_of(found, name)

    def _complete_manifest(self, manifest: str) -> Manifest:
        """The manifest, once everything it reaches is known to be stored."""
        try:
            tree = decode_manifest(self.objects.get(manifest))
        except NotFound:
            raise NotFound(f"manifest {manifest} is not stored; send it (and the files) first") from None
        named = {entry.digest: entry for entry in tree.entries if not entry.is_dir}
        absent = self.objects.missing(named)
        chunked = [
            entry for entry in named.values() if entry.kind == "chunked" and entry.digest not in absent
        ]
        for entry in chunked:
            chunks = [chunk for chunk, _ in decode_index(self.objects.get(entry.digest))]
            if self.objects.missing(chunks):
                absent.append(entry.digest)
        if absent:
            raise NotFound(
                f"{len(absent)} file(s) of manifest {manifest} are not stored, such as "
                f"{named[absent[0]].path!r}; send them before committing"
            )
        return tree

    def receive_commits(self, name: str, commits: Sequence[str]) -> list[Commit]:
        """Record commits made elsewhere (a pull) whose commit objects, and everything those reach, are
        stored already, parents before children; a commit already here is left as it is."""
        check_name("the dataset name", name)
        if not 1 <= len(commits) <= MAX_LOG:
            raise InvalidInput(f"receive 1 to {MAX_LOG} commits per call, not {len(commits)}")
        records = [(commit, self._commit_record(name, commit)) for commit in commits]
        trees = {record["manifest"]: self._complete_manifest(record["manifest"]) for _, record in records}
        now = self.clock()
        with self.db.write() as conn:
            dataset = queries.dataset_row(conn, name)
            if dataset is None:
                row = {"name": name, "created_at": now, "created_by": records[0][1]["author"]}
                dataset_id = queries.insert_dataset(conn, row)
            else:
                dataset_id = dataset.dataset_id
            for commit, record in records:
                received.insert_received(conn, dataset_id, name, commit, record, trees[record["manifest"]])
            return [_commit_of(revisions.resolve(conn, revisions.Spec(name, c, 0)), name) for c in commits]

    def known_commits(self, name: str, commits: Sequence[str]) -> list[str]:
        """Which of ``commits`` this store has recorded for dataset ``name``, in the order given (none when
        the dataset is not here yet): a pull asks once per thousand commits instead of once per commit."""
        check_name("the dataset name", name)
        if len(commits) > MAX_LOG:
            raise InvalidInput(f"ask about at most {MAX_LOG} commits per call, not {len(commits)}")
        with self.db.read() as conn:
            dataset = queries.dataset_row(conn, name)
            found = queries.recorded_commits(conn, dataset.dataset_id, commits) if dataset else set()
        return [commit for commit in dict.fromkeys(commits) if commit in found]

    def _commit_record(self, name: str, commit: str) -> dict[str, Any]:
        try:
            record = json.loads(self.objects.get(check_digest(commit)))
        except NotFound:
            raise NotFound(f"commit {commit} is not stored; send its object first") from None
        except ValueError:
            raise InvalidData(f"object {commit} is not a commit") from None
        return received.checked_record(name, commit, record)

    def resolve(self, spec: str) -> Commit:
        """The commit a spec (``churn``, ``churn@v3``, ``churn@main~1``) names now."""
        parsed = revisions.parse_spec(spec)
        with self.db.read() as conn:
            return _commit_of(revisions.resolve(conn, parsed), parsed.dataset)

    def log(self, name: str, rev: str = DEFAULT_BRANCH, limit: int = 100) -> list[Commit]:
        """The history of ``name`` from ``rev`` back along first parents, newest first."""
        if not 1 <= limit <= MAX_LOG:
            raise InvalidInput(f"limit must be 1 to {MAX_LOG}, not {limit}")
        with self.db.read() as conn:
            row: Row[Any] | None = revisions.resolve(conn, revisions.parse_spec(f"{name}@{rev}"))
            out: list[Commit] = []
            while row is not None and len(out) < limit:
                out.append(_commit_of(row, name))
                parents = json.loads(row.parents)
                row = queries.commit_row(conn, parents[0]) if parents else None
        return out

    def list_files(
        self, spec: str, match: str = "", max_results: int = 1000, page_token: str | None = None
    ) -> Page[DatasetFile]:
        """The entries of the tree a spec names, sorted by path, a page at a time; ``match`` keeps those
        whose path holds it, in any case. A token is bound to the commit the spec named, so a branch that
        moves between pages is reported instead of mixing two trees."""
        if not 1 <= max_results <= MAX_FILES_PAGE:
            raise InvalidInput(f"max_results must be 1 to {MAX_FILES_PAGE}, not {max_results}")
        commit = self.resolve(spec)
        fingerprint = query_fingerprint("data-files", commit.commit_id, match)
        offset = decode_token(page_token, fingerprint)
        entries = self._manifest(commit.manifest).entries
        if match:
            needle = match.casefold()
            entries = tuple(e for e in entries if needle in e.path.casefold())
        page = entries[offset : offset + max_results]
        more = offset + max_results < len(entries)
        return Page(
            items=[
                DatasetFile(path=e.path, kind=e.kind, digest=e.digest, size=e.size, mode=e.mode) for e in page
            ],
            next_page_token=encode_token(offset + max_results, fingerprint) if more else None,
        )

    def diff(self, old: str, new: str) -> Diff:
        """What changed from the tree ``old`` names to the one ``new`` names; table files (CSV, TSV,
        Parquet) also say how their rows and columns changed, modified ones first, within the budget of
        ``tables.Summaries``."""
        before, after = self.resolve(old), self.resolve(new)
        old_tree, new_tree = self._manifest(before.manifest), self._manifest(after.manifest)
        was = {entry.path: entry for entry in old_tree.entries}
        now = {entry.path: entry for entry in new_tree.entries}
        found = compare(old_tree, new_tree)
        tables = Summaries(self.objects.get)

        def change(path: str, old: Entry | None, new: Entry | None) -> FileChange:
            return FileChange.between(path, old, new, old_table=tables.of(old), new_table=tables.of(new))

        modified = [change(p, was[p], now[p]) for p in found.modified]
        added = [change(p, None, now[p]) for p in found.added]
        removed = [change(p, was[p], None) for p in found.removed]
        return Diff(
            old=before.commit_id,
            new=after.commit_id,
            added=added,
            removed=removed,
            modified=modified,
            unchanged=found.unchanged,
            tables_skipped=tables.skipped,
        )

    def _manifest(self, manifest: str) -> Manifest:
        """A stored manifest, decoded; the last few are kept (immutable), so paging through a tree of
        100,000 files does not decode it again for every page."""
        with self._manifests_lock:
            found = self._manifests.get(manifest)
            if found is not None:
                self._manifests.move_to_end(manifest)
                return found
        found = decode_manifest(self.objects.get(manifest))
        with self._manifests_lock:
            self._manifests[manifest] = found
            while len(self._manifests) > _MANIFESTS_KEPT:
                self._manifests.popitem(last=False)
        return found

    # --- datasets, branches and tags ----------------------------------------------------------------------

    def list_datasets(self, max_results: int = 100, page_token: str | None = None) -> Page[Dataset]:
        """The datasets by name, a page at a time, each with its branches, tags and number of commits."""
        if not 1 <= max_results <= MAX_LOG:
            raise InvalidInput(f"max_results must be 1 to {MAX_LOG}, not {max_results}")
        fingerprint = query_fingerprint("datasets")
        offset = decode_token(page_token, fingerprint)
        with self.db.read() as conn:
            found = queries.dataset_rows(conn, offset, max_results + 1)
            items = _datasets(conn, found[:max_results])
        more = len(found) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def get_dataset(self, name: str) -> Dataset:
        check_name("the dataset name", name)
        with self.db.read() as conn:
            return _datasets(conn, [revisions.dataset_of(conn, name)])[0]

    def delete_dataset(self, name: str) -> None:
        """Forget a dataset, its commits, branches and tags; its objects go at the next ``gc``."""
        check_name("the dataset name", name)
        with self.db.write() as conn:
            dataset = revisions.dataset_of(conn, name)
            queries.delete_dataset(conn, dataset.dataset_id)

    def set_ref(
        self, name: str, ref: str, kind: RefKind, target: str, expected: str | None = None
    ) -> DataRef:
        """Create a branch or a tag at ``target`` (a revision of the same dataset), or move a branch that
        points at ``expected`` now."""
        check_name("the dataset name", name)
        check_branch_or_tag(ref)
        if kind not in ("branch", "tag"):
            raise InvalidInput(f"kind must be 'branch' or 'tag', not {kind!r}")
        now = self.clock()
        with self.db.write() as conn:
            dataset = revisions.dataset_of(conn, name)
            commit = revisions.resolve(conn, revisions.parse_spec(f"{name}@{target}"))
            current = queries.ref_row(conn, dataset.dataset_id, ref, lock=True)
            if current is None:
                row = {"dataset_id": dataset.dataset_id, "name": ref, "kind": kind}
                queries.insert_ref(conn, {**row, "commit_id": commit.commit_id, "updated_at": now})
            else:
                _check_move(name, current, kind, expected)
                if not queries.move_ref(
                    conn, dataset.dataset_id, ref, current.commit_id, commit.commit_id, now
                ):
                    raise Conflict(f"{name}@{ref} moved while this change landed; try again")
            found = queries.ref_row(conn, dataset.dataset_id, ref)
        assert found is not None
        return _ref_of(found)

    def delete_ref(self, name: str, ref: str) -> None:
        check_name("the dataset name", name)
        with self.db.write() as conn:
            dataset = revisions.dataset_of(conn, name)
            if queries.ref_row(conn, dataset.dataset_id, ref) is None:
                raise NotFound(f"dataset {name!r} has no branch or tag {ref!r}")
            queries.delete_ref(conn, dataset.dataset_id, ref)

    # --- lineage and upkeep ---------------------------------------------------------------------------------

    def log_input(self, run_id: str, spec: str) -> Commit:
        """Record that run ``run_id`` read the dataset version ``spec`` names now (an edge ``used``)."""
        commit = self.resolve(spec)
        self._tracking().get_run(run_id)
        self.lineage.record(DataVersionRef(commit.dataset, commit.commit_id), RunRef(run_id), "used")
        return commit

    def experiment_of_run(self, run_id: str) -> str:
        return self._tracking().experiment_of_run(run_id)

    def collect_garbage(self, dry_run: bool = False, grace_s: float = 3600.0) -> GcReport:
        """Delete the objects no commit reaches, except those written within ``grace_s`` seconds."""
        with self.db.read() as conn:
            manifests, commits = queries.manifests(conn), queries.commit_ids(conn)
        return collect(self.objects, manifests, commits, dry_run=dry_run, grace_s=grace_s)


def _check_move(name: str, current: Row[Any], kind: RefKind, expected: str | None) -> None:
    if current.kind != kind:
        raise Conflict(f"{name}@{current.name} is a {current.kind}, not a {kind}")
    if kind == "tag":
        raise Conflict(
            f"tag {current.name!r} of {name!r} already points at {current.commit_id}; tags do not move "
            "(delete it first to set it again)"
        )
    if expected is None:
        raise Conflict(
            f"branch {current.name!r} of {name!r} exists (at {current.commit_id}); give the "
            "commit it must point at now to move it"
        )
    if expected != current.commit_id:
        raise Conflict(f"branch {current.name!r} of {name!r} points at {current.commit_id}, not {expected}")


def _head_of(conn: Connection, name: str, branch: str) -> str:
    dataset = queries.dataset_row(conn, name)
    ref = None if dataset is None else queries.ref_row(conn, dataset.dataset_id, branch)
    return "nothing yet" if ref is None else str(ref.commit_id)


def _commit_of(row: Row[Any], dataset: str) -> Commit:
    return Commit(
        commit_id=row.commit_id,
        dataset=dataset,
        ref=str(DataVersionRef(dataset, row.commit_id)),
        manifest=row.manifest,
        parents=json.loads(row.parents),
        author=row.author,
        message=row.message,
        created_at=row.created_at,
        files=row.files,
        bytes=row.bytes,
    )


def _ref_of(row: Row[Any]) -> DataRef:
    return DataRef(name=row.name, kind=row.kind, commit_id=row.commit_id, updated_at=row.updated_at)


def _datasets(conn: Connection, rows: list[Row[Any]]) -> list[Dataset]:
    ids = [row.dataset_id for row in rows]
    counts = queries.commit_counts(conn, ids)
    refs: dict[int, list[DataRef]] = {}
    for ref in queries.ref_rows(conn, ids):
        refs.setdefault(ref.dataset_id, []).append(_ref_of(ref))
    return [
        Dataset(
            name=row.name,
            created_at=row.created_at,
            created_by=row.created_by,
            commits=counts.get(row.dataset_id, 0),
            refs=refs.get(row.dataset_id, []),
        )
        for row in rows
    ]
