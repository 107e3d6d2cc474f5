"""Many processes logging into one embedded SQLite store at the same time."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import tether as tt

PROCESSES = 8
POINTS = 6000


def _log_from_process(home: str, worker: int) -> str:
    tt.configure(home)
    tt.set_experiment("shared")  # every process races to create the same experiment
    with tt.start_run(run_name=f"worker-{worker}") as run:
        tt.log_params({"worker": worker, "lr": 0.01 * worker})
        for step in range(POINTS):
            tt.log_metric("loss", 1.0 / (step + 1), step=step)
            tt.log_metric("worker", float(worker), step=step)
            if step % 500 == 0:
                tt.flush()
                tt.set_tag("progress", str(step))
    tt.configure()
    return run.run_id


def test_eight_processes_lose_nothing(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    with context.Pool(PROCESSES) as pool:
        run_ids = pool.starmap(_log_from_process, [(str(tmp_path), w) for w in range(PROCESSES)])
    with tt.Client(tmp_path) as client:
        experiment = client.get_experiment_by_name("shared")
        runs = client.search_runs([experiment.experiment_id], max_results=100).items
        assert sorted(r.run_id for r in runs) == sorted(run_ids)
        for run in runs:
            assert run.status == "FINISHED"
            assert run.params["worker"] == run.run_name.split("-")[1]
            history = client.get_metric_history(run.run_id, "loss")
            assert [m.step for m in history] == list(range(POINTS))
            assert len(client.get_metric_history(run.run_id, "worker")) == POINTS
