"""Artifacts over HTTP: a 1 GiB file uploaded to and downloaded from each tool's server.

tether: ``tether.Client().log_artifact`` and ``download_artifacts`` against ``tether server``. MLflow:
``MlflowClient().log_artifact`` and ``download_artifacts`` against ``mlflow server`` (one worker), whose
artifact proxy (mlflow-artifacts) stores the file in a local folder. Each server runs on a new store; each
transfer runs in a fresh client process and is timed inside it, from the call to its return. Around every
transfer the script resets the peak RSS of each server process (``/proc/PID/clear_refs``) and reads it
afterwards (``VmHWM``), so the figure is the server's peak during that transfer. Every download must have
the bytes and SHA-256 of the file sent.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import psutil

import _common as c

MiB = 1024 * 1024
BLOCK = 64 * MiB
ARTIFACT = "payload.bin"
PHASES = ("upload", "download")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        while block := stream.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _downloaded(path: Path, seconds: float) -> dict[str, Any]:
    """A download's time, and what arrived (measured after the clock stopped)."""
    return {"seconds": seconds, "bytes": path.stat().st_size, "sha256": _sha256(path)}


# --- workers (each runs in a fresh interpreter, with TETHER_URI or MLFLOW_TRACKING_URI set) -----------


def tether_upload(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    client = tether.Client()
    run_id = client.create_run("0").run_id
    start = time.perf_counter()
    client.log_artifact(run_id, config["source"])
    return {"seconds": time.perf_counter() - start, "run_id": run_id}


def tether_download(config: dict[str, Any]) -> dict[str, Any]:
    import tether

    client = tether.Client()
    start = time.perf_counter()
    path = client.download_artifacts(config["run_id"], ARTIFACT, config["destination"])
    return _downloaded(path, time.perf_counter() - start)


def mlflow_upload(config: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    client = MlflowClient()
    run_id = client.create_run("0").info.run_id
    start = time.perf_counter()
    client.log_artifact(run_id, config["source"])
    return {"seconds": time.perf_counter() - start, "run_id": run_id}


def mlflow_download(config: dict[str, Any]) -> dict[str, Any]:
    from mlflow import MlflowClient

    client = MlflowClient()
    start = time.perf_counter()
    path = client.download_artifacts(config["run_id"], ARTIFACT, config["destination"])
    return _downloaded(Path(path), time.perf_counter() - start)


WORKERS: dict[str, c.Worker] = {
    "tether_upload": tether_upload,
    "tether_download": tether_download,
    "mlflow_upload": mlflow_upload,
    "mlflow_download": mlflow_download,
}


# --- the server's memory ------------------------------------------------------------------------------


def _server_processes(server: c.Server) -> list[psutil.Process]:
    leader = psutil.Process(server.pid)
    return [leader, *leader.children(recursive=True)]


def _reset_peaks(server: c.Server) -> None:
    """Make each server process's peak RSS start again from its current RSS."""
    for process in _server_processes(server):
        with contextlib.suppress(FileNotFoundError), open(f"/proc/{process.pid}/clear_refs", "w") as control:
            control.write("5")


def _peaks_mb(server: c.Server) -> list[float]:
    """The peak RSS of each server process since the last reset, in MiB (processes gone meanwhile: none)."""
    peaks = []
    for process in _server_processes(server):
        with contextlib.suppress(FileNotFoundError), open(f"/proc/{process.pid}/status") as status:
            peaks.append(next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024)
    return peaks


# --- the benchmark ------------------------------------------------------------------------------------


def _write_source(path: Path, size: int) -> None:
    """A file of ``size`` random bytes at ``path``."""
    path.parent.mkdir(parents=True)
    with open(path, "wb") as out:
        for offset in range(0, size, BLOCK):
            out.write(os.urandom(min(BLOCK, size - offset)))


def _transfer(server: c.Server, name: str, config: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    """Run one transfer worker; its results plus the server's peak RSS meanwhile."""
    _reset_peaks(server)
    data = c.run_worker(__file__, name, config, env).data
    peaks = _peaks_mb(server)
    return {**data, "largest_mb": max(peaks), "total_mb": sum(peaks)}


def _round_trip(server: c.Server, tool: str, source: Path, env: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Upload ``source`` to a new run, then download it into a new folder."""
    uploaded = _transfer(server, f"{tool}_upload", {"source": str(source)}, env)
    with tempfile.TemporaryDirectory(dir=source.parent) as destination:
        config = {"run_id": uploaded["run_id"], "destination": destination}
        return {"upload": uploaded, "download": _transfer(server, f"{tool}_download", config, env)}


def _measure(tool: str, source: Path, warm_up: Path, repeats: int) -> dict[str, list[dict[str, Any]]]:
    """Upload and download ``source`` ``repeats`` times through a new server of ``tool``.

    A round trip of the small ``warm_up`` file comes first, as the server's first requests load code; the
    timed transfers then find it in its steady state.
    """
    checksum = _sha256(source)
    results: dict[str, list[dict[str, Any]]] = {phase: [] for phase in PHASES}
    with (
        c.fresh_dir(tool) as folder,
        c.server_for(tool, folder, f"sqlite:///{folder / 'store.db'}") as (server, env),
    ):
        _round_trip(server, tool, warm_up, env)
        for _ in range(repeats):
            trip = _round_trip(server, tool, source, env)
            if (trip["download"]["bytes"], trip["download"]["sha256"]) != (source.stat().st_size, checksum):
                raise RuntimeError(f"{tool}: the downloaded file differs from the one uploaded")
            for phase in PHASES:
                results[phase].append(trip[phase])
    return results


def bench(quick: bool) -> None:
    size, repeats = (100 * MiB, 1) if quick else (1024 * MiB, 3)
    c.header(f"Artifacts over HTTP: one {size // MiB:,} MiB file up and down through each server")
    with c.fresh_dir("source") as folder:
        source, warm_up = folder / "timed" / ARTIFACT, folder / "warm-up" / ARTIFACT
        _write_source(source, size)
        _write_source(warm_up, MiB)
        results = {tool: _measure(tool, source, warm_up, repeats) for tool in ("tether", "mlflow")}

    def rate(tool: str, phase: str) -> float:
        return c.median([size / MiB / r["seconds"] for r in results[tool][phase]])

    def peak(tool: str, field: str, phases: tuple[str, ...]) -> float:
        return max(r[field] for phase in phases for r in results[tool][phase])

    rows = [
        c.higher_better(f"{phase}, MiB/s", rate("tether", phase), rate("mlflow", phase)) for phase in PHASES
    ]
    rows += [
        c.lower_better(
            f"server peak RSS during {phase}, MiB",
            peak("tether", "largest_mb", (phase,)),
            peak("mlflow", "largest_mb", (phase,)),
        )
        for phase in PHASES
    ]
    rows.append(
        c.lower_better(
            "all server processes, sum of their peaks, MiB",
            peak("tether", "total_mb", PHASES),
            peak("mlflow", "total_mb", PHASES),
        )
    )
    c.print_table(rows)
    notes = [
        f"Throughput: median of {repeats} uploads and {repeats} downloads per tool, each in a fresh client "
        "process (MiB = 1,048,576 bytes); every download matched the file's size and SHA-256.",
        "Server RSS: the largest of the server's processes, its peak during the transfer (the highest over "
        "the repeats). tether server is one process; mlflow server is a launcher, the uvicorn worker and "
        "a job runner with its queue consumers, all of them in the last row.",
        "Servers: tether server on a SQLite store with its blobs in a local folder; mlflow server "
        "--workers 1 on SQLite with --artifacts-destination a local folder (artifacts proxied).",
    ]
    print("\n" + "\n".join(f"- {note}" for note in notes))


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, WORKERS)
