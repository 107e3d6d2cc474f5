"""LineageService: recording (alone or in a domain's transaction), refusals, and walks both ways."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from tests.lineage.conftest import Clock

from tether.errors import InvalidInput, StorageError
from tether.lineage import queries
from tether.lineage.schemas import LineageGraph
from tether.lineage.service import MAX_EDGES_PER_CALL, MAX_NODES, LineageService
from tether.refs import (
    DataVersionRef,
    DeploymentRef,
    ModelAliasRef,
    ModelVersionRef,
    PipelineRunRef,
    ReportRef,
    RunRef,
)
from tether.storage.db import Database
from tether.storage.tables import lineage_edges

DATA = DataVersionRef("images", "c" * 64)
OTHER_DATA = DataVersionRef("labels", "d" * 64)
TRAIN, TUNE = RunRef("a" * 32), RunRef("b" * 32)
V1, V2 = ModelVersionRef("churn", 1), ModelVersionRef("churn", 2)
SERVE = DeploymentRef("churn-prod")


def count(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(lineage_edges)).scalar_one())


def pairs(graph: LineageGraph) -> list[tuple[str, str, str]]:
    return [(e.src, e.dst, e.kind) for e in graph.edges]


def depths(graph: LineageGraph) -> dict[str, int]:
    return {node.ref: node.depth for node in graph.nodes}


def test_an_edge_is_recorded_with_its_time_and_author(lineage: LineageService, clock: Clock) -> None:
    edge = lineage.record(TRAIN, V1, "produced", created_by="ann")
    assert (edge.src, edge.dst, edge.kind) == (str(TRAIN), "models:/churn/1", "produced")
    assert (edge.created_at, edge.created_by) == (1_000, "ann")
    assert lineage.record(str(DATA), str(TRAIN), "used").created_by is None


def test_recording_again_changes_nothing(lineage: LineageService, clock: Clock, db: Database) -> None:
    first = lineage.record(TRAIN, V1, "produced", created_by="ann")
    clock.now = 5_000
    again = lineage.record(str(TRAIN), str(V1), "produced", created_by="bob")
    assert again == first and count(db) == 1


def test_many_edges_come_back_in_the_order_given(lineage: LineageService, clock: Clock, db: Database) -> None:
    lineage.record(DATA, TRAIN, "used")
    clock.now = 2_000
    stored = lineage.record_many(
        [(TRAIN, V1, "produced"), (DATA, TRAIN, "used"), (TRAIN, V1, "produced"), (DATA, TUNE, "used")],
        created_by="ci",
    )
    assert [(e.dst, e.created_at) for e in stored] == [
        (str(V1), 2_000),
        (str(TRAIN), 1_000),
        (str(V1), 2_000),
        (str(TUNE), 2_000),
    ]
    assert count(db) == 3
    assert lineage.record_many([]) == []


def test_a_large_batch_is_stored_in_parts(lineage: LineageService, db: Database) -> None:
    runs = [RunRef(f"{i:032x}") for i in range(1_200)]
    stored = lineage.record_many((DATA, run, "used") for run in runs)
    assert [e.dst for e in stored] == [str(run) for run in runs]
    assert count(db) == 1_200
    with pytest.raises(InvalidInput, match=f"more than {MAX_EDGES_PER_CALL} edges in one call"):
        lineage.record_many((DATA, RunRef(f"{i:032x}"), "used") for i in range(MAX_EDGES_PER_CALL + 1))
    assert count(db) == 1_200


@pytest.mark.parametrize(
    ("src", "dst", "kind", "created_by", "message"),
    [
        (TRAIN, TRAIN, "produced", None, "two different objects"),
        (TRAIN, V1, "trained", None, "unknown edge kind 'trained'"),
        (V1, TRAIN, "produced", None, "a 'produced' edge goes from"),
        (TRAIN, ModelAliasRef("churn", "champion"), "produced", None, "a pointer that moves"),
        ("models:/churn@champion", TRAIN, "used", None, "a pointer that moves"),
        ("run:nothex", V1, "produced", None, "not a valid run reference"),
        (TRAIN, "model:churn/1", "produced", None, "is not a reference"),
        (TRAIN, V1, "produced", "", "created_by must be 1 to 250 characters"),
        (TRAIN, V1, "produced", "x" * 251, "created_by must be 1 to 250 characters, got 251"),
        (TRAIN, V1, "produced", 7, "created_by must be text or None"),
    ],
)
def test_bad_edges_are_refused_and_nothing_of_the_batch_is_stored(
    lineage: LineageService,
    db: Database,
    src: object,
    dst: object,
    kind: str,
    created_by: object,
    message: str,
) -> None:
    with pytest.raises(InvalidInput, match=message):
        lineage.record_many([(DATA, TRAIN, "used"), (src, dst, kind)], created_by=created_by)  # type: ignore[list-item,arg-type]
    assert count(db) == 0


def test_an_edge_in_a_domain_transaction_commits_and_rolls_back_with_it(
    lineage: LineageService, db: Database
) -> None:
    with db.write() as conn:
        lineage.record(TRAIN, V1, "produced", conn=conn)
    with pytest.raises(RuntimeError), db.write() as conn:
        lineage.record(TRAIN, V2, "produced", conn=conn)
        lineage.forget(V1, conn=conn)
        raise RuntimeError("the domain's own write failed")
    assert pairs(lineage.graph(TRAIN, "downstream")) == [(str(TRAIN), str(V1), "produced")]


def test_forget_removes_every_edge_of_an_object(lineage: LineageService) -> None:
    lineage.record_many([(DATA, TRAIN, "used"), (TRAIN, V1, "produced"), (TRAIN, V2, "produced")])
    assert lineage.forget(str(TRAIN)) == 3
    assert lineage.forget(TRAIN) == 0
    assert pairs(lineage.graph(DATA, "downstream")) == []
    with pytest.raises(InvalidInput, match="is not a reference"):
        lineage.forget("nothing")


def test_rename_moves_edges_and_keeps_their_time(lineage: LineageService, clock: Clock) -> None:
    first = lineage.record(TRAIN, V1, "produced")
    lineage.record(V1, "report:" + "a" * 32, "judged")
    renamed = ModelVersionRef("renamed", 1)
    lineage.rename(V1, renamed)
    upstream = lineage.graph(renamed, "upstream")
    assert pairs(upstream) == [(str(TRAIN), str(renamed), "produced")]
    assert upstream.edges[0].created_at == first.created_at
    assert len(lineage.graph(renamed, "downstream").edges) == 1
    assert lineage.graph(V1, "upstream").edges == []
    with pytest.raises(InvalidInput, match="pointer"):
        lineage.rename(renamed, "models:/renamed@champion")


def chain(lineage: LineageService) -> None:
    """Two datasets train a run; the run and a tuning run make two versions; both were served."""
    lineage.record_many(
        [
            (DATA, TRAIN, "used"),
            (OTHER_DATA, TRAIN, "used"),
            (TRAIN, V1, "produced"),
            (V1, TUNE, "used"),
            (DATA, TUNE, "used"),
            (TUNE, V2, "produced"),
            (V1, SERVE, "deployed"),
            (V2, SERVE, "deployed"),
        ]
    )


def test_downstream_finds_everything_made_from_a_dataset(lineage: LineageService) -> None:
    chain(lineage)
    graph = lineage.graph(DATA, "downstream")
    assert (graph.root, graph.direction, graph.depth, graph.truncated) == (
        str(DATA),
        "downstream",
        None,
        False,
    )
    assert depths(graph) == {str(DATA): 0, str(TRAIN): 1, str(TUNE): 1, str(V1): 2, str(V2): 2, str(SERVE): 3}
    assert [n.ref for n in graph.nodes][:1] == [str(DATA)]
    assert {n.ref: n.kind for n in graph.nodes}[str(SERVE)] == "deployment"
    assert len(graph.edges) == 7 and (str(V1), str(TUNE), "used") in pairs(graph)
    assert (str(OTHER_DATA), str(TRAIN), "used") not in pairs(graph)


def test_upstream_finds_where_a_deployment_came_from_with_edges_kept_upstream_first(
    lineage: LineageService,
) -> None:
    chain(lineage)
    graph = lineage.graph(SERVE, "upstream")
    assert depths(graph) == {
        str(SERVE): 0,
        str(V1): 1,
        str(V2): 1,
        str(TRAIN): 2,
        str(TUNE): 2,
        str(DATA): 3,
        str(OTHER_DATA): 3,
    }
    assert all(edge.kind != "deployed" or edge.dst == str(SERVE) for edge in graph.edges)
    assert len(graph.edges) == 8


def test_depth_limits_how_far_a_walk_goes(lineage: LineageService) -> None:
    chain(lineage)
    one = lineage.graph(DATA, "downstream", depth=1)
    assert set(depths(one)) == {str(DATA), str(TRAIN), str(TUNE)} and not one.truncated
    assert pairs(one) == [(str(DATA), str(TRAIN), "used"), (str(DATA), str(TUNE), "used")]
    two = lineage.graph(SERVE, "upstream", depth=2)
    assert str(OTHER_DATA) not in depths(two) and two.depth == 2


def test_cycles_in_stored_edges_end(lineage: LineageService) -> None:
    prod = [ModelVersionRef("churn-prod", i) for i in (1, 2)]
    lineage.record_many([(V1, prod[0], "registered_from"), (prod[0], prod[1], "registered_from")])
    lineage.record(prod[1], V1, "registered_from")
    lineage.record_many([(TRAIN, V2, "produced"), (V2, TRAIN, "used")])
    ring = lineage.graph(V1, "downstream")
    assert depths(ring) == {str(V1): 0, str(prod[0]): 1, str(prod[1]): 2}
    assert len(ring.edges) == 3 and not ring.truncated
    assert depths(lineage.graph(V1, "upstream")) == {str(V1): 0, str(prod[1]): 1, str(prod[0]): 2}
    pair = lineage.graph(TRAIN, "downstream")
    assert depths(pair) == {str(TRAIN): 0, str(V2): 1}
    assert pairs(pair) == [(str(V2), str(TRAIN), "used"), (str(TRAIN), str(V2), "produced")]


def test_a_walk_stops_at_its_node_limit_and_says_so(lineage: LineageService) -> None:
    runs = [RunRef(f"{i:032x}") for i in range(20)]
    lineage.record_many((DATA, run, "used") for run in runs)
    graph = lineage.graph(DATA, "downstream", max_nodes=5)
    assert graph.truncated and [n.ref for n in graph.nodes] == [str(DATA), *(str(r) for r in runs[:4])]
    assert [e.dst for e in graph.edges] == [str(r) for r in runs[:4]]
    alone = lineage.graph(DATA, "downstream", max_nodes=1)
    assert alone.truncated and alone.edges == [] and len(alone.nodes) == 1
    assert not lineage.graph(DATA, "downstream", max_nodes=21).truncated


def test_a_ref_without_edges_is_a_graph_of_itself(lineage: LineageService) -> None:
    graph = lineage.graph(PipelineRunRef("f" * 32), "upstream")
    assert [(n.ref, n.kind, n.depth) for n in graph.nodes] == [
        (f"pipeline-run:{'f' * 32}", "pipeline-run", 0)
    ]
    assert graph.edges == [] and not graph.truncated


@pytest.mark.parametrize(
    ("ref", "depth", "max_nodes", "message"),
    [
        (ModelAliasRef("churn", "champion"), None, 10, "a pointer that moves"),
        ("data:images@main", None, 10, "a pointer that moves"),
        ("runs:x", None, 10, "is not a reference"),
        (TRAIN, 0, 10, "depth must be a whole number from 1"),
        (TRAIN, -1, 10, "depth must be"),
        (TRAIN, True, 10, "depth must be"),
        (TRAIN, "2", 10, "depth must be"),
        (TRAIN, None, 0, f"max_nodes must be between 1 and {MAX_NODES}"),
        (TRAIN, None, MAX_NODES + 1, "max_nodes must be"),
    ],
)
def test_bad_walks_are_refused(
    lineage: LineageService, ref: object, depth: object, max_nodes: object, message: str
) -> None:
    for direction in ("upstream", "downstream"):
        with pytest.raises(InvalidInput, match=message):
            lineage.graph(ref, direction, depth, max_nodes=max_nodes)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="direction must be"):
        lineage.graph(TRAIN, "sideways")  # type: ignore[arg-type]


def test_children_give_a_tree_view_of_the_graph(lineage: LineageService) -> None:
    chain(lineage)
    tree = lineage.graph(DATA, "downstream").children()
    assert [e.dst for e in tree[str(DATA)]] == [str(TRAIN), str(TUNE)]
    assert [e.dst for e in tree[str(TRAIN)]] == [str(V1)]
    assert [e.dst for e in tree[str(V1)]] == [str(SERVE), str(TUNE)]
    assert tree[str(SERVE)] == []
    up = lineage.graph(SERVE, "upstream").children()
    assert [e.src for e in up[str(SERVE)]] == [str(V1), str(V2)]


def test_a_stored_edge_that_is_not_a_ref_is_a_storage_error(lineage: LineageService, db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(
            conn,
            [
                {
                    "src_ref": str(TRAIN),
                    "dst_ref": "junk",
                    "kind": "produced",
                    "created_at": 1,
                    "created_by": None,
                }
            ],
        )
    with pytest.raises(StorageError, match="'junk', which is not a reference"):
        lineage.graph(TRAIN, "downstream")


def test_a_report_judges_a_run(lineage: LineageService) -> None:
    report = ReportRef("e" * 32)
    lineage.record(TRAIN, report, "judged")
    assert depths(lineage.graph(report, "upstream")) == {str(report): 0, str(TRAIN): 1}
