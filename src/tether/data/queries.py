"""SQL over the data tables: take a connection, return rows; the rules live in the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, delete, func, insert, select, update

from tether.storage.tables import data_commits, data_refs, datasets


def dataset_row(conn: Connection, name: str) -> Row[Any] | None:
    return conn.execute(select(datasets).where(datasets.c.name == name)).first()


def dataset_rows(conn: Connection, offset: int, limit: int) -> list[Row[Any]]:
    return list(conn.execute(select(datasets).order_by(datasets.c.name).offset(offset).limit(limit)))


def insert_dataset(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(insert(datasets).values(**row).returning(datasets.c.dataset_id))
    return int(result.scalar_one())


def delete_dataset(conn: Connection, dataset_id: int) -> None:
    conn.execute(delete(data_refs).where(data_refs.c.dataset_id == dataset_id))
    conn.execute(delete(data_commits).where(data_commits.c.dataset_id == dataset_id))
    conn.execute(delete(datasets).where(datasets.c.dataset_id == dataset_id))


def commit_counts(conn: Connection, dataset_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(data_commits.c.dataset_id, func.count())
        .where(data_commits.c.dataset_id.in_(dataset_ids))
        .group_by(data_commits.c.dataset_id)
    )
    return {int(dataset_id): int(count) for dataset_id, count in conn.execute(query)}


def commit_row(conn: Connection, commit_id: str) -> Row[Any] | None:
    return conn.execute(select(data_commits).where(data_commits.c.commit_id == commit_id)).first()


def commits_with_prefix(conn: Connection, dataset_id: int, prefix: str, limit: int = 2) -> list[Row[Any]]:
    query = (
        select(data_commits)
        .where(data_commits.c.dataset_id == dataset_id, data_commits.c.commit_id.startswith(prefix))
        .limit(limit)
    )
    return list(conn.execute(query))


def recorded_commits(conn: Connection, dataset_id: int, commit_ids: Sequence[str]) -> set[str]:
    query = select(data_commits.c.commit_id).where(
        data_commits.c.dataset_id == dataset_id, data_commits.c.commit_id.in_(commit_ids)
    )
    return {str(row[0]) for row in conn.execute(query)}


def insert_commit(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(data_commits).values(**row))


def manifests(conn: Connection) -> list[str]:
    """The manifest of every commit of every dataset: what garbage collection keeps."""
    return [str(row[0]) for row in conn.execute(select(data_commits.c.manifest).distinct())]


def commit_ids(conn: Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(select(data_commits.c.commit_id))]


def ref_rows(conn: Connection, dataset_ids: Sequence[int]) -> list[Row[Any]]:
    query = (
        select(data_refs)
        .where(data_refs.c.dataset_id.in_(dataset_ids))
        .order_by(data_refs.c.dataset_id, data_refs.c.kind, data_refs.c.name)
    )
    return list(conn.execute(query))


def ref_row(conn: Connection, dataset_id: int, name: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(data_refs).where(data_refs.c.dataset_id == dataset_id, data_refs.c.name == name)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def insert_ref(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(data_refs).values(**row))


def move_ref(conn: Connection, dataset_id: int, name: str, expected: str, new: str, now: int) -> bool:
    """Point ``name`` at ``new`` only if it still points at ``expected``: True when it moved."""
    result = conn.execute(
        update(data_refs)
        .where(
            data_refs.c.dataset_id == dataset_id,
            data_refs.c.name == name,
            data_refs.c.commit_id == expected,
        )
        .values(commit_id=new, updated_at=now)
    )
    return result.rowcount == 1


def delete_ref(conn: Connection, dataset_id: int, name: str) -> None:
    conn.execute(delete(data_refs).where(data_refs.c.dataset_id == dataset_id, data_refs.c.name == name))
