"""Remote metric ingest: 100 params and 10 keys × 10,000 steps, sent by each tool's client to its server.

The data and the timed region are those of ``tracking_ingest.py``, but the client talks to a server over
HTTP: tether's fluent API to ``tether server``, MLflow's client to ``mlflow server`` (one worker), first
with SQLite behind both servers and then with PostgreSQL. Every measurement gets a new store, a new server
and a new client process. MLflow's fluent ``log_metric`` makes one request per point, so it runs for a
time budget and its rate is reported; ``MlflowClient.log_batch`` (1,000 points per call) sends the whole
data set. Each client reads its points back through the server afterwards, and the script fails if any is
missing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _common as c
import tracking_ingest as ingest

WARM_UP_STEPS = 5

# --- workers (each runs in a fresh interpreter, with TETHER_URI or MLFLOW_TRACKING_URI set) -----------


def tether_fluent(config: dict[str, Any]) -> dict[str, Any]:
    """The whole data set through ``tt.log_metric`` to the server, until ``end_run`` has flushed it."""
    start = time.perf_counter()
    import tether as tt

    run_id = tt.start_run().run_id
    opened = time.perf_counter()
    tt.log_params(ingest.PARAMS)
    indexed_keys = list(enumerate(ingest.KEYS))
    for step in range(config["steps"]):
        for index, key in indexed_keys:
            tt.log_metric(key, ingest._value(step, index), step=step)
    tt.end_run()
    done = time.perf_counter()
    client = tt.Client()
    return {
        "setup_s": opened - start,
        "points": config["steps"] * len(ingest.KEYS),
        "seconds": done - opened,
        "stored": sum(len(client.get_metric_history(run_id, key)) for key in ingest.KEYS),
    }


WORKERS: dict[str, c.Worker] = {
    "tether_fluent": tether_fluent,
    "mlflow_fluent": ingest.mlflow_fluent,
    "mlflow_log_batch": ingest.mlflow_log_batch,
}


# --- the benchmark ------------------------------------------------------------------------------------


@contextlib.contextmanager
def _database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty metadata database of ``kind`` (SQLite or PostgreSQL)."""
    if kind == "SQLite":
        yield f"sqlite:///{folder / 'store.db'}"
    else:
        with c.postgres_database("tether_bench") as url:
            yield url


def _measure(name: str, database: str, config: dict[str, Any]) -> c.WorkerResult:
    """Run client worker ``name`` against a new server of its tool on a new ``database`` store.

    A first, small run of the same worker warms the server up (its first requests load code), so that the
    timed run measures it in its steady state.
    """
    with (
        c.fresh_dir(name) as folder,
        _database(database, folder) as db_url,
        c.server_for(name.partition("_")[0], folder, db_url) as (server, env),
    ):
        config = {**config, "uri": server.url}
        c.run_worker(__file__, name, {**config, "steps": WARM_UP_STEPS}, env)
        result = c.run_worker(__file__, name, config, env)
    if result.data["stored"] != result.data["points"]:
        raise RuntimeError(
            f"{name} on {database}: {result.data['points']} points logged but {result.data['stored']} stored"
        )
    return result


def _rate(result: c.WorkerResult) -> float:
    return float(result.data["points"] / result.data["seconds"])


def bench(quick: bool) -> None:
    steps = 1_000 if quick else 10_000
    repeats = 1 if quick else 3
    fluent_budget_s = 2.0 if quick else 20.0
    c.header(f"Remote metric ingest: 100 params + {len(ingest.KEYS)} keys × {steps:,} steps, client → server")

    databases = ["SQLite"]
    problem = c.postgres_problem()
    if problem is None:
        databases.append("PostgreSQL")
    rows: list[c.Row] = []
    notes: list[str] = []
    for database in databases:
        tether = [_measure("tether_fluent", database, {"steps": steps}) for _ in range(repeats)]
        tether_rate = c.median([_rate(r) for r in tether])
        fluent = _measure("mlflow_fluent", database, {"steps": steps, "seconds": fluent_budget_s})
        batch = [_measure("mlflow_log_batch", database, {"steps": steps}) for _ in range(max(1, repeats - 1))]
        rows += [
            c.higher_better(
                f"points/s, {database}: tether fluent vs MLflow fluent log_metric", tether_rate, _rate(fluent)
            ),
            c.higher_better(
                f"points/s, {database}: vs MLflow MlflowClient.log_batch",
                tether_rate,
                c.median([_rate(r) for r in batch]),
            ),
        ]
        notes.append(
            f"{database}: MLflow fluent log_metric sent the first {fluent.data['points']:,} points in its "
            f"{fluent_budget_s:.0f} s budget; tether is the median of {len(tether)} runs and log_batch of "
            f"{len(batch)}."
        )
    c.print_table(rows)
    notes += [
        f"tether: all {steps * len(ingest.KEYS):,} points with TETHER_URI set, timed from log_params to the "
        "end of end_run (its final flush included). MLflow log_batch: all points, 1,000 per call.",
        "Servers: tether server and mlflow server --workers 1, each new for every measurement on a new "
        "store (SQLite file, or a new PostgreSQL database); MLFLOW_HTTP_REQUEST_MAX_RETRIES=0.",
        "Every client read its points back through its server with get_metric_history and found all.",
    ]
    if problem is not None:
        notes.append(f"PostgreSQL rows skipped: {c.PG_ADMIN_URL} is not usable ({problem}).")
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
