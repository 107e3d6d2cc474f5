"""Wire shapes of the data domain: datasets, commits, branches and tags, file listings, diffs and gc.

A revision (``rev``) names a commit of one dataset: a branch or a tag, a commit id or an unambiguous
prefix of at least ``MIN_PREFIX`` hex digits, each optionally followed by ``~N`` (N first parents back).
A dataset spec is ``<name>[@<rev>]`` (``data:`` in front is accepted); without ``@<rev>`` it means the
default branch, ``main``.

Objects travel as packs, not JSON: ``PACK_HEADER``, then per object its 32-byte raw blake3 digest, its
size as 8 bytes big-endian and its bytes. Reading a pack checks every object against its digest, so a pack
damaged in transit (or assembled wrongly) is refused whole and nothing from it is stored.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from typing import Annotated, Literal

from blake3 import blake3
from pydantic import AfterValidator, Field

from tether.data.manifest import Entry, EntryKind
from tether.errors import InvalidData
from tether.refs import check_name
from tether.schemas import QueryModel, ReadModel, WriteModel

DEFAULT_BRANCH = "main"
MIN_PREFIX = 7
MAX_MISSING = 10_000
"""Digests asked about in one ``missing_objects`` call (the client sends more in several)."""
MAX_LOG = 1000
MAX_FILES_PAGE = 10_000
"""Entries in one page of a version's file listing."""
RefKind = Literal["branch", "tag"]
PACK_HEADER = b"tether-pack 1\n"
MAX_PACK = 30 * 1024 * 1024
"""The largest pack a store takes in one request."""
_PACK_ENTRY = struct.Struct(">32sQ")

Name = Annotated[str, AfterValidator(lambda value: check_name("the dataset name", value))]
RefName = Annotated[str, AfterValidator(lambda value: check_name("the branch or tag name", value))]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Spec = Annotated[str, Field(min_length=1, max_length=300)]


class DataRef(ReadModel):
    """A branch (moves with each commit on it) or a tag (stays where it was put)."""

    name: str
    kind: RefKind
    commit_id: str
    updated_at: int


class Dataset(ReadModel):
    name: str
    created_at: int
    created_by: str | None
    commits: int
    refs: list[DataRef]
    """Every branch and tag, branches first, each group by name."""


class Commit(ReadModel):
    """One immutable version of a dataset."""

    commit_id: str
    dataset: str
    ref: str
    """The typed reference lineage uses: ``data:<dataset>@<commit_id>``."""
    manifest: str
    parents: list[str]
    author: str | None
    message: str
    created_at: int
    files: int
    bytes: int


class CommitCreate(WriteModel):
    manifest: Digest
    """The digest of a manifest object already stored (``put_pack``)."""
    branch: RefName = DEFAULT_BRANCH
    parent: Annotated[str | None, Field(max_length=64)] = None
    """The commit the branch must point at now, for a compare-and-swap ("" when the branch must not exist
    yet); None takes whatever it points at when the commit lands."""
    message: Annotated[str, Field(max_length=10_000)] = ""
    author: Annotated[str | None, Field(max_length=255)] = None


class RefSet(WriteModel):
    kind: RefKind
    target: Spec
    """What the branch or tag is to point at: a revision of the same dataset (``main~1``, a commit)."""
    expected: Annotated[str | None, Field(max_length=64)] = None
    """For a branch that exists, the commit it must point at now (a compare-and-swap); None creates only."""


class LogQuery(QueryModel):
    rev: Spec = DEFAULT_BRANCH
    limit: Annotated[int, Field(ge=1, le=MAX_LOG)] = 100


class SpecQuery(QueryModel):
    spec: Spec


class DatasetsQuery(QueryModel):
    max_results: Annotated[int, Field(ge=1, le=MAX_LOG)] = 100
    page_token: str | None = None


class FilesQuery(QueryModel):
    spec: Spec
    match: Annotated[str, Field(max_length=300)] = ""
    """Only entries whose path holds this text, in any case ("" lists every entry)."""
    max_results: Annotated[int, Field(ge=1, le=MAX_FILES_PAGE)] = 1000
    page_token: str | None = None


class DiffQuery(QueryModel):
    old: Spec
    new: Spec


class DatasetFile(ReadModel):
    path: str
    kind: EntryKind
    digest: str
    size: int
    mode: int


