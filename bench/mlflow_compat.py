"""MLflow client compatibility: one MLflow client, pointed at tether server and at mlflow server.

The same ``mlflow`` package, with ``MLFLOW_TRACKING_URI`` set, talks to ``tether server`` (which answers
MLflow's REST API) and to ``mlflow server`` (one worker, artifacts proxied to a local folder), both on a
new SQLite store. Against each server, in turn, it logs one run (100 params, then 10 keys × 10,000 steps
through ``MlflowClient.log_batch``, 1,000 points per call), searches 10,000 runs (created untimed, one
``create_run`` and one ``log_batch`` each), and sends a 200 MiB artifact up and back down. Every step runs
in a fresh client process, after a small warm-up against the same server; around each step the server's
peak RSS is reset and read, as in ``server_artifacts.py``. Finally ``tether import mlflow`` copies a
SQLite MLflow store of 10,000 runs (100 metric points each, written untimed with ``MlflowClient``) into a
new embedded tether store.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import _common as c
import search_runs as search
import server_artifacts as art
import tracking_ingest as ingest

MiB = art.MiB
TOOLS = ("tether", "mlflow")
SEARCH_REPEATS = 5
IMPORT_KEYS = [f"m{k}" for k in range(10)]
IMPORT_STEPS = 10
"""Each imported run holds 10 keys × 10 steps = 100 metric points."""
IMPORT_TARGET_S = 60.0

# --- workers (each runs in a fresh interpreter; MLFLOW_TRACKING_URI names the server) -----------------


def search_runs(config: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    client = MlflowClient()

    def once() -> list[str]:
        found = client.search_runs(
            [config["experiment_id"]], search.FILTER, order_by=search.ORDER_BY, max_results=search.MAX_RESULTS
        )
        return [run.info.run_name for run in found]

    return search._time_searches(once, config["repeats"])


def build_import_store(config: dict[str, Any]) -> dict[str, Any]:
    """An MLflow SQLite store to import from, written directly (no server) with ``log_batch``."""
    from mlflow import MlflowClient
    from mlflow.entities import Metric, Param, RunTag

    client = MlflowClient(tracking_uri=config["uri"])
    experiment_id = client.create_experiment("imported", artifact_location=config["artifacts"])
    for name, metrics, params, tags in search._runs(config["runs"], config["seed"]):
        run_id = client.create_run(experiment_id, run_name=name).info.run_id
        stamp = int(time.time() * 1000)
        points = [
            Metric(key, metrics[key] + step, stamp + step, step)
            for step in range(IMPORT_STEPS)
            for key in IMPORT_KEYS
        ]
        params_ = [Param(k, v) for k, v in params.items()]
        client.log_batch(run_id, metrics=points, params=params_, tags=[RunTag(k, v) for k, v in tags.items()])
    return {"experiment_id": experiment_id}


WORKERS: dict[str, c.Worker] = {
    "log_batch": ingest.mlflow_log_batch,
    "create_runs": search.mlflow_create,  # the runs of search_runs.py, made the same way
    "search_runs": search_runs,
    "upload": art.mlflow_upload,
    "download": art.mlflow_download,
    "build_import_store": build_import_store,
}


# --- the workload against one server ------------------------------------------------------------------


@contextlib.contextmanager
def _server(tool: str, folder: Path) -> Iterator[c.Server]:
    """A new server of ``tool`` on a SQLite store in ``folder``."""
    db_url = f"sqlite:///{folder / 'store.db'}"
    if tool == "tether":
        with c.tether_server(folder, db_url) as server:
            yield server
    else:
        with c.mlflow_server(folder, db_url) as server:
            yield server


class Session:
    """The MLflow client's workers against one server, with the server's peak RSS over each phase."""

    def __init__(self, server: c.Server) -> None:
        self.server = server
        self.env = c.mlflow_client_env(server.url)
        self.peaks: dict[str, list[float]] = {}

    def worker(self, name: str, config: dict[str, Any], phase: str | None = None) -> dict[str, Any]:
        """Run worker ``name``; with a ``phase``, the server's peak RSS meanwhile counts towards it."""
        if phase is None:
            return c.run_worker(__file__, name, config, self.env).data
        art._reset_peaks(self.server)
        data = c.run_worker(__file__, name, config, self.env).data
        peaks = art._peaks_mb(self.server)
        largest, total = self.peaks.get(phase, [0.0, 0.0])
        self.peaks[phase] = [max(largest, *peaks), max(total, sum(peaks))]
        return data


