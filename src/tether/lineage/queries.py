"""SQL over ``lineage_edges``: refs as canonical text in, rows out; the rules live in the service.

Each function takes the caller's connection, so a domain can read edges inside its own transaction.
Lists of refs go into one ``IN``; callers keep them to a few thousand.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, Select, delete, func, or_, select, update

from tether.storage.bulk import insert_for
from tether.storage.tables import lineage_edges as edges

_KEY = ["src_ref", "dst_ref", "kind"]


def insert_edges(conn: Connection, rows: Sequence[Mapping[str, object]]) -> None:
    """Insert edge rows; an edge already stored (same src, dst and kind) is left as it was."""
    if rows:
        conn.execute(insert_for(conn, edges).on_conflict_do_nothing(index_elements=_KEY), list(rows))


def stored_edges(conn: Connection, keys: Collection[tuple[str, str, str]]) -> list[Row[Any]]:
    """The stored rows among these (src, dst, kind) keys."""
    if not keys:
        return []
    srcs = sorted({src for src, _, _ in keys})
    dsts = sorted({dst for _, dst, _ in keys})
    found = conn.execute(select(edges).where(edges.c.src_ref.in_(srcs), edges.c.dst_ref.in_(dsts)))
    return [row for row in found if (row.src_ref, row.dst_ref, row.kind) in keys]


def edges_from(conn: Connection, srcs: Collection[str], limit: int | None = None) -> list[Row[Any]]:
    """Edges out of any of ``srcs``, ordered by (dst, kind, src) so a limit cuts the same way each time."""
    query = (
        select(edges)
        .where(edges.c.src_ref.in_(sorted(srcs)))
        .order_by(edges.c.dst_ref, edges.c.kind, edges.c.src_ref)
    )
    return list(conn.execute(query.limit(limit)))


def edges_into(
    conn: Connection,
    dsts: Collection[str],
    kinds: Collection[str] | None = None,
    limit: int | None = None,
) -> list[Row[Any]]:
    """Edges into any of ``dsts`` (of ``kinds`` only, if given), ordered by (src, kind, dst)."""
    query = select(edges).where(edges.c.dst_ref.in_(sorted(dsts)))
    if kinds is not None:
        query = query.where(edges.c.kind.in_(sorted(kinds)))
    query = query.order_by(edges.c.src_ref, edges.c.kind, edges.c.dst_ref)
    return list(conn.execute(query.limit(limit)))


def delete_edges_of(conn: Connection, ref: str) -> int:
    """Delete every edge into or out of ``ref``; returns how many there were."""
    result = conn.execute(delete(edges).where(or_(edges.c.src_ref == ref, edges.c.dst_ref == ref)))
    return int(result.rowcount)


def rename_ref(conn: Connection, old: str, new: str) -> None:
    """Point every edge into or out of ``old`` at ``new`` instead."""
    for column in (edges.c.src_ref, edges.c.dst_ref):
        conn.execute(update(edges).where(column == old).values({column.name: new}))


def linked_ids(src: str, kind: str, dst_prefix: str) -> Select[tuple[str]]:
    """A subquery of the ids that ``kind`` edges out of ``src`` reach, among refs starting ``dst_prefix``.

    For a domain that lists its objects by lineage: ``reports.c.report_id.in_(linked_ids(run, "judged",
    "report:"))``, so the filter and the paging stay in one statement.
    """
    start = len(dst_prefix) + 1
    return select(func.substr(edges.c.dst_ref, start)).where(
        edges.c.src_ref == src,
        edges.c.kind == kind,
        edges.c.dst_ref.startswith(dst_prefix, autoescape=True),
    )
