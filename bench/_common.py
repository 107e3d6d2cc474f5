"""Shared pieces of the benchmarks: worker subprocesses, timing, fresh stores and the result table.

Every measurement that depends on what a process has imported or allocated runs in a worker: the bench
script starts itself again with ``--worker NAME CONFIG``, the worker prints one JSON line of results,
and the parent reads that line and the worker's peak RSS (from ``os.wait4``) when it exits.

The server benchmarks also start servers here (tether's, MLflow's, or any command), each on a free port in
a process group of its own that is always stopped, and make throwaway PostgreSQL databases.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

PYTHON = sys.executable
"""The interpreter that runs the bench (the venv's); workers and timed commands all use it."""

_RESULT_MARK = "BENCH-RESULT "

Worker = Callable[[dict[str, Any]], dict[str, Any]]


def child_env(**extra: str) -> dict[str, str]:
    """The environment of every subprocess: no telemetry, MLflow's file store allowed when asked for."""
    return {**os.environ, "MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", **extra}


@dataclass(frozen=True)
class Finished:
    """What one subprocess did: exit code, wall time, peak resident memory and its output."""

    returncode: int
    wall_s: float
    peak_rss_mb: float
    stdout: str
    stderr: str


def run_process(command: Sequence[str], env: dict[str, str] | None = None) -> Finished:
    """Run ``command`` to completion, measuring its wall time and the peak RSS of that one process."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=err, env=env or child_env(), stdin=subprocess.DEVNULL
        )
        assert process.stdout is not None
        out = process.stdout.read()
        process.stdout.close()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    return Finished(process.returncode, wall, usage.ru_maxrss / 1024, out.decode(errors="replace"), stderr)


@dataclass(frozen=True)
class WorkerResult:
    """The JSON results a worker printed, and the peak RSS of its process."""

    data: dict[str, Any]
    peak_rss_mb: float


def run_worker(
    script: str, name: str, config: dict[str, Any], env: dict[str, str] | None = None
) -> WorkerResult:
    """Run worker ``name`` of ``script`` in a fresh interpreter and return its results."""
    finished = run_process([PYTHON, script, "--worker", name, json.dumps(config)], env)
    lines = [line for line in finished.stdout.splitlines() if line.startswith(_RESULT_MARK)]
    if finished.returncode != 0 or not lines:
        output = finished.stderr[-4000:] + finished.stdout[-2000:]
        raise RuntimeError(f"worker {name} failed (exit {finished.returncode}):\n{output}")
    return WorkerResult(json.loads(lines[-1][len(_RESULT_MARK) :]), finished.peak_rss_mb)


def main(description: str, bench: Callable[[bool], None], workers: dict[str, Worker]) -> None:
    """A bench script's command line: ``--quick`` for a smoke run; ``--worker`` for its own subprocesses."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a small, fast version to check that it runs")
    parser.add_argument("--worker", nargs=2, metavar=("NAME", "CONFIG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        name, config = args.worker
        print(_RESULT_MARK + json.dumps(workers[name](json.loads(config))), flush=True)
        return
    start = time.perf_counter()
    bench(args.quick)
    print(f"\n(whole script: {time.perf_counter() - start:.0f} s)")


@contextlib.contextmanager
def fresh_dir(prefix: str) -> Iterator[Path]:
    """An empty temporary folder for one store, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix=f"tether-bench-{prefix}-") as path:
        yield Path(path)


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def header(title: str, packages: Sequence[str] = ("tether", "mlflow", "sqlalchemy")) -> None:
    """Title plus what the figures depend on: date, machine and the versions of ``packages``."""
    versions = ", ".join(f"{name} {_version(name)}" for name in packages)
    print(f"# {title}")
    machine = f"{os.cpu_count()} cores · Python {platform.python_version()} · SQLite {sqlite3.sqlite_version}"
    print(f"{datetime.date.today().isoformat()} · {machine}\n{versions}\n")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Row:
    """One line of the table; ``ratio`` > 1 means tether is faster or smaller."""

    operation: str
    tether: str
    mlflow: str
    ratio: str


def higher_better(operation: str, tether: float, mlflow: float) -> Row:
    """A rate or throughput: the ratio is tether / mlflow."""
    return Row(operation, number(tether), number(mlflow), _ratio(tether, mlflow))


def lower_better(operation: str, tether: float, mlflow: float) -> Row:
    """A time or a size: the ratio is mlflow / tether."""
    return Row(operation, number(tether), number(mlflow), _ratio(mlflow, tether))


def number(value: float) -> str:
    """Three significant figures or more, with thousands separators."""
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _ratio(numerator: float, denominator: float) -> str:
    if denominator <= 0:
        return "n/a"
    value = numerator / denominator
    return f"{value:,.0f}×" if value >= 100 else f"{value:.1f}×"


def print_table(rows: Sequence[Row]) -> None:
    """A Markdown table, so the output pastes into docs/benchmarks.md as it is."""
    print_markdown(
        ("operation", "tether", "mlflow", "ratio"), [(r.operation, r.tether, r.mlflow, r.ratio) for r in rows]
    )


def print_markdown(header: tuple[str, str, str, str], rows: Sequence[tuple[str, str, str, str]]) -> None:
    """Rows of (operation, ours, peer, ratio) as a Markdown table with the figures right-aligned."""
    lines = [header, *rows]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for index, line in enumerate(lines):
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
        ]
        print("| " + " | ".join(cells) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|")


# --- servers: tether's, MLflow's or any other, each in a process group of its own on a free port ------

BIN = Path(PYTHON).parent
PG_ADMIN_URL = os.environ.get("TETHER_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
"""A PostgreSQL server where the benchmarks may create (and drop) databases of their own."""


def tether_env(**extra: str) -> dict[str, str]:
    """``child_env`` without any TETHER_* setting of this shell, so only ``extra`` says where tether goes."""
    return {**{k: v for k, v in child_env().items() if not k.startswith("TETHER_")}, **extra}


def mlflow_client_env(url: str) -> dict[str, str]:
    """An MLflow client process talking to the server at ``url``, with no retries to hide failures."""
    return child_env(MLFLOW_TRACKING_URI=url, MLFLOW_HTTP_REQUEST_MAX_RETRIES="0")


@dataclass(frozen=True)
class Server:
    """A running server: its base URL and its first process, which leads the server's process group."""

    url: str
    pid: int


def tether_server(folder: Path, db_url: str | None = None) -> contextlib.AbstractContextManager[Server]:
    """``tether server`` on the store in ``folder``, with its metadata in ``db_url`` when given."""
    port = free_port()
    command = [str(BIN / "tether"), "server", "--port", str(port), "--log-level", "warning"]
    if db_url is not None:
        command += ["--db", db_url]
    return serve_process(command, tether_env(TETHER_HOME=str(folder)), folder, port)


def mlflow_server(folder: Path, backend_uri: str) -> contextlib.AbstractContextManager[Server]:
    """``mlflow server`` (one worker) on ``backend_uri``, serving artifacts from ``folder/mlartifacts``."""
    port = free_port()
    command = [
        str(BIN / "mlflow"),
        "server",
        "--backend-store-uri",
        backend_uri,
        "--artifacts-destination",
        str(folder / "mlartifacts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
    ]
    return serve_process(command, child_env(), folder, port)


@contextlib.contextmanager
def server_for(tool: str, folder: Path, db_url: str) -> Iterator[tuple[Server, dict[str, str]]]:
    """The server of ``tool`` ("tether" or "mlflow") on ``db_url``, and the environment for its clients."""
    if tool == "tether":
        with tether_server(folder, db_url) as server:
            yield server, tether_env(TETHER_URI=server.url)
    else:
        with mlflow_server(folder, db_url) as server:
            yield server, mlflow_client_env(server.url)


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serve_process(
    command: Sequence[str], env: dict[str, str], folder: Path, port: int, health: str = "/health"
) -> Iterator[Server]:
    """Start a server in ``folder`` (its output in ``folder/server.log``), wait until ``health`` answers 200;
    always stop it and its children."""
    url = f"http://127.0.0.1:{port}"
    log_path = folder / "server.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=folder, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_healthy(process, url + health, log_path)
        yield Server(url, process.pid)
    finally:
        _stop_group(process)


def _wait_healthy(
    process: subprocess.Popen[bytes], health_url: str, log_path: Path, timeout_s: float = 180
) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            with urllib.request.urlopen(health_url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer {health_url} within {timeout_s:.0f} s:\n{_tail(log_path)}")


def _tail(log_path: Path) -> str:
    return log_path.read_text(errors="replace")[-3000:]


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group, then SIGKILL to whatever is left of it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def postgres_problem() -> str | None:
    """Why the benchmarks cannot use PostgreSQL at ``PG_ADMIN_URL``, or None when they can."""
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=5).close()
    except Exception as error:  # a missing driver or an unreachable server: either way, no PostgreSQL rows
        return f"{type(error).__name__}: {error}"
    return None


@contextlib.contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new PostgreSQL database, dropped afterwards; yields its SQLAlchemy URL (driver psycopg)."""
    import psycopg

    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield "postgresql+psycopg://" + PG_ADMIN_URL.split("://", 1)[1].rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