class TableSummary(ReadModel):
    """A CSV, TSV or Parquet file read as a table."""

    rows: int
    columns: dict[str, str]
    """Each column's type as Arrow names it (``int64``, ``string``, ``timestamp[ms]`` …), in file order."""


class FileChange(ReadModel):
    path: str
    old_size: int | None
    new_size: int | None
    old_kind: EntryKind | None = None
    """How the path was stored before (``file``, ``chunked`` or ``dir``, an empty folder); None when added."""
    new_kind: EntryKind | None = None
    old_table: TableSummary | None = None
    """For a table file (``.csv``, ``.tsv``, ``.parquet``) in a diff: its rows and columns before."""
    new_table: TableSummary | None = None

    @classmethod
    def between(
        cls, path: str, old: Entry | None, new: Entry | None, **tables: TableSummary | None
    ) -> FileChange:
        """The change at ``path`` from entry ``old`` to entry ``new`` (None where the path is absent)."""
        return cls(
            path=path,
            old_size=None if old is None else old.size,
            new_size=None if new is None else new.size,
            old_kind=None if old is None else old.kind,
            new_kind=None if new is None else new.kind,
            **tables,
        )


class Diff(ReadModel):
    old: str
    """The commit compared from."""
    new: str
    added: list[FileChange]
    removed: list[FileChange]
    modified: list[FileChange]
    unchanged: int
    tables_skipped: int = 0
    """Table files left without a row and column summary because the diff had summarised its limit."""


class MissingQuery(WriteModel):
    digests: Annotated[list[Digest], Field(max_length=MAX_MISSING)]


class Missing(ReadModel):
    missing: list[str]


class GcRequest(WriteModel):
    dry_run: bool = False
    grace_s: Annotated[float, Field(ge=0, allow_inf_nan=False)] = 3600.0
    """Objects written less than this long ago are kept even when nothing reaches them yet: an ``add``
    under way uploads its objects before it commits."""


class GcReport(ReadModel):
    reachable: int
    deleted: int
    deleted_bytes: int
    kept_recent: int
    dry_run: bool


class InputLog(WriteModel):
    spec: Spec
    """The dataset version the run read: ``churn@v3``, ``data:churn@<commit>``; a branch is resolved now."""


class PackStored(ReadModel):
    stored: int
    """How many of the pack's objects were new to the store."""


class CommitsReceive(WriteModel):
    commits: Annotated[list[Digest], Field(min_length=1, max_length=MAX_LOG)]
    """Commit ids whose commit objects (and everything they reach) are stored, parents before children."""


class CommitsQuery(WriteModel):
    commits: Annotated[list[Digest], Field(max_length=MAX_LOG)]


class Known(ReadModel):
    known: list[str]


def split_spec(text: str) -> tuple[str, str | None]:
    """``data:churn@v3`` to ``("churn", "v3")``; the revision is None when the spec names none."""
    name, _, revision = text.removeprefix("data:").partition("@")
    return name, revision or None


def encode_pack(objects: Iterable[tuple[str, bytes]]) -> bytes:
    parts = [PACK_HEADER]
    for name, data in objects:
        parts.append(_PACK_ENTRY.pack(bytes.fromhex(name), len(data)))
        parts.append(data)
    return b"".join(parts)


def decode_pack(body: bytes) -> list[tuple[str, bytes]]:
    """Every (digest, bytes) of a pack, each checked; InvalidData naming the first problem."""
    if not body.startswith(PACK_HEADER):
        raise InvalidData("not a pack: the header line is missing")
    view = memoryview(body)
    at = len(PACK_HEADER)
    out = []
    while at < len(body):
        if at + _PACK_ENTRY.size > len(body):
            raise InvalidData(f"the pack ends inside an entry header (at byte {at})")
        raw, size = _PACK_ENTRY.unpack_from(body, at)
        at += _PACK_ENTRY.size
        if at + size > len(body):
            raise InvalidData(f"the pack ends inside object {raw.hex()} ({size} bytes announced)")
        data = bytes(view[at : at + size])
        at += size
        if blake3(data).digest() != raw:
            raise InvalidData(f"object {raw.hex()} in the pack does not match its digest")
        out.append((raw.hex(), data))
    return out
