"""Models: log_model, then load_model in a fresh process and a first predict, tether beside MLflow.

The same models (a scikit-learn random forest, a small torch MLP, and a torch MLP of about 1 GB; fixed
seeds, built in each worker, untimed) are logged by each tool to a run in an embedded store (tether: its
SQLite store; MLflow: a SQLite tracking store with local artifacts), with an input example so both infer
a signature. A second fresh process then imports the tool, loads the model by its URI and predicts on the
same rows; that whole process is what a serving replica or a batch job pays, so it is timed from the
worker's start. Both must predict the same labels.
"""

from __future__ import annotations

import importlib
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


def _model(config: dict[str, Any]) -> tuple[Any, Any]:
    """The model a round logs (a fitted forest, or an MLP with seeded weights) and its input rows."""
    frame, labels = _data(config["rows"])
    if config["kind"] == "forest":
        from sklearn.ensemble import RandomForestClassifier

        model = RandomForestClassifier(n_estimators=config["trees"], max_depth=8, random_state=0, n_jobs=1)
        return model.fit(frame, labels), frame
    import torch

    from _nets import MLP

    torch.manual_seed(0)
    return MLP(**config["init"]).eval(), frame.to_numpy(dtype="float32")


def _rows(config: dict[str, Any]) -> Any:
    frame, _ = _data(config["rows"])
    return frame if config["kind"] == "forest" else frame.to_numpy(dtype="float32")


def _labels(predicted: Any) -> list[int]:
    """Class labels, from labels or from an MLP's scores, so both tools' answers compare exactly."""
    import numpy as np

    values = np.asarray(predicted)
    return [int(v) for v in (values.argmax(axis=1) if values.ndim == 2 else values)]


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- workers (each runs in a fresh interpreter) ------------------------------------------------------


