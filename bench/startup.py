"""Start-up cost: ``import`` of each package and ``--help`` of each command line, in fresh processes.

Every figure is the wall time of a whole new process, interpreter start included (the script prints
that baseline), as the median of repeated runs taken in turn so that machine noise hits every command
alike. A command that is not installed or fails (tether's CLI before it exists) is reported as missing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import _common as c

BIN = Path(c.PYTHON).parent
COMMANDS = {
    "baseline": [c.PYTHON, "-c", "pass"],
    "tether import": [c.PYTHON, "-c", "import tether"],
    "mlflow import": [c.PYTHON, "-c", "import mlflow"],
    "tether --help": [str(BIN / "tether"), "--help"],
    "mlflow --help": [str(BIN / "mlflow"), "--help"],
}
ROWS: list[tuple[str, str, Callable[[c.Finished], float]]] = [
    ("import, median ms", "import", lambda f: f.wall_s * 1000),
    ("--help, median ms", "--help", lambda f: f.wall_s * 1000),
    ("import, peak RSS MB", "import", lambda f: f.peak_rss_mb),
]


def bench(quick: bool) -> None:
    repeats = 3 if quick else 10
    c.header("Start-up: import and --help in fresh processes")
    runnable = {name: cmd for name, cmd in COMMANDS.items() if Path(cmd[0]).exists()}
    runs: dict[str, list[c.Finished]] = {name: [] for name in runnable}
    for _ in range(repeats + 1):
        for name, command in runnable.items():
            runs[name].append(c.run_process(command))
    # The first round only warms the page cache and the bytecode caches.
    figures = {
        name: finished[1:] for name, finished in runs.items() if all(f.returncode == 0 for f in finished)
    }

    rows = []
    for operation, what, measure in ROWS:
        tether, mlflow = (figures.get(f"{tool} {what}") for tool in ("tether", "mlflow"))
        if tether and mlflow:
            rows.append(c.lower_better(operation, _median(tether, measure), _median(mlflow, measure)))
        else:
            rows.append(c.Row(operation, _cell(tether, measure), _cell(mlflow, measure), "n/a"))
    c.print_table(rows)
    baseline_ms = c.median([f.wall_s * 1000 for f in figures["baseline"]])
    print(
        f"\nmedian of {repeats} runs each after a warm-up round; `python -c pass` alone: {baseline_ms:.0f} ms"
    )
    for name in COMMANDS:
        if name not in figures:
            print(f"{name}: missing ({_why(runs.get(name))})")


def _median(finished: list[c.Finished], measure: Callable[[c.Finished], float]) -> float:
    return c.median([measure(f) for f in finished])


def _cell(finished: list[c.Finished] | None, measure: Callable[[c.Finished], float]) -> str:
    return c.number(_median(finished, measure)) if finished else "missing"


def _why(finished: list[c.Finished] | None) -> str:
    if not finished:
        return "not installed"
    failure = next(f for f in finished if f.returncode != 0)
    lines = failure.stderr.strip().splitlines()
    return f"exit {failure.returncode}: {lines[-1] if lines else 'no output'}"


if __name__ == "__main__":
    c.main(__doc__.splitlines()[0], bench, {})
