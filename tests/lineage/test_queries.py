"""Lineage SQL: idempotent inserts, lookups in both directions with a stable order, deletes, linked ids."""

from __future__ import annotations

from sqlalchemy import select

from tether.lineage import queries
from tether.storage.db import Database
from tether.storage.tables import lineage_edges

A, B, C = (f"run:{c * 32}" for c in "abc")
M1, M2 = "models:/churn/1", "models:/churn/2"
R1, R2 = (f"report:{c * 32}" for c in "de")


def edge(src: str, dst: str, kind: str, at: int = 1, by: str | None = None) -> dict[str, object]:
    return {"src_ref": src, "dst_ref": dst, "kind": kind, "created_at": at, "created_by": by}


def test_inserting_a_stored_edge_again_keeps_the_first(db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(conn, [edge(A, M1, "produced", 1, "ann")])
        queries.insert_edges(conn, [edge(A, M1, "produced", 2, "bob"), edge(A, M2, "produced", 2)])
        queries.insert_edges(conn, [])
    with db.read() as conn:
        rows = conn.execute(select(lineage_edges).order_by(lineage_edges.c.dst_ref)).all()
    assert [(r.dst_ref, r.created_at, r.created_by) for r in rows] == [(M1, 1, "ann"), (M2, 2, None)]


def test_stored_edges_returns_only_the_keys_asked_for(db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(
            conn, [edge(A, M1, "produced"), edge(B, M2, "produced"), edge(A, M2, "produced")]
        )
        found = queries.stored_edges(conn, {(A, M1, "produced"), (B, M2, "produced"), (B, M1, "produced")})
        assert queries.stored_edges(conn, set()) == []
    assert sorted((r.src_ref, r.dst_ref) for r in found) == [(A, M1), (B, M2)]


def test_lookups_in_both_directions_are_ordered_by_the_far_end_and_limited(db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(
            conn,
            [
                edge(B, M1, "produced"),
                edge(A, M2, "produced"),
                edge(A, M1, "produced"),
                edge(A, R1, "judged"),
            ],
        )
    with db.read() as conn:
        out_of_a = queries.edges_from(conn, [A])
        assert [r.dst_ref for r in out_of_a] == [M1, M2, R1]
        assert [(r.src_ref, r.dst_ref) for r in queries.edges_from(conn, [A, B], limit=2)] == [
            (A, M1),
            (B, M1),
        ]
        assert [r.src_ref for r in queries.edges_into(conn, [M1])] == [A, B]
        assert [r.src_ref for r in queries.edges_into(conn, [M1, R1], kinds=["judged"])] == [A]
        assert queries.edges_into(conn, [M1], kinds=[]) == []
        assert queries.edges_from(conn, [C]) == []


def test_deleting_the_edges_of_a_ref_takes_both_directions_only(db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(conn, [edge(A, M1, "produced"), edge(M1, B, "used"), edge(A, M2, "produced")])
        assert queries.delete_edges_of(conn, M1) == 2
        assert queries.delete_edges_of(conn, M1) == 0
    with db.read() as conn:
        assert [(r.src_ref, r.dst_ref) for r in conn.execute(select(lineage_edges))] == [(A, M2)]


def test_linked_ids_selects_the_ids_one_kind_of_edge_reaches(db: Database) -> None:
    with db.write() as conn:
        queries.insert_edges(
            conn,
            [edge(A, R1, "judged"), edge(A, R2, "judged"), edge(B, R2, "judged"), edge(A, M1, "produced")],
        )
    with db.read() as conn:
        assert sorted(conn.execute(queries.linked_ids(A, "judged", "report:")).scalars()) == [
            "d" * 32,
            "e" * 32,
        ]
        assert list(conn.execute(queries.linked_ids(B, "judged", "report:")).scalars()) == ["e" * 32]
        assert list(conn.execute(queries.linked_ids(A, "produced", "report:")).scalars()) == []
        assert list(conn.execute(queries.linked_ids(A, "produced", "models:/")).scalars()) == ["churn/1"]
