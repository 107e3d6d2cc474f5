"""Search over HTTP: one experiment of 10,000 and then 100,000 runs, searched through each tool's server.

Every run has 10 params, 10 metrics and 3 tags, drawn from one seeded generator, so both stores hold the
same runs (same names, values and start times). The stores are filled while no server is running, by the
fastest honest path each tool offers, and then served by ``tether server`` and ``mlflow server`` (one
worker), which search them like any other store:

- tether: ``tether.Client(home=…)`` on the server's own store, ``create_run`` (with the tags) and one
  ``log_batch`` (metrics and params) per run: the service code the server itself runs.
- MLflow: the first size through ``MlflowClient`` on its SQLite URI, the same two calls per run. At about
  30 ms a run the rest would take most of an hour, so the runs beyond it are written in bulk with MLflow's
  own SQLAlchemy models: the rows ``create_run`` and ``log_batch`` write (run, tags with
  ``mlflow.runName``, params, metrics and latest metrics), a few thousand runs per transaction.

The larger store is the smaller one with more runs added. Each query is timed through a new server of
each tool, from fresh client processes, as the median of the calls they make after warming up; a tool
whose calls take seconds gets fewer calls within a time budget, and a call over two minutes is abandoned.
Both tools must return the same runs in the same order.
"""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import _common as c

SEED = 7
FIRST_START_MS = 1_767_225_600_000
"""Run i starts at this time plus i ms: distinct start times make the default order the same in both."""
MAX_RESULTS = 100
QUERIES: dict[str, tuple[str, list[str]]] = {
    "filtered": ("metrics.m0 > 0.5 and params.p0 = 'v3'", ["metrics.m1 DESC"]),
    "ordered": ("", ["metrics.m1 DESC"]),
    "default": ("", []),
}
LABELS = {
    "filtered": "filtered, ordered by a metric",
    "ordered": "ordered by a metric, no filter",
    "default": "default order (start time)",
}
WARM_UP = 2
REPEATS = 4
CALL_LIMIT_S = 120
"""A search call that takes longer is abandoned (MLflow's own HTTP timeout) and reported as over it."""
BULK_RUNS_PER_TRANSACTION = 5_000

RunData = tuple[int, str, dict[str, float], dict[str, str], dict[str, str]]


def _runs(first: int, last: int) -> Iterator[RunData]:
    """(index, name, metrics, params, tags) of runs ``first`` to ``last - 1``, the same in every call."""
    rng = random.Random(SEED)
    for i in range(last):
        metrics = {f"m{k}": rng.random() for k in range(10)}
        params = {f"p{k}": f"v{rng.randrange(10)}" for k in range(10)}
        tags = {f"t{k}": f"tag{rng.randrange(5)}" for k in range(3)}
        if i >= first:
            yield i, f"run-{i:06d}", metrics, params, tags


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_build(config: dict[str, Any]) -> dict[str, Any]:
    """Runs ``first`` to ``last - 1`` through ``tether.Client`` on the store folder (no server running)."""
    import tether

    client = tether.Client(home=config["store"])
    experiment_id = config["experiment_id"] or client.create_experiment("bench")
    for i, name, metrics, params, tags in _runs(config["first"], config["last"]):
        start = FIRST_START_MS + i
        run_id = client.create_run(experiment_id, run_name=name, tags=tags, start_time=start).run_id
        client.log_batch(run_id, [(k, v, 0, start) for k, v in metrics.items()], params)
    return {"experiment_id": experiment_id}


def mlflow_build(config: dict[str, Any]) -> dict[str, Any]:
    """Runs ``first`` to ``last - 1`` through ``MlflowClient`` on the SQLite URI (no server running)."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param

    client = MlflowClient(tracking_uri=config["store"])
    experiment_id = config["experiment_id"] or client.create_experiment("bench")
    for i, name, metrics, params, tags in _runs(config["first"], config["last"]):
        start = FIRST_START_MS + i
        run_id = client.create_run(experiment_id, start_time=start, tags=tags, run_name=name).info.run_id
        client.log_batch(
            run_id,
            metrics=[Metric(k, v, start, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
        )
    return {"experiment_id": experiment_id}


def mlflow_bulk(config: dict[str, Any]) -> dict[str, Any]:
    """Runs ``first`` to ``last - 1`` written as the rows MlflowClient's create_run + log_batch write."""
    import uuid

    from mlflow.store.tracking.dbmodels.models import SqlLatestMetric, SqlMetric, SqlParam, SqlRun, SqlTag
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
    from mlflow.utils.mlflow_tags import MLFLOW_RUN_NAME
    from mlflow.utils.uri import append_to_uri_path
    from sqlalchemy import insert

    store = SqlAlchemyStore(config["store"], config["artifact_root"])
    experiment = store.get_experiment(config["experiment_id"])
    runs = _runs(config["first"], config["last"])
    while batch := list(itertools.islice(runs, BULK_RUNS_PER_TRANSACTION)):
        rows: dict[Any, list[dict[str, Any]]] = {model: [] for model in (SqlRun, SqlTag, SqlParam, SqlMetric)}
        for i, name, metrics, params, tags in batch:
            run_id = uuid.uuid4().hex
            rows[SqlRun].append(
                {
                    "run_uuid": run_id,
                    "name": name,
                    "artifact_uri": append_to_uri_path(experiment.artifact_location, run_id, "artifacts"),
                    "experiment_id": int(experiment.experiment_id),
                    "source_type": "UNKNOWN",
                    "source_name": "",
                    "entry_point_name": "",
                    "user_id": "unknown",
                    "status": "RUNNING",
                    "start_time": FIRST_START_MS + i,
                    "end_time": None,
                    "deleted_time": None,
                    "source_version": "",
                    "lifecycle_stage": "active",
                }
            )
            for key, value in {**tags, MLFLOW_RUN_NAME: name}.items():
                rows[SqlTag].append({"run_uuid": run_id, "key": key, "value": value})
            for key, value in params.items():
                rows[SqlParam].append({"run_uuid": run_id, "key": key, "value": value})
            for key, number in metrics.items():
                point = {"key": key, "value": number, "timestamp": FIRST_START_MS + i, "step": 0}
                rows[SqlMetric].append({"run_uuid": run_id, **point, "is_nan": False})
        with store.ManagedSessionMaker(read_only=False) as session:
            for model, values in rows.items():
                session.execute(insert(model), values)
            session.execute(insert(SqlLatestMetric), rows[SqlMetric])
    return {"experiment_id": config["experiment_id"]}


