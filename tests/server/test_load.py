"""Sixty-four clients logging to one server at the same time, on SQLite and on PostgreSQL.

Each client is a thread with its own connection pool, so the server sees 64 independent callers. Every
call must succeed, and afterwards every run holds every point, param and tag its client sent.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from tests.support import ServerProcess, unique

import tether as tt
from tether.client.remote import RemoteBackend

CLIENTS = 64
BATCHES = 5
POINTS = 200
"""Per batch; each client logs BATCHES * POINTS points of "loss" and as many of "worker"."""


def _log_as_one_client(url: str, experiment_id: str, worker: int, start: threading.Barrier) -> str:
    with tt.Client(backend=RemoteBackend(url)) as client:
        start.wait(timeout=120)  # everyone begins together, so the calls really overlap
        run = client.create_run(experiment_id, run_name=f"client-{worker}")
        client.log_params(run.run_id, {"worker": worker})
        for batch in range(BATCHES):
            steps = range(batch * POINTS, (batch + 1) * POINTS)
            points = [("loss", 1.0 / (step + 1), step, step) for step in steps]
            points += [("worker", float(worker), step, step) for step in steps]
            client.log_batch(run.run_id, metrics=points, tags={"progress": str(batch)})
        client.set_terminated(run.run_id)
        return run.run_id


def test_many_clients_at_once_lose_nothing(server: ServerProcess) -> None:
    with tt.Client(backend=RemoteBackend(server.url)) as client:
        experiment_id = client.create_experiment(unique("load"))
    start = threading.Barrier(CLIENTS)
    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        futures = [
            pool.submit(_log_as_one_client, server.url, experiment_id, worker, start)
            for worker in range(CLIENTS)
        ]
        run_ids = [future.result() for future in futures]  # a client's error is raised here

    with tt.Client(backend=RemoteBackend(server.url)) as client:
        runs = client.search_runs([experiment_id], max_results=1000).items
        assert sorted(run.run_id for run in runs) == sorted(run_ids)
        for run in runs:
            worker = run.params["worker"]
            assert run.run_name == f"client-{worker}"
            assert run.status == "FINISHED"
            assert run.tags["progress"] == str(BATCHES - 1)
            assert run.metrics == {"loss": 1.0 / (BATCHES * POINTS), "worker": float(worker)}
            for key in ("loss", "worker"):
                history = client.get_metric_history(run.run_id, key)
                assert [point.step for point in history] == list(range(BATCHES * POINTS)), key
