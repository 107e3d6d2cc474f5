"""The prediction log: a sample of what the server answered, and ground truth sent later, as Parquet files.

Recording costs the request a random draw and an append: the request's inputs and outputs are kept as
they are, and a writer thread turns them into Arrow tables and files every ``flush_interval_s`` or once
``flush_rows`` wait. The buffer is bounded by rows; when it is full (the store is slow or away), new rows
are dropped and counted, never waited for. A file that cannot be written is dropped and counted too. The
layout, and reading it back, belong to monitoring (``tether.monitoring.data.predictions``).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from tether.errors import InvalidInput
from tether.monitoring.data import predictions as layout
from tether.serving.config import PredictionLogConfig
from tether.serving.formats import Inputs, combine
from tether.serving.metrics import ServingMetrics
from tether.storage.blobs import BlobStore

log = logging.getLogger("tether.serving")


@dataclass(frozen=True)
class Answered:
    """One answered request, as the log keeps it until the next write."""

    model: str
    version: str
    request_id: str
    served_at_ms: int
    latency_ms: float
    inputs: Inputs
    outputs: Any
    role: str = "primary"
    """Which model under the name answered: primary, canary, or shadow (whose answers no caller saw)."""


@dataclass(frozen=True)
class Feedback:
    """Ground truth for one row of an earlier request."""

    model: str
    request_id: str
    row: int
    actual: Any
    received_at_ms: int


class PredictionLog:
    """Buffers answered requests and feedback, and writes them on a thread of its own."""

    def __init__(
        self,
        settings: PredictionLogConfig,
        metrics: ServingMetrics,
        *,
        store: BlobStore | None = None,
        draw: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.settings = settings
        self._metrics = metrics
        self._store = store or BlobStore(settings.url)
        self._draw = draw
        self._clock = clock
        self._lock = threading.Lock()
        self._answers: list[Answered] = []
        self._feedback: list[Feedback] = []
        self._rows = 0
        self._wake = threading.Event()
        self._stopping = False
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._write_loop, name="prediction-log", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Write what is buffered and stop the writer."""
        self._stopping = True
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self.flush()

    @property
    def buffered_rows(self) -> int:
        return self._rows

    def now_ms(self) -> int:
        return int(self._clock() * 1000)

    def record(self, answered: Answered) -> None:
        """Keep ``answered`` if it is sampled and there is room; called on the event loop."""
        rows = answered.inputs.rows
        if self.settings.sample_rate < 1 and self._draw() >= self.settings.sample_rate:
            self._metrics.logged_rows.labels(answered.model, "sampled_out").inc(rows)
            return
        self._keep(False, [answered], rows, answered.model)

    def add_feedback(self, items: Sequence[Feedback]) -> int:
        """Keep ground truth rows; the number kept (none when the buffer is full)."""
        if not items:
            return 0
        return len(items) if self._keep(True, items, len(items), items[0].model) else 0

    def _keep(self, feedback: bool, items: Sequence[Any], rows: int, model: str) -> bool:
        """Append ``items`` (``rows`` rows) when they fit in the buffer; count them as dropped when not.
        The buffer is picked under the lock, as ``flush`` swaps it for an empty one."""
        with self._lock:
            fits = self._rows + rows <= self.settings.max_buffer_rows
            if fits:
                (self._feedback if feedback else self._answers).extend(items)
                self._rows += rows
            due = self._rows >= self.settings.flush_rows
        if not fits:
            self._metrics.logged_rows.labels(model, "dropped").inc(rows)
        elif due:
            self._wake.set()
        return fits

    def _write_loop(self) -> None:
        while not self._stopping:
            self._wake.wait(self.settings.flush_interval_s)
            self._wake.clear()
            if not self._stopping:
                self.flush()

    def flush(self) -> None:
        """Write every buffered row: one file per model, kind and hour."""
        with self._lock:
            answers, self._answers = self._answers, []
            feedback, self._feedback = self._feedback, []
            self._rows = 0
        for (model, hour), group in _by_hour(answers, lambda a: (a.model, a.served_at_ms)).items():
            self._write(model, layout.PREDICTIONS, hour, group, _answers_table)
        for (model, hour), group in _by_hour(feedback, lambda f: (f.model, f.received_at_ms)).items():
            self._write(model, layout.FEEDBACK, hour, group, _feedback_table)

    def _write(
        self,
        model: str,
        kind: str,
        hour: dt.datetime,
        group: list[Any],
        build: Callable[[list[Any]], pa.Table],
    ) -> None:
        rows = sum(item.inputs.rows for item in group) if kind == layout.PREDICTIONS else len(group)
        try:
            table = build(group)
            sink = io.BytesIO()
            pq.write_table(table, sink, compression="zstd")
            name = f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:12]}.parquet"
            self._store.put_bytes(sink.getvalue(), layout.partition_key(model, kind, hour, name))
        except Exception as error:  # a store that is away or data Arrow cannot hold: count and go on
            log.warning("%s: could not write %d rows of %s: %s", model, rows, kind, error)
            self._metrics.logged_rows.labels(model, "failed").inc(rows)
            return
        if kind == layout.PREDICTIONS:
            self._metrics.logged_rows.labels(model, "written").inc(rows)


