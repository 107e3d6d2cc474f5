"""Shared pieces of the benchmarks: worker subprocesses, timing, fresh stores and the result table.

Every measurement that depends on what a process has imported or allocated runs in a worker: the bench
script starts itself again with ``--worker NAME CONFIG``, the worker prints one JSON line of results,
and the parent reads that line and the worker's peak RSS (from ``os.wait4``) when it exits.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
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


def header(title: str) -> None:
    """Title plus what the figures depend on: date, machine and versions."""
    versions = ", ".join(f"{name} {_version(name)}" for name in ("tether", "mlflow", "sqlalchemy"))
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
    lines = [
        ("operation", "tether", "mlflow", "ratio"),
        *((r.operation, r.tether, r.mlflow, r.ratio) for r in rows),
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    for index, line in enumerate(lines):
        cells = [
            line[0].ljust(widths[0]),
            *(cell.rjust(width) for cell, width in zip(line[1:], widths[1:], strict=True)),
        ]
        print("| " + " | ".join(cells) + " |")
        if index == 0:
            print("|" + "|".join("-" * (w + 1) + (":" if i else "-") for i, w in enumerate(widths)) + "|")
