"""The server failing under a client: killed with SIGKILL in the middle of ingest, and down for ten seconds.

Each test gets a server of its own (it is killed or stopped), restarted on the same store and port. What
the server acknowledged must survive a kill; what the fluent API buffered must survive an outage, and what
did not fit in the buffer must be counted and reported to the user.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support import ServerProcess, pg_schema_url, unique

import tether as tt
from tether.client.http import HttpTransport
from tether.client.remote import RemoteBackend
from tether.errors import TetherError
from tether.sdk import buffer

WRITERS = 4
POINTS = 250
"""Per batch: batch b of a writer holds steps b * POINTS to (b + 1) * POINTS - 1."""
OUTAGE_S = 10.0


@pytest.fixture(params=["sqlite", "postgres"])
def fresh_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ServerProcess]:
    home = tmp_path / "server"
    if request.param == "sqlite":
        db_url = f"sqlite:///{home / 'tether.db'}"
    else:
        db_url = pg_schema_url(request.getfixturevalue("pg_database"))
    server = ServerProcess(home, db_url)
    server.start()
    yield server
    server.stop()


def wait_for(condition: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    """Poll ``condition`` until it holds; fail with ``what`` if it does not within the deadline."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.02)


# --- SIGKILL in the middle of ingest --------------------------------------------------------------------


class Writer:
    """A client logging synchronous batches to a run of its own, noting which the server acknowledged."""

    def __init__(self, url: str, experiment_id: str) -> None:
        self.client = tt.Client(backend=RemoteBackend(url))
        self.run_id = self.client.create_run(experiment_id).run_id
        self.acknowledged: list[int] = []
        self.failed: dict[int, TetherError] = {}

    def log_until(self, stop: threading.Event, max_batches: int = 10_000) -> None:
        for batch in range(max_batches):
            if stop.is_set():
                break
            points = [("m", float(batch), step, step) for step in range(batch * POINTS, (batch + 1) * POINTS)]
            try:
                self.client.log_batch(self.run_id, metrics=points)
            except TetherError as error:
                self.failed[batch] = error  # sent as the server died: stored or not, but never half
            else:
                self.acknowledged.append(batch)
        self.client.close()


def test_what_the_server_acknowledged_survives_sigkill(fresh_server: ServerProcess) -> None:
    with tt.Client(backend=RemoteBackend(fresh_server.url)) as client:
        experiment_id = client.create_experiment(unique("kill"))
    writers = [Writer(fresh_server.url, experiment_id) for _ in range(WRITERS)]
    stop = threading.Event()
    threads = [threading.Thread(target=w.log_until, args=(stop,)) for w in writers]
    for thread in threads:
        thread.start()
    try:
        wait_for(lambda: all(len(w.acknowledged) >= 5 for w in writers), "batches before the kill")
        fresh_server.kill()
        before = [len(w.acknowledged) for w in writers]
        fresh_server.start()  # the writers' connection attempts are retried meanwhile
        wait_for(
            lambda: all(len(w.acknowledged) >= n + 5 for w, n in zip(writers, before, strict=True)),
            "batches after the restart",
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    with tt.Client(backend=RemoteBackend(fresh_server.url)) as client:
        for writer in writers:
            steps = [point.step for point in client.get_metric_history(writer.run_id, "m")]
            assert len(steps) == len(set(steps))
            stored = {step // POINTS for step in steps}
            assert set(writer.acknowledged) <= stored
            assert len(steps) == len(stored) * POINTS  # every batch whole, and none twice
            # A batch caught by the kill is sent again with its id once the server is back: it is
            # acknowledged and stored exactly once, whether or not the dead server had committed it.
            assert writer.failed == {}
            assert stored == set(writer.acknowledged)


# --- ten seconds without a server ----------------------------------------------------------------------


def log_steadily(first_step: int, seconds: float) -> int:
    """Log a point every couple of milliseconds for ``seconds``, as a training loop does; the next step."""
    step = first_step
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        tt.log_metric("loss", 1.0 / (step + 1), step=step)
        step += 1
        time.sleep(0.002)
    return step


def log_through_an_outage(server: ServerProcess) -> tuple[str, int]:
    """Log while the server is up, then through ten seconds without it, then restart it; (run id, steps)."""
    tt.set_experiment(unique("outage"))
    run = tt.start_run()
    logged = log_steadily(0, 1.0)
    server.stop()
    logged = log_steadily(logged, OUTAGE_S)
    server.start()
    return run.run_id, logged


@pytest.fixture
def fluent(fresh_server: ServerProcess) -> Iterator[ServerProcess]:
    tt.configure(uri=fresh_server.url)
    yield fresh_server
    while tt.active_run() is not None:
        tt.end_run()
    tt.configure()


def test_the_buffer_rides_out_ten_seconds_without_a_server(fluent: ServerProcess) -> None:
    run_id, logged = log_through_an_outage(fluent)
    tt.end_run()  # flushes: nothing may be lost, and nothing reported
    with tt.Client(backend=RemoteBackend(fluent.url)) as client:
        assert client.get_run(run_id).status == "FINISHED"
        assert [point.step for point in client.get_metric_history(run_id, "loss")] == list(range(logged))


class SmallBuffer(buffer.MetricBuffer):
    """The fluent API's buffer with room for only a few hundred points per run."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **{**kwargs, "capacity": 300})


@pytest.mark.parametrize("fresh_server", ["sqlite"], indirect=True)
def test_a_full_buffer_drops_points_and_says_how_many(
    fluent: ServerProcess, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(buffer, "MetricBuffer", SmallBuffer)
    # A transport that gives up after a second: the buffer, not the transport, has to carry the outage.
    monkeypatch.setitem(HttpTransport.__init__.__kwdefaults__, "patience_s", 1.0)
    run_id, logged = log_through_an_outage(fluent)
    with pytest.warns(RuntimeWarning, match=r"metric points were dropped") as warned:
        tt.flush()
    found = re.match(r"(\d+) metric points were dropped", str(warned[0].message))
    assert found is not None
    dropped = int(found.group(1))
    tt.end_run()
    with tt.Client(backend=RemoteBackend(fluent.url)) as client:
        steps = [point.step for point in client.get_metric_history(run_id, "loss")]
    assert dropped > 0
    assert len(steps) == len(set(steps))
    assert len(steps) + dropped == logged