class CallTimedOut(Exception):
    """A search call ran past ``CALL_LIMIT_S``."""


def _time_query(search: Callable[[str, list[str]], list[str]], config: dict[str, Any]) -> dict[str, Any]:
    """Warm-up calls, then timed calls until ``REPEATS`` of them or the time budget is spent (one at least).

    Returns the seconds of each timed call, the run names found, and whether a call ran past the limit.
    """
    filter_string, order_by = QUERIES[config["query"]]
    deadline = time.monotonic() + config["budget_s"]
    times: list[float] = []
    names = None
    try:
        for _ in range(WARM_UP):
            search(filter_string, order_by)
        while len(times) < REPEATS and (not times or time.monotonic() < deadline):
            start = time.perf_counter()
            names = search(filter_string, order_by)
            times.append(time.perf_counter() - start)
    except CallTimedOut:
        return {"times": times, "names": names, "timed_out": True}
    return {"times": times, "names": names, "timed_out": False}


def tether_search(config: dict[str, Any]) -> dict[str, Any]:
    """``tether.Client().search_runs`` against the server that TETHER_URI names."""
    import tether

    client = tether.Client()

    def search(filter_string: str, order_by: list[str]) -> list[str]:
        page = client.search_runs([config["experiment_id"]], filter_string, order_by, MAX_RESULTS)
        return [run.run_name for run in page.items]

    return _time_query(search, config)


def mlflow_search(config: dict[str, Any]) -> dict[str, Any]:
    """``MlflowClient().search_runs`` against the server that MLFLOW_TRACKING_URI names."""
    from mlflow import MlflowClient
    from mlflow.exceptions import MlflowException

    client = MlflowClient()

    def search(filter_string: str, order_by: list[str]) -> list[str]:
        try:
            found = client.search_runs(
                [config["experiment_id"]], filter_string, order_by=order_by, max_results=MAX_RESULTS
            )
        except MlflowException as error:  # MLflow reports its HTTP timeout only in the message
            if "timed out" in str(error):
                raise CallTimedOut from error
            raise
        return [run.info.run_name for run in found]

    return _time_query(search, config)


WORKERS: dict[str, c.Worker] = {
    "tether_build": tether_build,
    "mlflow_build": mlflow_build,
    "mlflow_bulk": mlflow_bulk,
    "tether_search": tether_search,
    "mlflow_search": mlflow_search,
}


# --- the benchmark ------------------------------------------------------------------------------------


class Stores:
    """The two growing stores (a folder for each tool, a SQLite file in each) and the experiment in each."""

    def __init__(self, tether_dir: Path, mlflow_dir: Path) -> None:
        self.folder = {"tether": tether_dir, "mlflow": mlflow_dir}
        self.url = {
            "tether": f"sqlite:///{tether_dir / 'tether.db'}",
            "mlflow": f"sqlite:///{mlflow_dir / 'mlflow.db'}",
        }
        self.experiment_id: dict[str, str | None] = {"tether": None, "mlflow": None}
        self.runs = 0

    def grow(self, size: int, mlflow_api_runs: int) -> None:
        """Add runs up to ``size`` to both stores, the two tools at the same time (nothing is timed)."""
        span = {"first": self.runs, "last": size}
        tether_config = {"store": str(self.folder["tether"]), "experiment_id": self.experiment_id["tether"]}
        mlflow_config = {
            "store": self.url["mlflow"],
            "experiment_id": self.experiment_id["mlflow"],
            "artifact_root": str(self.folder["mlflow"] / "mlartifacts"),
        }
        mlflow_worker = "mlflow_build" if size <= mlflow_api_runs else "mlflow_bulk"
        with ThreadPoolExecutor(2) as pool:
            tether = pool.submit(c.run_worker, __file__, "tether_build", {**tether_config, **span})
            mlflow = pool.submit(c.run_worker, __file__, mlflow_worker, {**mlflow_config, **span})
            self.experiment_id = {
                "tether": tether.result().data["experiment_id"],
                "mlflow": mlflow.result().data["experiment_id"],
            }
        self.runs = size


