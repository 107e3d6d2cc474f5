"""Background batching of metric points, so a training loop never waits on storage.

A point is appended under a lock (a fraction of a microsecond); a writer thread takes the whole pending
list when it reaches ``batch_size`` points, and at least every ``max_delay_s``, and writes it
per run. The pending list is bounded: at ``capacity`` the producer waits for the writer (back-pressure)
instead of growing memory without limit.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable

from tether.errors import TetherError
from tether.types import MetricPoint

Writer = Callable[[str, list[MetricPoint]], None]


class MetricBuffer:
    def __init__(
        self,
        write: Writer,
        *,
        batch_size: int = 20_000,
        max_delay_s: float = 1.0,
        capacity: int = 1_000_000,
    ) -> None:
        self._write = write
        self._batch_size = batch_size
        self._max_delay_s = max_delay_s
        self._capacity = capacity
        self._pending: list[tuple[str, str, float, int, int]] = []
        self._lock = threading.Lock()
        self._wake = threading.Condition(self._lock)
        self._room = threading.Condition(self._lock)
        self._writing = threading.Lock()
        self._failures: list[str] = []
        self._dropped = 0
        self._closed = False
        self._thread: threading.Thread | None = None

    def add(self, run_id: str, key: str, value: float, step: int, timestamp: int) -> None:
        with self._lock:
            if self._thread is None:
                self._start()
            pending = self._pending
            pending.append((run_id, key, value, step, timestamp))
            if len(pending) >= self._batch_size:
                self._wake.notify()
                while len(self._pending) >= self._capacity:
                    self._room.wait()

    def flush(self) -> None:
        """Write everything added so far; raise if any earlier batch could not be written."""
        self._drain()
        with self._lock:
            failures, dropped = self._failures, self._dropped
            self._failures, self._dropped = [], 0
        if failures:
            raise TetherError(f"{dropped} metric points could not be written: {failures[0]}")

    def close(self) -> None:
        """Flush and stop the writer thread."""
        with self._lock:
            self._closed = True
            self._wake.notify()
        if self._thread is not None:
            self._thread.join()
        self.flush()

    def _start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="tether-metrics", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._closed and len(self._pending) < self._batch_size:
                    self._wake.wait(self._max_delay_s)
                if self._closed:
                    return
            self._drain()

    def _drain(self) -> None:
        with self._writing:
            with self._lock:
                batch, self._pending = self._pending, []
                self._room.notify_all()
            if not batch:
                return
            by_run: dict[str, list[MetricPoint]] = defaultdict(list)
            for run_id, key, value, step, timestamp in batch:
                by_run[run_id].append((key, value, step, timestamp))
            for run_id, points in by_run.items():
                try:
                    self._write(run_id, points)
                except TetherError as error:
                    with self._lock:
                        self._failures.append(f"run {run_id}: {error}")
                        self._dropped += len(points)
