"""SQL of the tracking domain. Functions take a connection and return rows; rules live in service.py."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from tether.storage.bulk import insert_for
from tether.storage.tables import (
    experiment_tags,
    experiments,
    latest_metrics,
    metric_chunks,
    params,
    run_tags,
    runs,
)
from tether.tracking.chunks import Series
from tether.types import ViewType


def lifecycle_filter(column: Any, view: ViewType) -> Any:
    if view == "all":
        return column.isnot(None)
    return column == view


# --- experiments --------------------------------------------------------------------------------------


def insert_experiment(conn: Connection, name: str, now: int) -> int:
    result = conn.execute(
        experiments.insert().values(
            name=name, lifecycle_stage="active", creation_time=now, last_update_time=now
        )
    )
    return int(result.inserted_primary_key[0])  # type: ignore[index]


def experiment_row(conn: Connection, experiment_id: int) -> Row[Any] | None:
    return conn.execute(select(experiments).where(experiments.c.experiment_id == experiment_id)).first()


def experiment_row_by_name(conn: Connection, name: str) -> Row[Any] | None:
    return conn.execute(select(experiments).where(experiments.c.name == name)).first()


def experiment_rows(conn: Connection, view: ViewType, limit: int, offset: int) -> Sequence[Row[Any]]:
    query = (
        select(experiments)
        .where(lifecycle_filter(experiments.c.lifecycle_stage, view))
        .order_by(experiments.c.experiment_id)
        .limit(limit)
        .offset(offset)
    )
    return conn.execute(query).all()


def update_experiment(conn: Connection, experiment_id: int, **values: object) -> None:
    conn.execute(experiments.update().where(experiments.c.experiment_id == experiment_id).values(**values))


def experiment_tag_map(conn: Connection, experiment_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = defaultdict(dict)
    query = select(experiment_tags).where(experiment_tags.c.experiment_id.in_(experiment_ids))
    for row in conn.execute(query):
        out[row.experiment_id][row.key] = row.value
    return out


def upsert_experiment_tags(conn: Connection, experiment_id: int, tags: Mapping[str, str]) -> None:
    if not tags:
        return
    stmt = insert_for(conn, experiment_tags)
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["experiment_id", "key"], set_={"value": stmt.excluded.value}
        ),
        [{"experiment_id": experiment_id, "key": k, "value": v} for k, v in tags.items()],
    )


def count_runs(conn: Connection, experiment_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(runs.c.experiment_id, func.count())
        .where(runs.c.experiment_id.in_(experiment_ids), runs.c.lifecycle_stage == "active")
        .group_by(runs.c.experiment_id)
    )
    return {int(e): int(n) for e, n in conn.execute(query)}


# --- runs -------------------------------------------------------------------------------------------


def insert_run(conn: Connection, values: Mapping[str, object]) -> None:
    conn.execute(runs.insert().values(**values))


def run_row(conn: Connection, run_id: str) -> Row[Any] | None:
    return conn.execute(select(runs).where(runs.c.run_id == run_id)).first()


def run_rows(conn: Connection, run_ids: Sequence[str]) -> Sequence[Row[Any]]:
    return conn.execute(select(runs).where(runs.c.run_id.in_(run_ids))).all()


def update_run(conn: Connection, run_id: str, **values: object) -> None:
    conn.execute(runs.update().where(runs.c.run_id == run_id).values(**values))


def child_run_ids(conn: Connection, run_id: str) -> list[str]:
    return list(conn.execute(select(runs.c.run_id).where(runs.c.parent_run_id == run_id)).scalars())


def _key_values(conn: Connection, table: Any, run_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    query = select(table.c.run_id, table.c.key, table.c.value).where(table.c.run_id.in_(run_ids))
    for run_id, key, value in conn.execute(query):
        out[run_id][key] = value
    return out


def params_of(conn: Connection, run_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    return _key_values(conn, params, run_ids)


def tags_of(conn: Connection, run_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    return _key_values(conn, run_tags, run_ids)


def latest_metrics_of(conn: Connection, run_ids: Sequence[str]) -> dict[str, dict[str, float | None]]:
    return _key_values(conn, latest_metrics, run_ids)


# --- params and tags --------------------------------------------------------------------------------


def insert_params(conn: Connection, run_id: str, values: Mapping[str, str]) -> dict[str, str]:
    """Insert new params, keep existing ones; returns what is stored for these keys afterwards."""
    stmt = insert_for(conn, params).on_conflict_do_nothing(index_elements=["run_id", "key"])
    conn.execute(stmt, [{"run_id": run_id, "key": k, "value": v} for k, v in values.items()])
    query = select(params.c.key, params.c.value).where(
        params.c.run_id == run_id, params.c.key.in_(list(values))
    )
    return {key: value for key, value in conn.execute(query)}


def upsert_tags(conn: Connection, run_id: str, values: Mapping[str, str]) -> None:
    stmt = insert_for(conn, run_tags)
    conn.execute(
        stmt.on_conflict_do_update(index_elements=["run_id", "key"], set_={"value": stmt.excluded.value}),
        [{"run_id": run_id, "key": k, "value": v} for k, v in values.items()],
    )


def delete_tag(conn: Connection, run_id: str, key: str) -> int:
    result = conn.execute(run_tags.delete().where(run_tags.c.run_id == run_id, run_tags.c.key == key))
    return int(result.rowcount)


# --- metrics ------------------------------------------------------------------------------------------


def lock_run(conn: Connection, run_id: str) -> None:
    """Serialise writers of one run on PostgreSQL (SQLite writers already hold the database lock)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(runs.c.run_id).where(runs.c.run_id == run_id).with_for_update())


