"""``tether lineage REF``: where an object came from, or what depends on it, as a tree or JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from rich.tree import Tree

    from tether.client import Backend
    from tether.lineage.schemas import Direction, LineageGraph

EPILOG = """\b
Examples:
  tether lineage run:3f2a…                      # what the run was made from
  tether lineage run:3f2a… --downstream         # what was made from it: models, reports …
  tether lineage report:9c1d… --depth 1 --json
  tether lineage models:/churn@champion          # the version, the run that made it, the run's inputs
  tether lineage data:churn@v3 --downstream      # the runs (and their models) that used a dataset version
"""


def lineage(
    ref: Annotated[
        str,
        typer.Argument(
            metavar="REF",
            help="A reference: run:<id>, experiment:<id>, report:<id>, models:/<name>/<version>, "
            "models:/<name>@<alias> (the version it points at now), data:<name>@<commit> or "
            "data:<name>@<branch or tag> (the commit it points at now), "
            "pipeline-run:<id>, deployment:<name>.",
            show_default=False,
        ),
    ],
    downstream: Annotated[
        bool, typer.Option("--downstream", help="Show what depends on REF instead of what it came from.")
    ] = False,
    depth: Annotated[
        int | None,
        typer.Option("--depth", min=1, metavar="N", help="Follow at most N edges.", show_default="all"),
    ] = None,
    max_nodes: Annotated[
        int, typer.Option("--max-nodes", min=1, max=10_000, metavar="N", help="Stop after N objects.")
    ] = 1000,
    as_json: Json = False,
) -> None:
    """Show the lineage of one object: what it was made from (or, with --downstream, what came from it)."""
    direction: Direction = "downstream" if downstream else "upstream"
    with connected() as backend:
        graph = backend.lineage.graph(_resolved(backend, ref), direction, depth, max_nodes=max_nodes)
    if as_json:
        output.print_json(graph.model_dump(mode="json"))
        return
    output.console().print(tree_of(graph))
    if graph.truncated:
        output.note(
            f"the graph is larger than shown: it stopped at {len(graph.nodes)} objects (see --max-nodes)"
        )


def tree_of(graph: LineageGraph) -> Tree:
    """The graph as a tree from its root; a node reached again is named, not expanded twice."""
    from rich.markup import escape
    from rich.tree import Tree

    children = graph.children()
    downstream = graph.direction == "downstream"
    root = Tree(escape(graph.root))
    shown = {graph.root}
    pending = [(root, graph.root)]
    while pending:
        branch, ref = pending.pop()
        for edge in children.get(ref, []):
            far = edge.dst if downstream else edge.src
            label = f"{escape(far)}  [dim]{edge.kind}[/dim]"
            if far in shown:
                branch.add(f"{label} [dim](shown above)[/dim]")
                continue
            shown.add(far)
            pending.append((branch.add(label), far))
    if len(shown) == 1:
        root.add("[dim]nothing recorded[/dim]")
    return root


def _resolved(backend: Backend, ref: str) -> str:
    """A model alias becomes the version it points at now, and a dataset's branch or tag the commit it
    points at: lineage links versions, never pointers."""
    from tether.refs import DataVersionRef, ModelAliasRef, ModelVersionRef, Ref

    if ref.startswith(DataVersionRef.prefix) and not isinstance(_parsed(ref), DataVersionRef):
        return backend.data.resolve(ref).ref
    alias = Ref.parse(ref) if ref.startswith(ModelAliasRef.prefix) and "@" in ref else None
    if not isinstance(alias, ModelAliasRef):
        return ref
    version = backend.registry.get_version_by_alias(alias.name, alias.alias).version
    return str(ModelVersionRef(alias.name, version))


def _parsed(ref: str) -> object:
    """``ref`` parsed, or None when it is not a canonical reference (``data:churn``, ``data:churn@main~1``
    are specs the data domain reads)."""
    from tether.refs import InvalidRef, Ref

    try:
        return Ref.parse(ref)
    except InvalidRef:
        return None
