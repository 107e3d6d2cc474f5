"""Models: log_model, then load_model in a fresh process and a first predict, tether beside MLflow.

The same scikit-learn random forest (fixed seed, trained in each worker, untimed) is logged by each tool
to a run in an embedded store (tether: its SQLite store; MLflow: a SQLite tracking store with local
artifacts), with an input example so both infer a signature. A second fresh process then imports the
tool, loads the model by its URI and predicts on the same rows; that whole process is what a serving
replica or a batch job pays, so it is timed from the worker's start. Both must predict the same labels.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import _common as c

ROUNDS = 3
TREE_TYPES = ["sklearn.tree._tree.Tree"]
"""MLflow 3 saves scikit-learn models with skops and refuses trees unless told to trust them."""


def _data(rows: int) -> Any:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(11)
    frame = pd.DataFrame(rng.normal(size=(rows, 20)), columns=[f"f{i}" for i in range(20)])
    labels = (frame["f0"] + frame["f1"] * 0.5 > 0).astype(int)
    return frame, labels


def _forest(config: dict[str, Any]) -> tuple[Any, Any]:
    from sklearn.ensemble import RandomForestClassifier

    frame, labels = _data(config["rows"])
    model = RandomForestClassifier(n_estimators=config["trees"], max_depth=8, random_state=0, n_jobs=1)
    return model.fit(frame, labels), frame


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_log(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    model, frame = _forest(config)
    client = tether.Client(home=config["store"])
    run_id = client.create_run(experiment_id="0").run_id
    start = time.perf_counter()
    info = client.log_model(run_id, model, input_example=frame.head(5))
    elapsed = time.perf_counter() - start
    package = Path(config["store"]) / "blobs" / "runs" / run_id / "artifacts" / "model"
    return {"log_s": elapsed, "uri": info.model_uri, "bytes": _size(package)}


def tether_load(config: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    import tether

    frame, _ = _data(config["rows"])
    model = tether.Client(home=config["store"]).load_model(config["uri"])
    predicted = model.predict(frame)
    return {"load_predict_s": time.perf_counter() - start, "predicted": [int(v) for v in predicted]}


def mlflow_log(config: dict[str, Any]) -> dict[str, Any]:
    import mlflow

    model, frame = _forest(config)
    mlflow.set_tracking_uri(config["store"])
    experiment = mlflow.create_experiment(f"bench-{os.getpid()}", artifact_location=config["artifacts"])
    with mlflow.start_run(experiment_id=experiment):
        start = time.perf_counter()
        info = mlflow.sklearn.log_model(
            model, name="model", input_example=frame.head(5), skops_trusted_types=TREE_TYPES
        )
        elapsed = time.perf_counter() - start
    local = mlflow.artifacts.download_artifacts(info.model_uri)
    return {"log_s": elapsed, "uri": info.model_uri, "bytes": _size(Path(local))}


def mlflow_load(config: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    import mlflow

    frame, _ = _data(config["rows"])
    mlflow.set_tracking_uri(config["store"])
    model = mlflow.pyfunc.load_model(config["uri"])
    predicted = model.predict(frame)
    return {"load_predict_s": time.perf_counter() - start, "predicted": [int(v) for v in predicted]}


WORKERS: dict[str, c.Worker] = {
    "tether_log": tether_log,
    "tether_load": tether_load,
    "mlflow_log": mlflow_log,
    "mlflow_load": mlflow_load,
}


# --- the benchmark ------------------------------------------------------------------------------------


def bench(quick: bool) -> None:
    trees, rows, rounds = (10, 500, 1) if quick else (100, 5_000, ROUNDS)
    c.header(f"Models: a scikit-learn random forest ({trees} trees, depth 8, 20 features), log then load")
    logged: dict[str, list[float]] = {"tether": [], "mlflow": []}
    loaded: dict[str, list[float]] = {"tether": [], "mlflow": []}
    sizes: dict[str, int] = {}
    predictions: dict[str, list[int]] = {}
    for _ in range(rounds):  # rounds alternate between the tools so a noisy spell hits both alike
        with c.fresh_dir("tether") as tether_dir, c.fresh_dir("mlflow") as mlflow_dir:
            stores = {
                "tether": {"store": str(tether_dir)},
                "mlflow": {
                    "store": f"sqlite:///{mlflow_dir / 'mlflow.db'}",
                    "artifacts": (mlflow_dir / "artifacts").as_uri(),
                },
            }
            for tool, store in stores.items():
                config = {**store, "trees": trees, "rows": rows}
                made = c.run_worker(__file__, f"{tool}_log", config).data
                logged[tool].append(made["log_s"])
                sizes[tool] = made["bytes"]
                used = c.run_worker(__file__, f"{tool}_load", {**config, "uri": made["uri"]}).data
                loaded[tool].append(used["load_predict_s"])
                predictions[tool] = used["predicted"]
    if predictions["tether"] != predictions["mlflow"]:
        raise RuntimeError("the two tools' loaded models predicted different labels")
    total = {tool: c.median(logged[tool]) + c.median(loaded[tool]) for tool in logged}
    c.print_table(
        [
            c.lower_better("log_model, s", c.median(logged["tether"]), c.median(logged["mlflow"])),
            c.lower_better(
                "fresh process: import + load_model + first predict, s",
                c.median(loaded["tether"]),
                c.median(loaded["mlflow"]),
            ),
            c.lower_better("end to end, s", total["tether"], total["mlflow"]),
            c.lower_better("package size, KB", sizes["tether"] / 1024, sizes["mlflow"] / 1024),
        ]
    )
    notes = [
        f"medians of {rounds} rounds, each in fresh processes (alternating between tools); training untimed.",
        f"predict on {rows:,} rows; both tools' loaded models return the same labels.",
        "tether: skops package, BLAKE3-verified files, tree structure checked on load; MLflow: "
        "mlflow.sklearn.log_model (skops, trusting sklearn's Tree) / mlflow.pyfunc.load_model, with its "
        "default requirement inference.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