def _logging(session: Session, steps: int) -> float:
    """Points per second of the log_batch workload, after a warm-up run of a few steps."""
    session.worker("log_batch", {"uri": session.server.url, "steps": 5})
    result = session.worker("log_batch", {"uri": session.server.url, "steps": steps}, "logging")
    if result["stored"] != result["points"]:
        raise RuntimeError(f"{result['points']} points logged but {result['stored']} stored")
    return float(result["points"] / result["seconds"])


def _search(session: Session, runs: int, rounds: int) -> dict[str, Any]:
    """Create ``runs`` runs (untimed), then time the search in ``rounds`` fresh processes."""
    created = session.worker("create_runs", {"runs": runs, "seed": 7, "store": session.server.url}, "search")
    times: list[float] = []
    for _ in range(rounds):
        config = {"experiment_id": created["experiment_id"], "repeats": SEARCH_REPEATS}
        result = session.worker("search_runs", config, "search")
        times += result["search_s"]
    return {"create_rate": runs / created["create_s"], "search_s": times, "names": result["names"]}


def _round_trip(session: Session, source: Path, phase: str | None) -> dict[str, float]:
    """Upload ``source`` to a new run and download it again; the seconds of each, bytes checked."""
    uploaded = session.worker("upload", {"source": str(source)}, phase)
    with tempfile.TemporaryDirectory(dir=source.parent) as destination:
        config = {"run_id": uploaded["run_id"], "destination": destination}
        downloaded = session.worker("download", config, phase)
    if (downloaded["bytes"], downloaded["sha256"]) != (source.stat().st_size, art._sha256(source)):
        raise RuntimeError("the downloaded artifact differs from the one uploaded")
    return {"upload": uploaded["seconds"], "download": downloaded["seconds"]}


def _workload(tool: str, sizes: dict[str, Any], source: Path, warm_up: Path) -> dict[str, Any]:
    """Logging, search and artifacts through the MLflow client against a new server of ``tool``."""
    with c.fresh_dir(tool) as folder, _server(tool, folder) as server:
        session = Session(server)
        results: dict[str, Any] = {"points_per_s": _logging(session, sizes["steps"])}
        results.update(_search(session, sizes["runs"], sizes["rounds"]))
        _round_trip(session, warm_up, None)
        trips = [_round_trip(session, source, "artifacts") for _ in range(sizes["trips"])]
        for direction in ("upload", "download"):
            results[direction] = c.median([source.stat().st_size / MiB / t[direction] for t in trips])
        results["peaks"] = session.peaks
    return results


# --- tether import mlflow -----------------------------------------------------------------------------


def _import(runs: int) -> dict[str, Any]:
    """Seconds of ``tether import mlflow`` from a new MLflow SQLite store into a new embedded store."""
    with c.fresh_dir("import-source") as source, c.fresh_dir("import-target") as target:
        uri = f"sqlite:///{source / 'mlflow.db'}"
        config = {"uri": uri, "artifacts": (source / "mlruns").as_uri(), "runs": runs, "seed": 11}
        c.run_worker(__file__, "build_import_store", config)
        command = [str(c.BIN / "tether"), "import", "mlflow", "--from", uri, "--no-progress"]
        finished = c.run_process(command, c.tether_env(TETHER_HOME=str(target)))
    if finished.returncode != 0:
        raise RuntimeError(f"tether import mlflow failed ({finished.returncode}):\n{finished.stderr[-3000:]}")
    counts = {label: _count(finished.stdout, label) for label in ("runs created", "metric points")}
    expected = {"runs created": runs, "metric points": runs * len(IMPORT_KEYS) * IMPORT_STEPS}
    if counts != expected:
        raise RuntimeError(f"tether import mlflow copied {counts}, expected {expected}")
    return {"seconds": finished.wall_s, "peak_rss_mb": finished.peak_rss_mb}


def _count(summary: str, label: str) -> int:
    """A figure of the import's summary (``label``, then the number), or -1 when it is missing."""
    found = re.search(rf"^{label}\s+([\d,]+)", summary, re.M)
    return int(found.group(1).replace(",", "")) if found else -1


# --- the benchmark ------------------------------------------------------------------------------------