def last_chunks(conn: Connection, run_id: str, keys: Sequence[str]) -> dict[str, tuple[int, int]]:
    """{key: (seq, count)} of the newest chunk of each key that has one."""
    newest = (
        select(metric_chunks.c.key, func.max(metric_chunks.c.seq).label("seq"))
        .where(metric_chunks.c.run_id == run_id, metric_chunks.c.key.in_(keys))
        .group_by(metric_chunks.c.key)
        .subquery()
    )
    query = select(metric_chunks.c.key, metric_chunks.c.seq, metric_chunks.c.count).join(
        newest,
        and_(
            metric_chunks.c.run_id == run_id,
            metric_chunks.c.key == newest.c.key,
            metric_chunks.c.seq == newest.c.seq,
        ),
    )
    return {key: (int(seq), int(count)) for key, seq, count in conn.execute(query)}


def chunk(conn: Connection, run_id: str, key: str, seq: int) -> Series:
    row = conn.execute(
        select(metric_chunks.c.steps, metric_chunks.c.timestamps, metric_chunks.c.vals).where(
            metric_chunks.c.run_id == run_id, metric_chunks.c.key == key, metric_chunks.c.seq == seq
        )
    ).one()
    return Series.unpack(row[0], row[1], row[2])


def insert_chunk(conn: Connection, run_id: str, key: str, seq: int, series: Series) -> None:
    steps, stamps, values = series.pack()
    conn.execute(
        metric_chunks.insert().values(
            run_id=run_id, key=key, seq=seq, count=len(series), steps=steps, timestamps=stamps, vals=values
        )
    )


def replace_chunk(conn: Connection, run_id: str, key: str, seq: int, series: Series) -> None:
    steps, stamps, values = series.pack()
    conn.execute(
        metric_chunks.update()
        .where(metric_chunks.c.run_id == run_id, metric_chunks.c.key == key, metric_chunks.c.seq == seq)
        .values(count=len(series), steps=steps, timestamps=stamps, vals=values)
    )


def series_of(conn: Connection, run_id: str, key: str) -> Series:
    """Every stored point of one metric, in storage order."""
    query = (
        select(metric_chunks.c.steps, metric_chunks.c.timestamps, metric_chunks.c.vals)
        .where(metric_chunks.c.run_id == run_id, metric_chunks.c.key == key)
        .order_by(metric_chunks.c.seq)
    )
    return Series.concat([Series.unpack(s, t, v) for s, t, v in conn.execute(query)])


def upsert_latest(conn: Connection, run_id: str, points: Mapping[str, tuple[int, int, float]]) -> None:
    """Replace a key's latest value only when the new point is later: step, then time, then value."""
    if not points:
        return
    payload = [
        {
            "run_id": run_id,
            "key": key,
            "step": step,
            "timestamp": stamp,
            "value": None if math.isnan(v) else v,
        }
        for key, (step, stamp, v) in points.items()
    ]
    stmt = insert_for(conn, latest_metrics)
    new, old = stmt.excluded, latest_metrics.c
    later = or_(
        new.step > old.step,
        and_(new.step == old.step, new.timestamp > old.timestamp),
        and_(
            new.step == old.step,
            new.timestamp == old.timestamp,
            new.value.isnot(None),
            or_(old.value.is_(None), new.value > old.value),
        ),
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["run_id", "key"],
            set_={"step": new.step, "timestamp": new.timestamp, "value": new.value},
            where=later,
        ),
        payload,
    )
