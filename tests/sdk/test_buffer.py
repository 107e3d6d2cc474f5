"""The metric buffer, directly: batching, flushing, back-pressure and failure reporting."""

from __future__ import annotations

import threading

import pytest

from tether.errors import StorageError, TetherError
from tether.sdk.buffer import MetricBuffer
from tether.types import MetricPoint


class Recorder:
    def __init__(self) -> None:
        self.batches: list[tuple[str, list[MetricPoint]]] = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, run_id: str, points: list[MetricPoint]) -> None:
        self.gate.wait()
        self.batches.append((run_id, points))

    @property
    def points(self) -> list[tuple[str, MetricPoint]]:
        return [(run, p) for run, batch in self.batches for p in batch]


def test_flush_writes_everything_grouped_by_run() -> None:
    recorder = Recorder()
    buffer = MetricBuffer(recorder, batch_size=1000, max_delay_s=60)
    for i in range(10):
        buffer.add("r1" if i % 2 else "r2", "m", float(i), i, 1)
    buffer.flush()
    assert sorted(p[1][2] for p in recorder.points) == list(range(10))
    assert {run for run, _ in recorder.batches} == {"r1", "r2"}
    buffer.close()


def test_full_batches_are_written_in_the_background() -> None:
    recorder = Recorder()
    buffer = MetricBuffer(recorder, batch_size=100, max_delay_s=60)
    for i in range(250):
        buffer.add("r", "m", 1.0, i, 1)
    buffer.close()
    assert len(recorder.points) == 250
    assert [p[1][2] for p in recorder.points] == list(range(250))


def test_producer_waits_when_capacity_is_reached() -> None:
    recorder = Recorder()
    recorder.gate.clear()  # the writer is stuck
    buffer = MetricBuffer(recorder, batch_size=10, max_delay_s=60, capacity=20)
    done = threading.Event()

    def produce() -> None:
        for i in range(100):
            buffer.add("r", "m", 1.0, i, 1)
        done.set()

    producer = threading.Thread(target=produce)
    producer.start()
    assert not done.wait(0.3)  # blocked on back-pressure, not growing without bound
    recorder.gate.set()
    producer.join(timeout=30)
    assert done.is_set()
    buffer.close()
    assert len(recorder.points) == 100


def test_write_failures_are_reported_with_a_count() -> None:
    def failing(run_id: str, points: list[MetricPoint]) -> None:
        raise StorageError("disk full")

    buffer = MetricBuffer(failing, batch_size=1000, max_delay_s=60)
    for i in range(5):
        buffer.add("r", "m", 1.0, i, 1)
    with pytest.raises(TetherError, match="5 metric points could not be written: run r: disk full"):
        buffer.flush()
    buffer.flush()  # reported once
    buffer.close()


def test_time_bound_flushes_without_a_full_batch() -> None:
    written = threading.Event()

    def write(run_id: str, points: list[MetricPoint]) -> None:
        written.set()

    buffer = MetricBuffer(write, batch_size=1_000_000, max_delay_s=0.05)
    buffer.add("r", "m", 1.0, 0, 1)
    assert written.wait(10)
    buffer.close()


def test_drop_policy_counts_what_it_drops_and_warns() -> None:
    recorder = Recorder()
    recorder.gate.clear()  # the server is away
    buffer = MetricBuffer(recorder, batch_size=10, max_delay_s=60, capacity=20, on_full="drop")
    for i in range(50):
        buffer.add("r", "m", 1.0, i, 1)  # never blocks
    recorder.gate.set()
    with pytest.warns(RuntimeWarning, match=r"\d+ metric points were dropped"):
        buffer.flush()
    kept = len(recorder.points)
    assert 20 <= kept < 50
    buffer.close()


def test_no_write_is_larger_than_a_batch_however_far_behind() -> None:
    recorder = Recorder()
    recorder.gate.clear()  # the writer falls behind while the producer goes on
    buffer = MetricBuffer(recorder, batch_size=100, max_delay_s=60)
    for i in range(1050):
        buffer.add("r", "m", 1.0, i, 1)
    recorder.gate.set()
    buffer.flush()
    assert max(len(batch) for _, batch in recorder.batches) <= 100
    assert [p[1][2] for p in recorder.points] == list(range(1050))
    buffer.close()


class Flaky:
    """A store that is away (raising Away) until told otherwise, then writes like Recorder."""

    class Away(StorageError):
        pass

    def __init__(self) -> None:
        self.away = threading.Event()
        self.refused = threading.Event()
        self.recorder = Recorder()

    def __call__(self, run_id: str, points: list[MetricPoint]) -> None:
        if self.away.is_set():
            self.refused.set()
            raise self.Away("cannot reach the server")
        self.recorder(run_id, points)


def test_batches_are_kept_and_retried_while_the_store_is_away() -> None:
    store = Flaky()
    store.away.set()
    buffer = MetricBuffer(store, batch_size=10, max_delay_s=0.01, retry_on=(Flaky.Away,))
    for i in range(25):
        buffer.add("r", "m", 1.0, i, 1)
    assert store.refused.wait(10)
    for i in range(25, 40):
        buffer.add("r", "m", 1.0, i, 1)
    store.away.clear()
    buffer.flush()  # neither raises nor warns: nothing was lost
    assert [p[1][2] for p in store.recorder.points] == list(range(40))
    buffer.close()


def test_what_does_not_fit_while_away_is_dropped_and_counted() -> None:
    store = Flaky()
    store.away.set()
    buffer = MetricBuffer(
        store, batch_size=10, max_delay_s=0.01, capacity=20, on_full="drop", retry_on=(Flaky.Away,)
    )
    for i in range(30):
        buffer.add("r", "m", 1.0, i, 1)
    assert store.refused.wait(10)
    for i in range(30, 100):
        buffer.add("r", "m", 1.0, i, 1)
    store.away.clear()
    with pytest.warns(RuntimeWarning, match=r"metric points were dropped") as warned:
        buffer.flush()
    dropped = int(str(warned[0].message).split()[0])
    steps = [p[1][2] for p in store.recorder.points]
    assert len(steps) == len(set(steps)) <= 20
    assert len(steps) + dropped == 100
    buffer.close()


def test_flush_while_away_reports_everything_pending_at_once() -> None:
    store = Flaky()
    store.away.set()
    buffer = MetricBuffer(store, batch_size=10, max_delay_s=60, retry_on=(Flaky.Away,))
    for run in ("r1", "r2"):
        for i in range(25):
            buffer.add(run, "m", 1.0, i, 1)
    with pytest.raises(TetherError, match="50 metric points could not be written: run r1: cannot reach"):
        buffer.flush()
    store.away.clear()
    buffer.close()
    assert store.recorder.points == []
