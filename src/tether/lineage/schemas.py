"""Data shapes of lineage: an edge as stored, and the graph a walk upstream or downstream returns."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tether.lineage.kinds import EdgeKind
from tether.refs import RefKind
from tether.schemas import QueryModel, ReadModel

Direction = Literal["upstream", "downstream"]


class LineageEdge(ReadModel):
    """``dst`` came from ``src`` in the way ``kind`` says; refs in their canonical text."""

    src: str
    dst: str
    kind: EdgeKind
    created_at: int
    """When the edge was recorded, in milliseconds since the epoch."""
    created_by: str | None
    """Who recorded it, when the recording domain knew (None for edges made from older stores)."""


class LineageNode(ReadModel):
    ref: str
    kind: RefKind
    depth: int
    """Edges between the walk's root and this node on a shortest path (0 for the root)."""


class LineageGraph(ReadModel):
    """What a walk from ``root`` found: nodes by depth, and every edge found between them.

    Edges keep their stored direction (``src`` upstream) whichever way the walk went. The graph may hold
    cycles and shared ancestors; ``children`` gives each node's next edges for rendering it as a tree.
    """

    root: str
    direction: Direction
    depth: int | None
    """The depth asked for; None walks as far as the edges go."""
    nodes: list[LineageNode]
    edges: list[LineageEdge]
    truncated: bool
    """The walk stopped at its node or edge limit before it had seen everything in reach."""

    def children(self) -> dict[str, list[LineageEdge]]:
        """For each node, the edges leading away from the root out of it, ordered by their far end."""
        downstream = self.direction == "downstream"
        found: dict[str, list[LineageEdge]] = {node.ref: [] for node in self.nodes}
        for edge in sorted(self.edges, key=lambda e: (e.dst if downstream else e.src, e.kind)):
            found[edge.src if downstream else edge.dst].append(edge)
        return found


class LineageQuery(QueryModel):
    """``ref``'s graph: ``upstream`` (what it came from) or ``downstream`` (what came from it)."""

    ref: str = Field(max_length=300)
    direction: Direction = "upstream"
    depth: int | None = Field(None, ge=1)
    max_nodes: int = Field(1000, ge=1, le=10_000)
