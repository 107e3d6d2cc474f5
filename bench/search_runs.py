"""Run search: 10,000 runs × (10 params, 10 metrics, 3 tags) in one experiment, then one filtered search.

Both tools get the same runs (same seed) through their fastest public per-run path: ``create_run``,
one ``log_batch`` with the params, metrics and tags, and ``set_terminated``. The search filters on one
metric and one param, orders by another metric and takes the first 100 runs. It is timed in several
fresh processes per tool, taken in turn, as the median of the calls each makes after warming up; both
tools must return the same runs in the same order.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import Any

import _common as c

FILTER = "metrics.m0 > 0.5 and params.p0 = 'v3'"
ORDER_BY = ["metrics.m1 DESC"]
MAX_RESULTS = 100
WARM_UP = 3
REPEATS = 5


def _runs(count: int, seed: int) -> Iterator[tuple[str, dict[str, float], dict[str, str], dict[str, str]]]:
    """(run name, metrics, params, tags) of each run, the same for both tools."""
    rng = random.Random(seed)
    for i in range(count):
        metrics = {f"m{k}": rng.random() for k in range(10)}
        params = {f"p{k}": f"v{rng.randrange(10)}" for k in range(10)}
        tags = {f"t{k}": f"tag{rng.randrange(5)}" for k in range(3)}
        yield f"run-{i:05d}", metrics, params, tags


def _time_searches(search: Callable[[], list[str]], repeats: int) -> dict[str, Any]:
    """Seconds of each timed call after warm-up, and the run names the search returned."""
    for _ in range(WARM_UP):
        search()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        names = search()
        times.append(time.perf_counter() - start)
    return {"search_s": times, "names": names}


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_create(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    client = tether.Client(home=config["store"])
    experiment_id = client.create_experiment("bench")
    start = time.perf_counter()
    for name, metrics, params, tags in _runs(config["runs"], config["seed"]):
        run_id = client.create_run(experiment_id, run_name=name).run_id
        stamp = int(time.time() * 1000)
        client.log_batch(run_id, [(k, v, 0, stamp) for k, v in metrics.items()], params, tags)
        client.set_terminated(run_id)
    return {"create_s": time.perf_counter() - start, "experiment_id": experiment_id}


def tether_search(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    client = tether.Client(home=config["store"])

    def search() -> list[str]:
        page = client.search_runs([config["experiment_id"]], FILTER, ORDER_BY, max_results=MAX_RESULTS)
        return [run.run_name for run in page.items]

    return _time_searches(search, config["repeats"])


def mlflow_create(config: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    client = MlflowClient(tracking_uri=config["store"])
    experiment_id = client.create_experiment("bench")
    start = time.perf_counter()
    for name, metrics, params, tags in _runs(config["runs"], config["seed"]):
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
        stamp = int(time.time() * 1000)
        client.log_batch(
            run_id,
            metrics=[Metric(k, v, stamp, 0) for k, v in metrics.items()],
            params=[Param(k, v) for k, v in params.items()],
            tags=[RunTag(k, v) for k, v in tags.items()],
        )
        client.set_terminated(run_id)
    return {"create_s": time.perf_counter() - start, "experiment_id": experiment_id}


def mlflow_search(config: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=config["store"])

    def search() -> list[str]:
        found = client.search_runs(
            [config["experiment_id"]], FILTER, order_by=ORDER_BY, max_results=MAX_RESULTS
        )
        return [run.info.run_name for run in found]

    return _time_searches(search, config["repeats"])


WORKERS: dict[str, c.Worker] = {
    "tether_create": tether_create,
    "tether_search": tether_search,
    "mlflow_create": mlflow_create,
    "mlflow_search": mlflow_search,
}


# --- the benchmark ------------------------------------------------------------------------------------


def bench(quick: bool) -> None:
    runs, rounds = (500, 2) if quick else (10_000, 6)
    c.header(f"Run search: {runs:,} runs × (10 params, 10 metrics, 3 tags) in one experiment")
    with c.fresh_dir("tether") as tether_dir, c.fresh_dir("mlflow") as mlflow_dir:
        stores = {"tether": str(tether_dir), "mlflow": f"sqlite:///{mlflow_dir / 'mlflow.db'}"}
        created = {
            tool: c.run_worker(__file__, f"{tool}_create", {"store": store, "runs": runs, "seed": 7}).data
            for tool, store in stores.items()
        }
        # Rounds alternate between the tools so that a noisy spell on the machine hits both alike.
        searches: dict[str, list[float]] = {tool: [] for tool in stores}
        names: dict[str, list[str]] = {}
        for _ in range(rounds):
            for tool, store in stores.items():
                config = {"store": store, "experiment_id": created[tool]["experiment_id"], "repeats": REPEATS}
                result = c.run_worker(__file__, f"{tool}_search", config).data
                searches[tool] += result["search_s"]
                names[tool] = result["names"]
    if names["tether"] != names["mlflow"]:
        raise RuntimeError("the two tools returned different runs for the same search")

    tether_create_s, mlflow_create_s = created["tether"]["create_s"], created["mlflow"]["create_s"]
    c.print_table(
        [
            c.lower_better(f"create {runs:,} runs, s", tether_create_s, mlflow_create_s),
            c.higher_better("create, runs/s", runs / tether_create_s, runs / mlflow_create_s),
            c.lower_better(
                f"search, first {MAX_RESULTS} of filtered and ordered runs, median ms",
                c.median(searches["tether"]) * 1000,
                c.median(searches["mlflow"]) * 1000,
            ),
        ]
    )
    notes = [
        "create: create_run + log_batch(10 metrics, 10 params, 3 tags) + set_terminated per run, every run "
        "through the API (measured, not extrapolated).",
        f"search: filter {FILTER!r}, order_by {ORDER_BY}, max_results={MAX_RESULTS}; both tools return the "
        f"same {len(names['tether'])} runs in the same order.",
        f"search: median of {len(searches['tether'])} calls per tool, {REPEATS} in each of {rounds} fresh "
        f"processes per tool (alternating between tools), each after {WARM_UP} warm-up calls.",
        "MLflow store: SQLite (sqlite:///…).",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
