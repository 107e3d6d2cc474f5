"""The lineage domain's REST API (see ``tether.endpoints``): one walk of the graph from a reference.

Reading a graph needs READ on the experiment behind its root; each object the graph names is checked
again when it is opened. Edges are recorded by the domains themselves, inside their own transactions
(``record``, ``record_many``, ``forget`` take the caller's connection), so they have no endpoint.
"""

from __future__ import annotations

from tether.endpoints import Domain, Endpoint, in_query, on, tagged
from tether.lineage.schemas import LineageGraph, LineageQuery

DOMAIN = Domain(
    "lineage",
    tagged(
        "lineage",
        (
            Endpoint(
                "GET",
                "/lineage",
                "graph",
                on("READ", in_query("ref", "ref")),
                LineageGraph,
                query=LineageQuery,
            ),
        ),
    ),
    internal=("record", "record_many", "forget", "rename"),
)