def _by_hour(
    items: list[Any], key: Callable[[Any], tuple[str, int]]
) -> dict[tuple[str, dt.datetime], list[Any]]:
    groups: dict[tuple[str, dt.datetime], list[Any]] = {}
    for item in items:
        model, at_ms = key(item)
        hour = dt.datetime.fromtimestamp(at_ms // 3_600_000 * 3600, dt.timezone.utc)
        groups.setdefault((model, hour), []).append(item)
    return groups


def _answers_table(group: list[Answered]) -> pa.Table:
    counts = [item.inputs.rows for item in group]
    inputs = combine([item.inputs for item in group])
    if isinstance(inputs, np.ndarray):
        columns: dict[str, Any] = {"input": _rows_array(inputs)}
    else:
        table = pa.Table.from_pandas(inputs, preserve_index=False)
        columns = {layout.input_column(name): table[name] for name in table.column_names}
    outputs = np.concatenate([np.asarray(item.outputs) for item in group])
    meta = {
        layout.REQUEST_ID: np.repeat([item.request_id for item in group], counts),
        layout.ROW: np.concatenate([np.arange(count) for count in counts]),
        layout.SERVED_AT: pa.array(
            np.repeat([item.served_at_ms for item in group], counts), pa.timestamp("ms", "UTC")
        ),
        layout.VERSION: np.repeat([item.version for item in group], counts),
        layout.LATENCY_MS: np.repeat([item.latency_ms for item in group], counts),
        layout.ROLE: np.repeat([item.role for item in group], counts),
    }
    return pa.table({**meta, **columns, layout.PREDICTION: _rows_array(outputs)})


def _feedback_table(group: list[Feedback]) -> pa.Table:
    values = [item.actual for item in group]
    try:
        actual = pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # values of several types: keep them all, as text
        actual = pa.array([None if value is None else str(value) for value in values], pa.string())
    return pa.table(
        {
            layout.REQUEST_ID: [item.request_id for item in group],
            layout.ROW: pa.array([item.row for item in group], pa.int64()),
            layout.ACTUAL: actual,
            layout.RECEIVED_AT: pa.array([item.received_at_ms for item in group], pa.timestamp("ms", "UTC")),
        }
    )


def _rows_array(values: np.ndarray) -> pa.Array:
    """One Arrow value per row: a scalar, or a fixed-size list for a row that is itself an array."""
    if values.ndim == 1:
        return pa.array(values.tolist() if values.dtype == object else values)
    flat = values.reshape(len(values), -1)
    return pa.FixedSizeListArray.from_arrays(pa.array(flat.ravel()), flat.shape[1])


def read_feedback(document: Any, model: str, received_at_ms: int) -> list[Feedback]:
    """Ground truth from a feedback body: ``{"request_id", "actual"}`` (``actual`` a list for a request
    of several rows, or ``row`` naming one), or ``{"feedback": [those, ...]}``."""
    many = isinstance(document, dict) and "feedback" in document
    items = document["feedback"] if many else [document]
    if not isinstance(items, list) or not items:
        raise InvalidInput(
            'feedback must be {"request_id": ..., "actual": ...} or {"feedback": [{...}, ...]} with at '
            "least one item"
        )
    found = []
    for index, item in enumerate(items):
        where = f"feedback[{index}]" if many else "the feedback"
        if not isinstance(item, dict) or not isinstance(item.get("request_id"), str) or "actual" not in item:
            raise InvalidInput(f"{where} needs a 'request_id' string and an 'actual' value")
        actual, row = item["actual"], item.get("row")
        if row is not None and (not isinstance(row, int) or isinstance(row, bool) or row < 0):
            raise InvalidInput(f"{where}: 'row' must be a row number (0 or more), not {row!r}")
        if isinstance(actual, list) and row is not None:
            raise InvalidInput(
                f"{where}: give a list of 'actual' values (one per row) or one 'row', not both"
            )
        values = list(enumerate(actual)) if isinstance(actual, list) else [(row or 0, actual)]
        for number, value in values:
            if isinstance(value, (dict, list)):
                raise InvalidInput(
                    f"{where}: each 'actual' value must be a number, a string, true/false or null"
                )
            found.append(Feedback(model, item["request_id"], number, value, received_at_ms))
    return found
