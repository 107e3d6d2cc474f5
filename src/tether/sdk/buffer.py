"""Background batching of metric points, so a training loop never waits on storage.

Each run has a pending list, and adding a point is one append to it, with no lock: ``list.append`` is
atomic, and the writer takes a prefix of the list (``pending[:n]`` then ``del pending[:n]``, each atomic
too), so points appended meanwhile stay for the next batch. A writer thread writes a run's points when
there are ``batch_size`` of them, and everything pending at least every ``max_delay_s``; no write carries
more than ``batch_size`` points, however far behind the writer is.

A pending list is bounded by ``capacity``. When it is full the producer either waits for the writer
(``on_full="wait"``, back-pressure: right for a local store, which is never away for long) or drops the
point and counts it (``on_full="drop"``: right for a remote server that may be down for a while, so that
training goes on); ``flush`` warns with the number dropped.

A batch that fails with one of the ``retry_on`` errors (for a server, StorageError: it cannot be reached,
or its database is away) goes back to the head of its list, as far as capacity allows, and the writer tries
again after ``max_delay_s``: an outage costs nothing while the buffer has room. ``flush`` is the last
attempt: what it cannot write is reported. ``clock`` (monotonic seconds) decides when a retry is due; the
waits themselves are condition waits, woken early by producers and by ``close``.
"""

from __future__ import annotations

import threading
import time
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
        retry_on: tuple[type[TetherError], ...] = (),
        clock: Callable[[], float] = time.monotonic,
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
        self._retry_on = retry_on
        self._clock = clock
        self._retry_at = 0.0
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
        self._drain(final=True)
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
                while not self._closed and (pause := self._retry_at - self._clock()) > 0:
                    self._signal.wait(pause)  # the store was away: producers' wake-ups do not hurry a retry
                if self._closed:
                    return
            if not self._drain(final=False):
                self._retry_at = self._clock() + self._max_delay_s

    def _any_full(self) -> bool:
        return any(len(p) >= self.batch_size for p in list(self._pending.values()))

    def _drain(self, *, final: bool) -> bool:
        """Write what is pending now, ``batch_size`` points at a time; False if the store was away."""
        with self._writing:
            for run_id, pending in list(self._pending.items()):
                remaining = len(pending)  # not what arrives meanwhile, or a fast producer would keep us here
                while remaining:
                    batch = pending[: min(remaining, self.batch_size)]
                    del pending[: len(batch)]
                    remaining -= len(batch)
                    with self._signal:
                        self._signal.notify_all()
                    if not self._write_batch(run_id, pending, batch, final=final):
                        return False
        return True

    def _write_batch(
        self, run_id: str, pending: list[MetricPoint], batch: list[MetricPoint], *, final: bool
    ) -> bool:
        """Write one batch; False if the store was away (the batch is then kept, or reported if final)."""
        try:
            self._write(run_id, batch)
        except self._retry_on as error:
            if final:
                self._fail(run_id, error, len(batch) + self._discard_pending())
            else:
                self._requeue(pending, batch)
            return False
        except TetherError as error:
            self._fail(run_id, error, len(batch))
        return True

    def _requeue(self, pending: list[MetricPoint], batch: list[MetricPoint]) -> None:
        """Put a batch back at the head of its run's list, keeping its newest points if room is short."""
        kept = batch[max(0, len(batch) - max(0, self._capacity - len(pending))) :]
        pending[0:0] = kept
        with self._signal:
            self._overflowed += len(batch) - len(kept)

    def _discard_pending(self) -> int:
        """Empty every list (the store is away and this was the last attempt); returns the points lost."""
        lost = 0
        for pending in list(self._pending.values()):
            count = len(pending)
            del pending[:count]
            lost += count
        return lost

    def _fail(self, run_id: str, error: TetherError, count: int) -> None:
        with self._signal:
            self._failures.append(f"run {run_id}: {error}")
            self._dropped += count
