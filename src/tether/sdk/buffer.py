"""Background batching of metric points, so a training loop never waits on storage.

Each run has a pending list, and adding a point is one append to it, with no lock: ``list.append`` is
atomic, and the writer takes a prefix of the list (``pending[:n]`` then ``del pending[:n]``, each atomic
too), so points appended meanwhile stay for the next batch. A writer thread writes a run's points when
there are ``batch_size`` of them, and everything pending at least every ``max_delay_s``.

A pending list is bounded by ``capacity``. When it is full the producer either waits for the writer
(``on_full="wait"``, back-pressure: right for a local store, which is never away for long) or drops the
point and counts it (``on_full="drop"``: right for a remote server that may be down for a while, so that
training goes on); ``flush`` warns with the number dropped.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import Literal

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
        on_full: Literal["wait", "drop"] = "wait",
    ) -> None:
        self._write = write
        self.batch_size = batch_size
        self._max_delay_s = max_delay_s
        self._capacity = capacity
        self._pending: dict[str, list[MetricPoint]] = {}
        self._signal = threading.Condition()
        self._writing = threading.Lock()
        self._failures: list[str] = []
        self._dropped = 0
        self._on_full = on_full
        self._overflowed = 0
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="tether-metrics", daemon=True)
        self._thread.start()

    def add(self, run_id: str, key: str, value: float, step: int, timestamp: int) -> None:
        pending = self._pending.get(run_id) or self._pending.setdefault(run_id, [])
        if len(pending) >= self._capacity and not self._room(pending):
            return
        pending.append((key, value, step, timestamp))
        if len(pending) >= self.batch_size:
            with self._signal:
                self._signal.notify_all()

    def _room(self, pending: list[MetricPoint]) -> bool:
        """At capacity: wait until the writer makes room, or count the point as dropped."""
        with self._signal:
            self._signal.notify_all()
            if self._on_full == "drop":
                self._overflowed += 1
                return False
            while len(pending) >= self._capacity and not self._closed:
                self._signal.wait(self._max_delay_s)
        return True

    def flush(self) -> None:
        """Write everything added so far; raise if any earlier batch could not be written."""
        self._drain()
        with self._signal:
            failures, dropped, overflowed = self._failures, self._dropped, self._overflowed
            self._failures, self._dropped, self._overflowed = [], 0, 0
        if overflowed:
            warnings.warn(
                f"{overflowed} metric points were dropped: the buffer was full while the server could not "
                "keep up or could not be reached",
                RuntimeWarning,
                stacklevel=3,
            )
        if failures:
            raise TetherError(f"{dropped} metric points could not be written: {failures[0]}")

    def close(self) -> None:
        """Flush and stop the writer thread."""
        with self._signal:
            self._closed = True
            self._signal.notify_all()
        self._thread.join()
        self.flush()

    def _run(self) -> None:
        while True:
            with self._signal:
                if not self._closed and not self._any_full():
                    self._signal.wait(self._max_delay_s)
                if self._closed:
                    return
            self._drain()

    def _any_full(self) -> bool:
        return any(len(p) >= self.batch_size for p in list(self._pending.values()))

    def _drain(self) -> None:
        with self._writing:
            for run_id, pending in list(self._pending.items()):
                count = len(pending)
                if not count:
                    continue
                batch = pending[:count]
                del pending[:count]
                with self._signal:
                    self._signal.notify_all()
                self._write_run(run_id, batch)

    def _write_run(self, run_id: str, points: list[MetricPoint]) -> None:
        try:
            self._write(run_id, points)
        except TetherError as error:
            with self._signal:
                self._failures.append(f"run {run_id}: {error}")
                self._dropped += len(points)
