"""Metric ingest: one run, 100 params and 10 metric keys × 10,000 steps through each tool's API.

Each measurement runs in its own interpreter with its own new store. A timed region starts at
``log_params`` and ends when the run is ended and every point is stored (tether's fluent API buffers
points and writes them on a thread, so its figure includes the final flush); each worker then reads the
points back with the tool's own ``get_metric_history`` to prove they were stored. MLflow's per-call
logging is too slow for the whole data set, so its fluent and asynchronous rows time the first steps only
and report the rate.
"""

from __future__ import annotations

import time
from typing import Any

import _common as c

KEYS = [f"m{k}" for k in range(10)]
PARAMS = {f"param_{i}": f"value-{i}" for i in range(100)}


def _value(step: int, key_index: int) -> float:
    return step * 0.001 + key_index


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_fluent(config: dict[str, Any]) -> dict[str, Any]:
    """The whole data set through ``tt.log_metric``, until ``end_run`` has flushed it."""
    start = time.perf_counter()
    import tether as tt

    tt.configure(home=config["store"])
    run_id = tt.start_run().run_id
    opened = time.perf_counter()
    tt.log_params(PARAMS)
    indexed_keys = list(enumerate(KEYS))
    for step in range(config["steps"]):
        for index, key in indexed_keys:
            tt.log_metric(key, _value(step, index), step=step)
    queued = time.perf_counter()
    tt.end_run()
    done = time.perf_counter()
    client = tt.Client(home=config["store"])
    return {
        "setup_s": opened - start,
        "points": config["steps"] * len(KEYS),
        "seconds": done - opened,
        "queue_s": queued - opened,
        "stored": sum(len(client.get_metric_history(run_id, key)) for key in KEYS),
    }


def _mlflow_start(config: dict[str, Any]) -> tuple[Any, str, float]:
    """MLflow imported and pointed at the store, and a run started; returns (mlflow, run id, start time)."""
    start = time.perf_counter()
    import mlflow

    mlflow.set_tracking_uri(config["uri"])
    return mlflow, mlflow.start_run().info.run_id, start


def _mlflow_result(run_id: str, setup_s: float, points: int, seconds: float) -> dict[str, Any]:
    from mlflow import MlflowClient

    stored = sum(len(MlflowClient().get_metric_history(run_id, key)) for key in KEYS)
    return {"setup_s": setup_s, "points": points, "seconds": seconds, "stored": stored}


def mlflow_fluent(config: dict[str, Any]) -> dict[str, Any]:
    """``mlflow.log_metric`` per point (synchronous), for as many whole steps as fit in the time budget."""
    mlflow, run_id, start = _mlflow_start(config)
    opened = time.perf_counter()
    mlflow.log_params(PARAMS)
    deadline = opened + config["seconds"]
    steps = 0
    while steps < config["steps"] and time.perf_counter() < deadline:
        for index, key in enumerate(KEYS):
            mlflow.log_metric(key, _value(steps, index), step=steps)
        steps += 1
    mlflow.end_run()
    done = time.perf_counter()
    return _mlflow_result(run_id, opened - start, steps * len(KEYS), done - opened)


def mlflow_async(config: dict[str, Any]) -> dict[str, Any]:
    """``mlflow.log_metrics(..., synchronous=False)`` once per step, then flushed and ended."""
    mlflow, run_id, start = _mlflow_start(config)
    opened = time.perf_counter()
    mlflow.log_params(PARAMS)
    for step in range(config["steps"]):
        mlflow.log_metrics({key: _value(step, i) for i, key in enumerate(KEYS)}, step=step, synchronous=False)
    mlflow.flush_async_logging()
    mlflow.end_run()
    done = time.perf_counter()
    return _mlflow_result(run_id, opened - start, config["steps"] * len(KEYS), done - opened)


def mlflow_log_batch(config: dict[str, Any]) -> dict[str, Any]:
    """``MlflowClient.log_batch`` with 1,000 points per call (MLflow's per-call limit), whole data set."""
    mlflow, run_id, start = _mlflow_start(config)
    from mlflow.entities import Metric, Param

    client = mlflow.MlflowClient()
    opened = time.perf_counter()
    client.log_batch(run_id, params=[Param(k, v) for k, v in PARAMS.items()])
    steps_per_call = 1000 // len(KEYS)
    for first in range(0, config["steps"], steps_per_call):
        stamp = int(time.time() * 1000)
        points = [
            Metric(key, _value(step, i), stamp, step)
            for step in range(first, min(first + steps_per_call, config["steps"]))
            for i, key in enumerate(KEYS)
        ]
        client.log_batch(run_id, metrics=points)
    mlflow.end_run()
    done = time.perf_counter()
    return _mlflow_result(run_id, opened - start, config["steps"] * len(KEYS), done - opened)