def _search(stores: Stores, tool: str, rounds: int, budget_s: float) -> dict[str, dict[str, Any]]:
    """Time every query through a server of ``tool``; returns each query's times, names and whether a call
    ran past the limit. After such a call the server is replaced, as it may still be busy with the call
    its client abandoned (leaving the ``with`` stops it, whatever it is doing)."""
    found: dict[str, dict[str, Any]] = {}
    pending = list(QUERIES)
    while pending:
        with c.server_for(tool, stores.folder[tool], stores.url[tool]) as (_, server_env):
            env = {**server_env, "MLFLOW_HTTP_REQUEST_TIMEOUT": str(CALL_LIMIT_S)}  # only MLflow reads it
            while pending:
                query = pending.pop(0)
                found[query] = _time_rounds(stores, tool, query, env, rounds, budget_s)
                if found[query]["timed_out"]:
                    break
    return found


def _time_rounds(
    stores: Stores, tool: str, query: str, env: dict[str, str], rounds: int, budget_s: float
) -> dict[str, Any]:
    """Up to ``rounds`` fresh client processes timing ``query``, fewer once ``budget_s`` is spent."""
    found: dict[str, Any] = {"times": [], "names": None, "timed_out": False}
    deadline = time.monotonic() + budget_s
    for _ in range(rounds):
        config = {
            "experiment_id": stores.experiment_id[tool],
            "query": query,
            "budget_s": max(0.0, deadline - time.monotonic()),
        }
        result = c.run_worker(__file__, f"{tool}_search", config, env).data
        found["times"] += result["times"]
        found["names"] = result["names"] or found["names"]
        found["timed_out"] = result["timed_out"]
        if result["timed_out"] or time.monotonic() > deadline:
            break
    return found


def _row(size: int, query: str, tether: dict[str, Any], mlflow: dict[str, Any]) -> c.Row:
    operation = f"{size:,} runs: {LABELS[query]}, median ms"
    tether_ms = c.median(tether["times"]) * 1000
    if not mlflow["timed_out"]:
        return c.lower_better(operation, tether_ms, c.median(mlflow["times"]) * 1000)
    limit_ms = CALL_LIMIT_S * 1000
    return c.Row(operation, c.number(tether_ms), f"> {limit_ms:,}", f"> {limit_ms / tether_ms:,.0f}×")


def bench(quick: bool) -> None:
    sizes, rounds, budget_s = ((300, 1_000), 2, 15.0) if quick else ((10_000, 100_000), 5, 90.0)
    c.header(f"Search over HTTP: {' and '.join(f'{s:,}' for s in sizes)} runs in one experiment")
    rows: list[c.Row] = []
    counts: list[str] = []
    with c.fresh_dir("tether") as tether_dir, c.fresh_dir("mlflow") as mlflow_dir:
        stores = Stores(tether_dir, mlflow_dir)
        for size in sizes:
            stores.grow(size, mlflow_api_runs=sizes[0])
            found = {tool: _search(stores, tool, rounds, budget_s) for tool in ("tether", "mlflow")}
            for query in QUERIES:
                tether, mlflow = found["tether"][query], found["mlflow"][query]
                if not mlflow["timed_out"] and tether["names"] != mlflow["names"]:
                    raise RuntimeError(f"{size:,} runs, {query}: the tools returned different runs")
                rows.append(_row(size, query, tether, mlflow))
                counts.append(
                    f"{size:,} {query}: {len(tether['times'])} and "
                    + ("a call over the limit" if mlflow["timed_out"] else f"{len(mlflow['times'])}")
                )
    c.print_table(rows)
    notes = [
        f"Queries, first {MAX_RESULTS} runs each: "
        + "; ".join(f"{query}: filter {f!r}, order_by {o}" for query, (f, o) in QUERIES.items())
        + ". Both tools returned the same runs in the same order for every query they answered.",
        f"Each figure is the median of the timed calls of up to {rounds} fresh client processes, each making "
        f"{WARM_UP} warm-up calls and then {REPEATS} timed ones; a tool whose calls are slow gets fewer "
        f"(processes stop once {budget_s:.0f} s have been spent on a query, after one timed call at least), "
        f"and a call over {CALL_LIMIT_S} s is abandoned and shown as '>'.",
        "Timed calls per query (tether and MLflow): " + "; ".join(counts) + ".",
        "Clients: tether.Client() with TETHER_URI, MlflowClient() with MLFLOW_TRACKING_URI; servers: tether "
        "server and mlflow server --workers 1, both on SQLite; one tool after the other.",
        f"MLflow's first {sizes[0]:,} runs were made with MlflowClient, the other {sizes[-1] - sizes[0]:,} "
        "written in bulk with its SQLAlchemy models; tether's all with tether.Client.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
