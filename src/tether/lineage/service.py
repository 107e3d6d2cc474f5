"""LineageService: record edges between refs, forget an object's edges, walk the graph either way.

Writes take an optional ``conn``: a domain passes the connection of its own write transaction
(``Database.write()``), so the edge commits or rolls back with the object it describes; without one, the
service opens and commits its own transaction.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator

from sqlalchemy import Connection

from tether.errors import InvalidInput
from tether.lineage import queries
from tether.lineage.kinds import EdgeKind, check_edge, check_resolved
from tether.lineage.schemas import Direction, LineageEdge, LineageGraph
from tether.lineage.walk import edge_of, walk
from tether.refs import Ref
from tether.storage.db import Database

MAX_EDGES_PER_CALL = 10_000
DEFAULT_MAX_NODES = 1_000
MAX_NODES = 10_000
MAX_CREATED_BY = 250
_CHUNK = 500

EdgeSpec = tuple[Ref | str, Ref | str, EdgeKind]
"""(src, dst, kind) of one edge to record: src is what dst came from."""


def now_ms() -> int:
    return int(time.time() * 1000)


class LineageService:
    def __init__(self, db: Database, clock: Callable[[], int] = now_ms) -> None:
        self.db = db
        self.clock = clock

    def record(
        self,
        src: Ref | str,
        dst: Ref | str,
        kind: EdgeKind,
        *,
        created_by: str | None = None,
        conn: Connection | None = None,
    ) -> LineageEdge:
        """Record that ``dst`` came from ``src``; recording it again changes nothing and returns it."""
        return self.record_many([(src, dst, kind)], created_by=created_by, conn=conn)[0]

    def record_many(
        self,
        edges: Iterable[EdgeSpec],
        *,
        created_by: str | None = None,
        conn: Connection | None = None,
    ) -> list[LineageEdge]:
        """Record several edges at once: all of them, or none when any is invalid.

        Returns the stored edge for each one given, in order; an edge stored before keeps the time and
        author of its first recording.
        """
        specs = list(itertools.islice(edges, MAX_EDGES_PER_CALL + 1))
        if len(specs) > MAX_EDGES_PER_CALL:
            raise InvalidInput(f"more than {MAX_EDGES_PER_CALL} edges in one call; record them in parts")
        keys = [_checked(spec) for spec in specs]
        author = _author(created_by)
        now = self.clock()
        unique = list(dict.fromkeys(keys))
        stored: dict[tuple[str, str, str], LineageEdge] = {}
        with self._writing(conn) as writer:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start : start + _CHUNK]
                rows = [
                    {"src_ref": src, "dst_ref": dst, "kind": kind, "created_at": now, "created_by": author}
                    for src, dst, kind in chunk
                ]
                queries.insert_edges(writer, rows)
                for found in queries.stored_edges(writer, set(chunk)):
                    stored[(found.src_ref, found.dst_ref, found.kind)] = edge_of(found)
        return [stored[key] for key in keys]

    def forget(self, ref: Ref | str, *, conn: Connection | None = None) -> int:
        """Delete every edge into or out of ``ref``, for an object deleted for good; returns how many."""
        text = str(_ref(ref))
        with self._writing(conn) as writer:
            return queries.delete_edges_of(writer, text)

    def rename(self, old: Ref | str, new: Ref | str, *, conn: Connection | None = None) -> None:
        """Move every edge of ``old`` to ``new``, for an object whose reference changed (a renamed model's
        versions); what each edge means, and when and by whom it was made, stay as they were."""
        old_text, new_text = str(check_resolved(_ref(old))), str(check_resolved(_ref(new)))
        with self._writing(conn) as writer:
            queries.rename_ref(writer, old_text, new_text)

    def graph(
        self,
        ref: Ref | str,
        direction: Direction = "upstream",
        depth: int | None = None,
        *,
        max_nodes: int = DEFAULT_MAX_NODES,
    ) -> LineageGraph:
        """Where ``ref`` came from (``upstream``: everything it was made from) or what depends on it
        (``downstream``: everything made from it), to ``depth`` edges (None: all the way)."""
        root = check_resolved(_ref(ref))
        if direction not in ("upstream", "downstream"):
            raise InvalidInput(f"direction must be 'upstream' or 'downstream', got {direction!r}")
        if depth is not None and (type(depth) is not int or depth < 1):
            raise InvalidInput(f"depth must be a whole number from 1, or None for any depth; got {depth!r}")
        if type(max_nodes) is not int or not 1 <= max_nodes <= MAX_NODES:
            raise InvalidInput(f"max_nodes must be between 1 and {MAX_NODES}, got {max_nodes!r}")
        with self.db.read() as conn:
            return walk(conn, root, direction, depth, max_nodes)

    @contextlib.contextmanager
    def _writing(self, conn: Connection | None) -> Iterator[Connection]:
        if conn is not None:
            yield conn
            return
        with self.db.write() as own:
            yield own


def _ref(value: Ref | str) -> Ref:
    return value if isinstance(value, Ref) else Ref.parse(value)


def _checked(spec: EdgeSpec) -> tuple[str, str, EdgeKind]:
    src, dst, kind = spec
    src_ref, dst_ref = _ref(src), _ref(dst)
    return str(src_ref), str(dst_ref), check_edge(src_ref, dst_ref, kind)


def _author(created_by: str | None) -> str | None:
    if created_by is None:
        return None
    if not isinstance(created_by, str):
        raise InvalidInput(f"created_by must be text or None, got {type(created_by).__name__}")
    if not 1 <= len(created_by) <= MAX_CREATED_BY:
        raise InvalidInput(f"created_by must be 1 to {MAX_CREATED_BY} characters, got {len(created_by)}")
    return created_by
