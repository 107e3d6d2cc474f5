"""Logging to a run: params, tags and metric points in one all-or-nothing batch, and reading a metric back.

Part of ``TrackingService`` (see service.py). Metric points travel as columns (``MetricColumns``) from the
SDK's buffer to storage, over HTTP or in process, and are grouped into one series per key once, here.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Mapping

import numpy as np
from sqlalchemy import Connection

from tether.config import Quotas
from tether.errors import Conflict, InvalidInput, NotFound
from tether.storage.db import Database
from tether.tracking import chunks, limits, queries, quotas, rows
from tether.tracking.chunks import Series
from tether.tracking.history import downsample_indices
from tether.tracking.schemas import MetricColumns, MetricHistory

_BATCH_ID = re.compile(r"[0-9a-f]{32}")


class Batches:
    db: Database
    quotas: Quotas

    def log_batch(
        self,
        run_id: str,
        metrics: MetricColumns | None = None,
        params: Mapping[str, object] | None = None,
        tags: Mapping[str, object] | None = None,
        batch_id: str | None = None,
    ) -> None:
        """Params, tags and metric points in one transaction: all are stored or none is.

        A ``batch_id`` (32 hex digits, made by the client) makes the call idempotent: a batch sent again
        with the same id, as a client does after losing the connection mid-request, changes nothing.
        """
        if batch_id is not None and not _BATCH_ID.fullmatch(batch_id):
            raise InvalidInput(f"batch_id must be 32 lowercase hex digits, got {batch_id!r}")
        checked_params = limits.check_values(
            "param", params or {}, limits.MAX_PARAM_VALUE, limits.MAX_PARAMS_PER_CALL
        )
        checked_tags = limits.check_values("tag", tags or {}, limits.MAX_TAG_VALUE, limits.MAX_TAGS_PER_CALL)
        series = _series_by_key(metrics)
        given = {
            kind: len(keys)
            for kind, keys in (("param", checked_params), ("tag", checked_tags), ("metric", series))
            if keys
        }
        rows.check_run_id(run_id)
        with self.db.write() as conn:
            queries.lock_run(conn, run_id)  # before counting: the counts must hold until this batch commits
            held = rows.writable_run_keys(conn, run_id, list(given))
            if batch_id is not None and not queries.claim_batch(conn, run_id, batch_id, rows.now_ms()):
                return
            if checked_params:
                _insert_params(conn, run_id, checked_params, first=held["param"] == 0)
            if checked_tags:
                queries.upsert_tags(conn, run_id, checked_tags)
            if series:
                _append_history(conn, run_id, series, extends=held["metric"] > 0)
            quotas.check_keys(self.quotas, conn, run_id, held, given)

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.db.write() as conn:
            rows.writable_run(conn, run_id)
            if not queries.delete_tag(conn, run_id, key):
                raise NotFound(f"run '{run_id}' has no tag {key!r}")

    def get_metric_series(
        self,
        run_id: str,
        key: str,
        max_points: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> MetricHistory:
        """A metric's points by step, as columns; ``max_points`` reduces them, keeping bucket extremes.

        ``min_step``/``max_step`` keep only that range (inclusive) before reducing, so a chart zoomed into
        part of a long series gets full detail there.
        """
        if max_points is not None and max_points < 4:
            raise InvalidInput(f"max_points must be at least 4, got {max_points}")
        if min_step is not None and max_step is not None and min_step > max_step:
            raise InvalidInput(f"min_step ({min_step}) is after max_step ({max_step})")
        with self.db.read() as conn:
            rows.run_row(conn, run_id)
            series = queries.series_of(conn, run_id, key).sorted()
        if min_step is not None or max_step is not None:
            series = series.between(min_step, max_step)
        if max_points is not None and len(series) > max_points:
            keep = downsample_indices(series.steps, series.values, max_points)
            series = Series(series.steps[keep], series.timestamps[keep], series.values[keep])
        return MetricHistory(
            key=key,
            steps=series.steps.tolist(),
            timestamps=series.timestamps.tolist(),
            values=series.values.tolist(),
        )


def _insert_params(conn: Connection, run_id: str, params: Mapping[str, str], *, first: bool) -> None:
    """Params are immutable: the same value again is fine, another value refuses the whole batch.

    A run's first params (``first``) cannot meet stored ones, so they are inserted without comparing.
    """
    if first:
        queries.insert_first_params(conn, run_id, params)
        return
    stored = queries.insert_params(conn, run_id, params)
    changed = sorted(k for k, v in stored.items() if params[k] != v)
    if changed:
        key = changed[0]
        raise Conflict(
            f"param {key!r} of run '{run_id}' is already {stored[key]!r}; params cannot change "
            f"(tried {params[key]!r}). Log it under another key or start a new run."
        )


def _append_history(conn: Connection, run_id: str, series: Mapping[str, Series], *, extends: bool) -> None:
    """Add each key's points as a new chunk, or to the key's last chunk while that one is small.

    A run with no metrics yet (``extends`` false) has no chunks to extend, so none are looked up.
    """
    last = queries.last_chunks(conn, run_id, list(series)) if extends else {}
    latest: dict[str, tuple[int, int, float]] = {}
    new: list[tuple[str, int, Series]] = []
    for key, points in series.items():
        seq, count = last.get(key, (-1, chunks.MERGE_BELOW))
        if count < chunks.MERGE_BELOW:
            merged = Series.concat([queries.chunk(conn, run_id, key, seq), points])
            queries.replace_chunk(conn, run_id, key, seq, merged)
        else:
            new.append((key, seq + 1, points))
        i = points.latest() if len(points) > 1 else 0
        latest[key] = (int(points.steps[i]), int(points.timestamps[i]), float(points.values[i]))
    queries.insert_chunks(conn, run_id, new)
    queries.upsert_latest(conn, run_id, latest)


def _series_by_key(columns: MetricColumns | None) -> dict[str, Series]:
    """Validate metric columns and split them into one series per key.

    The type checks run in C (``array`` conversions), so validating 100,000 points costs milliseconds:
    values must be real numbers (NaN and ±inf included), steps 64-bit integers, timestamps non-negative.
    """
    if columns is None or not columns.keys:
        return {}
    keys = columns.keys
    most = limits.MAX_METRICS_PER_CALL
    if len(keys) > most:
        raise InvalidInput(f"{len(keys)} metric points in one call; the limit is {most}")
    if not len(keys) == len(columns.values) == len(columns.steps) == len(columns.timestamps):
        raise InvalidInput("metric keys, values, steps and timestamps must have the same length")
    try:
        value_array = np.frombuffer(array("d", columns.values), dtype=np.float64)
        step_array = np.frombuffer(array("q", columns.steps), dtype=np.int64)
        stamp_array = np.frombuffer(array("q", columns.timestamps), dtype=np.int64)
        unique = dict.fromkeys(keys)
    except (TypeError, ValueError, OverflowError) as error:
        raise InvalidInput(
            f"a metric point must be (key, number, integer step, integer timestamp in ms): {error}"
        ) from error
    if stamp_array.min() < 0:
        raise InvalidInput("metric timestamps must be milliseconds since the epoch, not negative")
    index = {limits.check_key("metric", key): i for i, key in enumerate(unique)}
    if len(index) == 1:
        return {keys[0]: Series(step_array, stamp_array, value_array)}
    if len(index) == len(keys):  # one point per key (a run's final metrics): no grouping to do
        return {
            key: Series(step_array[i : i + 1], stamp_array[i : i + 1], value_array[i : i + 1])
            for i, key in enumerate(keys)
        }
    codes = np.fromiter(map(index.__getitem__, keys), dtype=np.int64, count=len(keys))
    order = np.argsort(codes, kind="stable")
    bounds = np.cumsum(np.bincount(codes, minlength=len(index)))[:-1]
    return {
        key: Series(step_array[part], stamp_array[part], value_array[part])
        for key, part in zip(index, np.split(order, bounds), strict=True)
    }