def tether_log(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    model, rows = _model(config)
    client = tether.Client(home=config["store"])
    run_id = client.create_run(experiment_id="0").run_id
    options = {"init": config["init"]} if config["kind"] != "forest" else None
    start = time.perf_counter()
    info = client.log_model(run_id, model, input_example=rows[:5], options=options)
    elapsed = time.perf_counter() - start
    package = Path(config["store"]) / "blobs" / "runs" / run_id / "artifacts" / "model"
    return {"log_s": elapsed, "uri": info.model_uri, "bytes": _size(package)}


def tether_load(config: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    import tether

    rows = _rows(config)
    client = tether.Client(home=config["store"])
    _import_framework(config)
    loading = time.perf_counter()
    model = client.load_model(config["uri"])
    loaded = time.perf_counter()
    predicted = model.predict(rows)
    return _loaded(start, loading, loaded, predicted)


def _import_framework(config: dict[str, Any]) -> None:
    """Import the model's framework, so that ``load_s`` times the load itself, as an application that
    already uses the framework pays it; the whole-process time still includes the import."""
    importlib.import_module("sklearn" if config["kind"] == "forest" else "torch")


def _loaded(start: float, loading: float, loaded: float, predicted: Any) -> dict[str, Any]:
    return {
        "load_predict_s": time.perf_counter() - start,
        "load_s": loaded - loading,
        "predicted": _labels(predicted),
    }


def mlflow_log(config: dict[str, Any]) -> dict[str, Any]:
    import mlflow

    model, rows = _model(config)
    mlflow.set_tracking_uri(config["store"])
    experiment = mlflow.create_experiment(f"bench-{os.getpid()}", artifact_location=config["artifacts"])
    with mlflow.start_run(experiment_id=experiment):
        start = time.perf_counter()
        if config["kind"] == "forest":
            info = mlflow.sklearn.log_model(
                model, name="model", input_example=rows[:5], skops_trusted_types=TREE_TYPES
            )
        else:
            info = mlflow.pytorch.log_model(model, name="model", input_example=rows[:5])
        elapsed = time.perf_counter() - start
    local = mlflow.artifacts.download_artifacts(info.model_uri)
    return {"log_s": elapsed, "uri": info.model_uri, "bytes": _size(Path(local))}


def mlflow_load(config: dict[str, Any]) -> dict[str, Any]:
    start = time.perf_counter()
    import mlflow

    rows = _rows(config)
    mlflow.set_tracking_uri(config["store"])
    _import_framework(config)
    loading = time.perf_counter()
    model = mlflow.pyfunc.load_model(config["uri"])
    loaded = time.perf_counter()
    predicted = model.predict(rows)
    return _loaded(start, loading, loaded, predicted)


WORKERS: dict[str, c.Worker] = {
    "tether_log": tether_log,
    "tether_load": tether_load,
    "mlflow_log": mlflow_log,
    "mlflow_load": mlflow_load,
}


# --- the benchmark ------------------------------------------------------------------------------------


CASES: dict[str, dict[str, Any]] = {
    "forest": {"kind": "forest", "trees": 100, "rows": 5_000},
    "mlp": {"kind": "mlp", "init": {"width": 64, "depth": 2}, "rows": 5_000},
    "big": {"kind": "mlp", "init": {"width": 8192, "depth": 5}, "rows": 64},
}
"""What each part logs: a random forest, a small MLP, and an MLP of about 1.07 GB of float32 weights."""
QUICK = {
    "forest": {"trees": 10, "rows": 500},
    "mlp": {"rows": 500},
    "big": {"init": {"width": 1024, "depth": 3}},
}


def _measure(case: dict[str, Any], rounds: int) -> dict[str, dict[str, Any]]:
    """Medians per tool of logging and of loading in a fresh process; rounds alternate between the tools."""
    found: dict[str, dict[str, Any]] = {
        tool: {"log": [], "load": [], "load_only": []} for tool in ("tether", "mlflow")
    }
    for _ in range(rounds):
        with c.fresh_dir("tether") as tether_dir, c.fresh_dir("mlflow") as mlflow_dir:
            stores = {
                "tether": {"store": str(tether_dir)},
                "mlflow": {
                    "store": f"sqlite:///{mlflow_dir / 'mlflow.db'}",
                    "artifacts": (mlflow_dir / "artifacts").as_uri(),
                },
            }
            for tool, store in stores.items():
                config = {**store, **case}
                made = c.run_worker(__file__, f"{tool}_log", config).data
                used = c.run_worker(__file__, f"{tool}_load", {**config, "uri": made["uri"]}).data
                found[tool]["log"].append(made["log_s"])
                found[tool]["load"].append(used["load_predict_s"])
                found[tool]["load_only"].append(used["load_s"])
                found[tool]["bytes"] = made["bytes"]
                found[tool]["predicted"] = used["predicted"]
    if found["tether"]["predicted"] != found["mlflow"]["predicted"]:
        raise RuntimeError("the two tools' loaded models predicted different labels")
    return {
        tool: {k: c.median(v) if isinstance(v, list) else v for k, v in f.items()}
        for tool, f in found.items()
    }


def bench(quick: bool) -> None:
    rounds = 1 if quick else ROUNDS
    cases = {name: {**case, **(QUICK[name] if quick else {})} for name, case in CASES.items()}
    c.header("Models: log_model, then import + load_model + first predict in a fresh process")
    rows = []
    for name, label in (("forest", "random forest (100 trees, depth 8)"), ("mlp", "torch MLP (2 × 64)")):
        measured = _measure(cases[name], rounds)
        t, m = measured["tether"], measured["mlflow"]
        rows += [
            c.lower_better(f"{label}: log_model, s", t["log"], m["log"]),
            c.lower_better(f"{label}: fresh process load + first predict, s", t["load"], m["load"]),
            c.lower_better(f"{label}: end to end, s", t["log"] + t["load"], m["log"] + m["load"]),
            c.lower_better(f"{label}: package size, KB", t["bytes"] / 1024, m["bytes"] / 1024),
        ]
    big = _measure(cases["big"], 1)
    t, m = big["tether"], big["mlflow"]
    size = f"{t['bytes'] / 2**30:.2f} GiB" if t["bytes"] >= 2**29 else f"{t['bytes'] / 2**20:.0f} MiB"
    rows += [
        c.lower_better(f"torch MLP of {size}: log_model, s", t["log"], m["log"]),
        c.lower_better(f"torch MLP of {size}: load_model, s", t["load_only"], m["load_only"]),
        c.lower_better(f"torch MLP of {size}: fresh process load + first predict, s", t["load"], m["load"]),
    ]
    c.print_table(rows)
    notes = [
        f"medians of {rounds} rounds (the large MLP: one), each step in a fresh process, alternating between "
        "tools; training untimed; both tools' loaded models return the same labels.",
        "tether: skops / safetensors packages, BLAKE3-verified files, trees checked on load; MLflow: "
        "mlflow.sklearn.log_model (skops, trusting sklearn's Tree) and mlflow.pytorch.log_model (pickle), "
        "loaded with mlflow.pyfunc.load_model, with its default requirement inference.",
        "load_model: the call alone, after the tool, the framework (torch) and the data are imported, as "
        "in an application that already uses torch; the fresh-process row includes every import.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
