"""Prediction logs: where a model server writes what it answered, and reading them back for a report.

A log lives under one blob-store URL (a folder or ``s3://bucket/prefix``), one tree per served model,
partitioned by date and hour so a report over a day reads only that day's files::

    <url>/<model>/predictions/date=2026-12-07/hour=09/<time>-<id>.parquet
    <url>/<model>/feedback/date=2026-12-07/hour=11/<time>-<id>.parquet

A prediction row holds the request's id and row number, when it was answered, the version that answered,
the latency, its role (primary, canary or shadow), the input columns and ``prediction``. Ground truth
arrives later as feedback rows (request id, row, ``actual``); reading joins the latest feedback for each
row onto its prediction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from tether.errors import InvalidInput, NotFound
from tether.storage.blobs import BlobStore

REQUEST_ID = "request_id"
ROW = "row"
SERVED_AT = "served_at"
VERSION = "model_version"
LATENCY_MS = "latency_ms"
ROLE = "role"
PREDICTION = "prediction"
ACTUAL = "actual"
RECEIVED_AT = "received_at"
META_COLUMNS = (REQUEST_ID, ROW, SERVED_AT, VERSION, LATENCY_MS, ROLE)
"""Columns every prediction row has besides its inputs; an input with one of these names (or
``prediction``) is logged as ``input_<name>``."""

EMPTY = pa.schema(
    [
        (REQUEST_ID, pa.string()),
        (ROW, pa.int64()),
        (SERVED_AT, pa.timestamp("ms", tz="UTC")),
        (VERSION, pa.string()),
        (LATENCY_MS, pa.float64()),
        (ROLE, pa.string()),
        (PREDICTION, pa.null()),
        (ACTUAL, pa.null()),
    ]
)
"""What reading a period with no predictions gives."""

PREDICTIONS = "predictions"
FEEDBACK = "feedback"
_PARTITION = re.compile(r"^date=(\d{4}-\d{2}-\d{2})/hour=(\d{2})/[^/]+\.parquet$")


def partition_key(model: str, kind: str, at: dt.datetime, file_name: str) -> str:
    """The key of one log file: ``kind`` is ``predictions`` or ``feedback``, ``at`` is in UTC."""
    return f"{model}/{kind}/date={at:%Y-%m-%d}/hour={at:%H}/{file_name}"


def input_column(name: str) -> str:
    """The logged name of an input column, kept apart from the log's own columns."""
    return f"input_{name}" if name in (*META_COLUMNS, PREDICTION) else name


@dataclass(frozen=True)
class _LogFile:
    key: str
    hour: dt.datetime


def read_predictions(
    url: str,
    model: str,
    *,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    version: str | None = None,
    roles: Sequence[str] = ("primary", "canary"),
    storage_options: dict[str, object] | None = None,
) -> pa.Table:
    """The predictions ``model`` answered in ``[since, until)`` (UTC when naive), oldest first, with the
    latest ``actual`` sent for each row (null where none came). Pass the table to a report as current or
    reference data. ``roles`` picks whose answers: a shadow's (``"shadow"``) are left out unless asked for,
    as no caller received them."""
    start, stop = _utc(since), _utc(until)
    if start is not None and stop is not None and stop <= start:
        raise InvalidInput(f"until ({stop.isoformat()}) must be after since ({start.isoformat()})")
    store = BlobStore(url, storage_options)
    files = _files(store, model, PREDICTIONS, start, stop)
    if not files and not store.exists(f"{model}/{PREDICTIONS}"):
        raise NotFound(f"no predictions of {model!r} are logged under {url}")
    table = _read(store, files)
    if table is None:
        return EMPTY.empty_table()
    table = _between(table, SERVED_AT, start, stop)
    if version is not None:
        table = table.filter(pc.equal(table[VERSION], version))
    table = table.filter(pc.is_in(table[ROLE], pa.array(list(roles), pa.string())))
    table = _with_feedback(table, _read(store, _files(store, model, FEEDBACK, start, None)))
    return table.sort_by([(SERVED_AT, "ascending"), (REQUEST_ID, "ascending"), (ROW, "ascending")])


def _files(
    store: BlobStore, model: str, kind: str, start: dt.datetime | None, stop: dt.datetime | None
) -> list[_LogFile]:
    """The log files of the hours that overlap ``[start, stop)``, found from their partition names."""
    prefix = f"{model}/{kind}"
    if not store.exists(prefix):
        return []
    found = []
    for entry in store.list(prefix, recursive=True):
        match = _PARTITION.match(entry.path)
        if entry.is_dir or match is None:
            continue
        hour = dt.datetime.fromisoformat(f"{match[1]}T{match[2]}:00:00+00:00")
        if (start is None or hour + dt.timedelta(hours=1) > start) and (stop is None or hour < stop):
            found.append(_LogFile(f"{prefix}/{entry.path}", hour))
    return sorted(found, key=lambda file: file.key)


def _read(store: BlobStore, files: list[_LogFile]) -> pa.Table | None:
    """The files as one table; columns that differ between them (a new version's inputs) are unified."""
    tables = []
    for file in files:
        with store.open(file.key) as stream:
            tables.append(pq.read_table(stream))
    if not tables:
        return None
    return pa.concat_tables(tables, promote_options="permissive")


def _between(table: pa.Table, column: str, start: dt.datetime | None, stop: dt.datetime | None) -> pa.Table:
    if start is not None:
        table = table.filter(
            pc.greater_equal(table[column], pa.scalar(start, table.schema.field(column).type))
        )
    if stop is not None:
        table = table.filter(pc.less(table[column], pa.scalar(stop, table.schema.field(column).type)))
    return table


def _with_feedback(predictions: pa.Table, feedback: pa.Table | None) -> pa.Table:
    """``predictions`` with an ``actual`` column: the latest feedback per (request id, row). Files are
    read in the order they were written and rows in the order they came, so the latest is the last."""
    if feedback is None or feedback.num_rows == 0:
        return predictions.append_column(ACTUAL, pa.nulls(predictions.num_rows))
    keys = pc.binary_join_element_wise(feedback[REQUEST_ID], pc.cast(feedback[ROW], pa.string()), "\x00")
    indexed = pa.table({"key": keys, "index": pa.array(range(feedback.num_rows), pa.int64())})
    last = indexed.group_by("key", use_threads=False).aggregate([("index", "max")])["index_max"]
    latest = feedback.take(last).select([REQUEST_ID, ROW, ACTUAL])
    return predictions.join(latest, keys=[REQUEST_ID, ROW], join_type="left outer")


def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    return (
        moment.replace(tzinfo=dt.timezone.utc)
        if moment.tzinfo is None
        else moment.astimezone(dt.timezone.utc)
    )
