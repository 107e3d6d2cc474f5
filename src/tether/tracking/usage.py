"""SQL for what quotas are checked against: bytes of artifacts per experiment, and keys per run.

Functions take a connection and return figures; the rules that compare them with limits are quotas.py.
"""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select

from tether.storage.bulk import insert_for
from tether.storage.tables import artifact_files, artifact_usage, latest_metrics, params, run_tags

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


def key_count(conn: Connection, run_id: str, kind: str) -> int:
    """Distinct keys of one kind (param, tag, metric) a run holds."""
    table = KEY_TABLES[kind]
    return int(
        conn.execute(select(func.count()).select_from(table).where(table.c.run_id == run_id)).scalar_one()
    )
