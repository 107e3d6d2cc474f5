"""SQL for what quotas are checked against: bytes of artifacts per experiment, and keys per run.

Functions take a connection and return figures; the rules that compare them with limits are quotas.py.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row, ScalarSelect, Select, Table, bindparam, func, select

from tether.storage.bulk import insert_for
from tether.storage.tables import artifact_files, artifact_usage, latest_metrics, params, run_tags, runs

KEY_TABLES: dict[str, Table] = {"param": params, "tag": run_tags, "metric": latest_metrics}


def experiment_bytes(conn: Connection, experiment_id: int) -> int:
    found = conn.execute(
        select(artifact_usage.c.bytes).where(artifact_usage.c.experiment_id == experiment_id)
    ).scalar()
    return int(found or 0)


def artifact_size(conn: Connection, run_id: str, path: str) -> int:
    """The counted size of one artifact file; 0 when it is new (or was stored before usage was counted)."""
    where = artifact_files.c.run_id == run_id, artifact_files.c.path == path
    return int(conn.execute(select(artifact_files.c.size).where(*where)).scalar() or 0)


def record_artifact(conn: Connection, run_id: str, experiment_id: int, path: str, size: int) -> None:
    """Count a stored file, replacing what an earlier file at the same path counted."""
    change = size - artifact_size(conn, run_id, path)
    files = insert_for(conn, artifact_files)
    conn.execute(
        files.on_conflict_do_update(index_elements=["run_id", "path"], set_={"size": files.excluded.size}),
        [{"run_id": run_id, "path": path, "size": size}],
    )
    usage = insert_for(conn, artifact_usage)
    conn.execute(
        usage.on_conflict_do_update(
            index_elements=["experiment_id"], set_={"bytes": artifact_usage.c.bytes + usage.excluded.bytes}
        ),
        [{"experiment_id": experiment_id, "bytes": change}],
    )


def key_counts(conn: Connection, run_id: str, kinds: Sequence[str]) -> dict[str, int]:
    """Distinct keys of each kind (param, tag, metric) a run holds, counted in one statement."""
    found = conn.execute(_key_counts(tuple(kinds)), {"run_id": run_id}).one()
    return {kind: int(n) for kind, n in zip(kinds, found, strict=True)}


def run_with_key_counts(
    conn: Connection, run_id: str, kinds: Sequence[str]
) -> tuple[Row[Any], dict[str, int]] | None:
    """The run's row and its distinct keys of each kind, in one statement; None when there is no such run."""
    found = conn.execute(_run_with_key_counts(tuple(kinds)), {"run_id": run_id}).first()
    if found is None:
        return None
    counted = len(found) - len(kinds)
    return found, {kind: int(n) for kind, n in zip(kinds, found[counted:], strict=True)}


def _counts(kinds: tuple[str, ...]) -> list[ScalarSelect[Any]]:
    return [
        select(func.count())
        .select_from(KEY_TABLES[kind])
        .where(KEY_TABLES[kind].c.run_id == bindparam("run_id"))
        .scalar_subquery()
        for kind in kinds
    ]


@functools.cache
def _key_counts(kinds: tuple[str, ...]) -> Select[Any]:
    return select(*_counts(kinds))


@functools.cache
def _run_with_key_counts(kinds: tuple[str, ...]) -> Select[Any]:
    return select(runs, *_counts(kinds)).where(runs.c.run_id == bindparam("run_id"))