def bench(quick: bool) -> None:
    sizes: dict[str, Any] = (
        {"steps": 1_000, "runs": 500, "rounds": 1, "trips": 1, "mib": 20, "import_runs": 300}
        if quick
        else {"steps": 10_000, "runs": 10_000, "rounds": 3, "trips": 3, "mib": 200, "import_runs": 10_000}
    )
    c.header(
        f"MLflow client → tether server vs mlflow server: {sizes['steps']:,} steps, "
        f"{sizes['runs']:,}-run search, {sizes['mib']} MiB artifact"
    )
    with c.fresh_dir("source") as folder:
        source, warm_up = folder / "timed" / art.ARTIFACT, folder / "warm-up" / art.ARTIFACT
        art._write_source(source, sizes["mib"] * MiB)
        art._write_source(warm_up, MiB)
        results = {tool: _workload(tool, sizes, source, warm_up) for tool in TOOLS}
    if results["tether"]["names"] != results["mlflow"]["names"]:
        raise RuntimeError("the two servers returned different runs for the same search")
    imported = _import(sizes["import_runs"])

    tether, mlflow = results["tether"], results["mlflow"]
    points = sizes["steps"] * len(ingest.KEYS)
    rows = [
        c.higher_better(
            f"log_batch, {points:,} points + 100 params, points/s",
            tether["points_per_s"],
            mlflow["points_per_s"],
        ),
        c.lower_better(
            f"search_runs over {sizes['runs']:,} runs, first {search.MAX_RESULTS}, median ms",
            c.median(tether["search_s"]) * 1000,
            c.median(mlflow["search_s"]) * 1000,
        ),
        c.higher_better(f"log_artifact, {sizes['mib']} MiB, MiB/s", tether["upload"], mlflow["upload"]),
        c.higher_better(
            f"download_artifacts, {sizes['mib']} MiB, MiB/s", tether["download"], mlflow["download"]
        ),
    ]
    rows += [
        c.lower_better(
            f"server peak RSS during {phase}, MiB", tether["peaks"][phase][0], mlflow["peaks"][phase][0]
        )
        for phase in ("logging", "search", "artifacts")
    ]
    rows.append(
        c.lower_better(
            "all server processes, sum of their peaks, MiB",
            max(total for _, total in tether["peaks"].values()),
            max(total for _, total in mlflow["peaks"].values()),
        )
    )
    met = "met" if imported["seconds"] < IMPORT_TARGET_S else "not met"
    rows.append(
        c.Row(
            f"tether import mlflow, {sizes['import_runs']:,} runs × 100 points, s",
            c.number(imported["seconds"]),
            f"target < {IMPORT_TARGET_S:.0f}",
            met,
        )
    )
    c.print_table(rows)
    notes = [
        "Client: the same mlflow package for both, MLFLOW_TRACKING_URI at the server, "
        "MLFLOW_HTTP_REQUEST_MAX_RETRIES=0; each step in a fresh process after a warm-up against the server.",
        "log_batch: the run's 100 params in one log_batch (what log_params sends), then every point, "
        "1,000 per call, until end_run; every point read back with get_metric_history.",
        f"search: filter {search.FILTER!r}, order_by {search.ORDER_BY}; median of "
        f"{len(tether['search_s'])} calls in {sizes['rounds']} fresh processes per server, each after "
        f"{search.WARM_UP} warm-up calls; both servers returned the same {len(tether['names'])} runs in the "
        "same order.",
        "search setup (untimed): create_run, log_batch(10 params, 10 metrics, 3 tags), set_terminated: "
        f"{tether['create_rate']:,.0f} runs/s to tether, {mlflow['create_rate']:,.0f} runs/s to mlflow.",
        f"artifacts: median of {sizes['trips']} round trips (MiB = 1,048,576 bytes); every download matched "
        "the file's size and SHA-256.",
        "Server RSS: the largest server process, its peak over each phase (search: creating its runs too); "
        "the last RSS row sums the peaks of all the server's processes (the highest phase).",
        f"import: wall time of the CLI (start-up included), SQLite MLflow store → new embedded store, "
        f"{len(IMPORT_KEYS)} keys × {IMPORT_STEPS} steps, 10 params and 3 tags per run; all runs and points "
        f"arrived; its peak RSS {imported['peak_rss_mb']:,.0f} MiB.",
        "Servers: tether server and mlflow server --workers 1, each on a new SQLite store with its "
        "artifacts in a local folder.",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