WORKERS: dict[str, c.Worker] = {
    "tether_fluent": tether_fluent,
    "mlflow_fluent": mlflow_fluent,
    "mlflow_async": mlflow_async,
    "mlflow_log_batch": mlflow_log_batch,
}


# --- the benchmark ------------------------------------------------------------------------------------


def _measure(name: str, config: dict[str, Any], file_store: bool = False) -> c.WorkerResult:
    """Run one worker on a new store: tether's folder, MLflow's SQLite database or its file store."""
    with c.fresh_dir(name) as folder:
        env = None
        if name.startswith("mlflow"):
            config = {**config, "uri": f"sqlite:///{folder / 'mlflow.db'}"}
            if file_store:
                config["uri"] = (folder / "mlruns").as_uri()
                env = c.child_env(MLFLOW_ALLOW_FILE_STORE="true")
        else:
            config = {**config, "store": str(folder)}
        result = c.run_worker(__file__, name, config, env)
    if result.data["stored"] != result.data["points"]:
        raise RuntimeError(
            f"{name}: {result.data['points']} points logged but {result.data['stored']} stored"
        )
    return result


def _rate(result: c.WorkerResult) -> float:
    return float(result.data["points"] / result.data["seconds"])


def bench(quick: bool) -> None:
    steps = 1_000 if quick else 10_000
    repeats = 1 if quick else 5
    fluent_budget_s = 2.0 if quick else 20.0
    async_steps = 50 if quick else 1_000
    c.header(f"Metric ingest: 100 params + {len(KEYS)} keys × {steps:,} steps in one run")

    tether = [_measure("tether_fluent", {"steps": steps}) for _ in range(repeats)]
    tether_rate = c.median([_rate(r) for r in tether])
    mlflow_fluent = _measure("mlflow_fluent", {"steps": steps, "seconds": fluent_budget_s})
    mlflow_async = _measure("mlflow_async", {"steps": async_steps})
    batch = [_measure("mlflow_log_batch", {"steps": steps}) for _ in range(max(1, repeats // 2))]
    batch_rate = c.median([_rate(r) for r in batch])
    file_fluent = _measure("mlflow_fluent", {"steps": steps, "seconds": fluent_budget_s / 2}, file_store=True)
    file_batch = _measure("mlflow_log_batch", {"steps": steps}, file_store=True)

    rows = [
        c.higher_better(
            "points/s, tether fluent vs MLflow fluent log_metric", tether_rate, _rate(mlflow_fluent)
        ),
        c.higher_better(
            "points/s, vs MLflow log_metrics(synchronous=False)", tether_rate, _rate(mlflow_async)
        ),
        c.higher_better("points/s, vs MLflow MlflowClient.log_batch", tether_rate, batch_rate),
        c.higher_better("points/s, vs MLflow file store, fluent log_metric", tether_rate, _rate(file_fluent)),
        c.higher_better("points/s, vs MLflow file store, log_batch", tether_rate, _rate(file_batch)),
        c.lower_better(
            "log_metric call, µs (tether: queue only)",
            c.median([r.data["queue_s"] / r.data["points"] * 1e6 for r in tether]),
            mlflow_fluent.data["seconds"] / mlflow_fluent.data["points"] * 1e6,
        ),
        c.lower_better(
            "open new store + start_run, ms",
            c.median([r.data["setup_s"] * 1000 for r in tether]),
            c.median([r.data["setup_s"] * 1000 for r in batch]),
        ),
        c.lower_better(
            "peak RSS of the ingest process, MB",
            max(r.peak_rss_mb for r in tether),
            max(r.peak_rss_mb for r in batch),
        ),
    ]
    c.print_table(rows)
    notes = [
        f"tether: median of {repeats} runs, all {steps * len(KEYS):,} points, from log_params to the end of "
        "end_run (its final flush included).",
        "MLflow: SQLite store (sqlite:///…) unless the row says file store (MLFLOW_ALLOW_FILE_STORE=true).",
        f"MLflow fluent log_metric: the first {_points(mlflow_fluent)} points "
        f"({fluent_budget_s:.0f} s budget); file store: the first {_points(file_fluent)}.",
        "MLflow log_metrics(synchronous=False): one call per step, the first "
        f"{_points(mlflow_async)} points, timed to the end of flush_async_logging and end_run.",
        f"MLflow log_batch: all points, 1,000 per call (its limit), median of {len(batch)} runs; "
        "MLflow's RSS is that of its log_batch process.",
        "Every worker read its points back with get_metric_history afterwards and found all of them.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


def _points(result: c.WorkerResult) -> str:
    return f"{result.data['points']:,}"


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
