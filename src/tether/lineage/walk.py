"""Breadth-first walks over stored edges: one query per level, a visited set, and a size limit.

A visited set (not a path per row, as a recursive CTE would keep) makes the walk linear in what it finds
and safe on cycles, which stored edges may hold: each node is expanded once, at its shortest depth.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Row

from tether.errors import StorageError
from tether.lineage import queries
from tether.lineage.schemas import Direction, LineageEdge, LineageGraph, LineageNode
from tether.refs import InvalidRef, Ref, RefKind

EDGES_PER_NODE = 4
"""A graph of ``max_nodes`` nodes holds at most this many times as many edges."""


def walk(
    conn: Connection, root: Ref, direction: Direction, depth: int | None, max_nodes: int
) -> LineageGraph:
    """Every node within ``depth`` edges of ``root`` in ``direction``, up to ``max_nodes`` of them."""
    downstream = direction == "downstream"
    max_edges = EDGES_PER_NODE * max_nodes
    depths = {str(root): 0}
    found: dict[tuple[str, str, str], Row[Any]] = {}
    frontier = [str(root)]
    truncated = False
    level = 0
    while frontier and not truncated and (depth is None or level < depth):
        level += 1
        budget = max_edges - len(found)
        if downstream:
            rows = queries.edges_from(conn, frontier, limit=budget + 1)
        else:
            rows = queries.edges_into(conn, frontier, limit=budget + 1)
        truncated = len(rows) > budget
        frontier = []
        for row in rows[:budget]:
            far = row.dst_ref if downstream else row.src_ref
            if far not in depths:
                if len(depths) >= max_nodes:
                    truncated = True
                    continue
                depths[far] = level
                frontier.append(far)
            found[(row.src_ref, row.dst_ref, row.kind)] = row
    nodes = [
        LineageNode(ref=ref, kind=_kind_of(ref), depth=at)
        for ref, at in sorted(depths.items(), key=lambda item: (item[1], item[0]))
    ]
    return LineageGraph(
        root=str(root),
        direction=direction,
        depth=depth,
        nodes=nodes,
        edges=[edge_of(found[key]) for key in sorted(found)],
        truncated=truncated,
    )


def edge_of(row: Row[Any]) -> LineageEdge:
    return LineageEdge(
        src=row.src_ref,
        dst=row.dst_ref,
        kind=row.kind,
        created_at=row.created_at,
        created_by=row.created_by,
    )


def _kind_of(text: str) -> RefKind:
    try:
        return Ref.parse(text).kind
    except InvalidRef:
        raise StorageError(f"a stored lineage edge holds {text!r}, which is not a reference") from None
