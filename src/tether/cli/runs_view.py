"""How runs are laid out on screen: the columns of a listing and the rows of a comparison.

Kept apart from the commands so that the choices (which keys earn a column, when two values count as
different) are plain functions of runs, testable without a store.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING

import typer

from tether.cli import output

if TYPE_CHECKING:
    from tether.tracking.schemas import Run

BASE_HEADERS = ("run id", "name", "status", "start time", "duration")
COLUMN_PREFIXES = ("metrics.", "params.", "tags.")
AUTO_METRICS = 3
AUTO_PARAMS = 2
DIFFERENT = "bold yellow"
MISSING = "-"
_STATUS_STYLES = {"RUNNING": "cyan", "FINISHED": "green", "FAILED": "red", "KILLED": "yellow"}


def parse_columns(specs: Sequence[str]) -> list[str]:
    """``["metrics.loss,params.lr", "tags.team"]`` -> one column name each, in order, without repeats."""
    columns: list[str] = []
    for spec in specs:
        for name in (part.strip() for part in spec.split(",")):
            if not name:
                continue
            prefix = next((p for p in COLUMN_PREFIXES if name.startswith(p)), None)
            if prefix is None or name == prefix:
                raise typer.BadParameter(
                    f"{name!r} is not metrics.KEY, params.KEY or tags.KEY", param_hint="'--columns'"
                )
            if name not in columns:
                columns.append(name)
    return columns


def auto_columns(runs: Sequence[Run], room: int) -> list[str]:
    """The metrics and params most worth a column, as many as fit in ``room`` characters.

    Metrics rank by how many runs have them. A param with the same value in every listed run tells
    nothing in a table, so params whose values differ rank first, then by how many runs have them. Picks
    alternate between the two kinds so a narrow terminal still shows some of each.
    """
    metric_counts = Counter(key for run in runs for key in run.metrics)
    param_counts = Counter(key for run in runs for key in run.params)

    def varies(key: str) -> bool:
        return len({run.params.get(key) for run in runs}) > 1

    metrics = [f"metrics.{k}" for k in sorted(metric_counts, key=lambda k: (-metric_counts[k], k))]
    params = [f"params.{k}" for k in sorted(param_counts, key=lambda k: (not varies(k), -param_counts[k], k))]
    metrics, params = metrics[:AUTO_METRICS], params[:AUTO_PARAMS]
    picked = set()
    for column in (c for pair in zip_longest(metrics, params) for c in pair if c):
        need = output.column_width(column, [cell(run, column) for run in runs])
        if need <= room:
            picked.add(column)
            room -= need
    return [c for c in metrics + params if c in picked]


def print_runs(runs: Sequence[Run], columns: Sequence[str]) -> None:
    """The listing: fixed columns, then ``columns`` or, when none are asked for, the picks that fit."""
    now = int(time.time() * 1000)
    base: list[list[output.Cell]] = [
        [
            run.run_id,
            run.run_name,
            status_cell(run),
            output.local_time(run.start_time),
            output.duration(duration_ms(run, now)),
        ]
        for run in runs
    ]
    if not columns:
        used = sum(output.column_width(h, [row[i] for row in base]) for i, h in enumerate(BASE_HEADERS))
        columns = auto_columns(runs, output.console().width - used)
    rows = [[*row, *(cell(run, c) for c in columns)] for run, row in zip(runs, base, strict=True)]
    output.print_table(
        [*BASE_HEADERS, *columns],
        rows,
        no_wrap=["run id", "status", "start time", "duration"],
        right=["duration", *(c for c in columns if c.startswith("metrics."))],
    )


def duration_ms(run: Run, now: int) -> int | None:
    """How long a run took, or has been going for while it is still running."""
    if run.end_time is not None:
        return run.end_time - run.start_time
    return now - run.start_time if run.status == "RUNNING" else None


def status_cell(run: Run) -> output.Cell:
    return (run.status, _STATUS_STYLES.get(run.status, ""))


def cell(run: Run, column: str) -> str:
    """The text of one ``metrics.``/``params.``/``tags.`` column for a run; empty when it has none."""
    kind, _, key = column.partition(".")
    if kind == "metrics":
        value = run.metrics.get(key)
        return "" if value is None else output.number(value)
    return (run.params if kind == "params" else run.tags).get(key, "")


@dataclass(frozen=True)
class ComparisonRow:
    """One param or metric across runs: ``values`` holds one entry per run, None where it is missing."""

    key: str
    values: list[str | float | None]
    differs: bool


def comparison(runs: Sequence[Run]) -> list[ComparisonRow]:
    """Every param, then every metric, that any of the runs has, in key order."""
    rows = []
    for kind in ("params", "metrics"):
        keys = sorted({key for run in runs for key in getattr(run, kind)})
        for key in keys:
            values: list[str | float | None] = [getattr(run, kind).get(key) for run in runs]
            rows.append(ComparisonRow(f"{kind}.{key}", values, len({_same(v) for v in values}) > 1))
    return rows


def _same(value: str | float | None) -> object:
    """What equality means here: NaN equals NaN, and a missing value differs from every stored one."""
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    return (type(value).__name__, value)


def print_comparison(runs: Sequence[Run], rows: Sequence[ComparisonRow], hidden: int) -> None:
    """The comparison table: differing values in bold yellow, missing ones as a dim dash."""
    headers = ["key", *(f"{run.run_name} ({run.run_id[:8]})" for run in runs)]
    table_rows: list[list[output.Cell]] = []
    for row in rows:
        texts = _value_texts(row)
        cells: list[output.Cell] = [(row.key, "bold") if row.differs else (row.key, "dim")]
        for value, text in zip(row.values, texts, strict=True):
            if value is None:
                cells.append((text, "dim"))
            else:
                cells.append((text, DIFFERENT if row.differs else ""))
        table_rows.append(cells)
    same = f"{hidden} key{'s are' if hidden != 1 else ' is'} the same in every run (--all-keys shows them)"
    if not rows:
        output.note(f"no params or metrics differ between these runs; {same}")
        return
    output.print_table(headers, table_rows, no_wrap=["key"], caption=same if hidden else None)


def _value_texts(row: ComparisonRow) -> list[str]:
    """The row's values as text: metrics short, unless rounding would make different values look equal."""
    stored = [v for v in row.values if v is not None]
    short = {_short(v) for v in stored}
    exact = len(short) < len({_same(v) for v in stored})
    return [
        MISSING if v is None else (repr(v) if exact and isinstance(v, float) else _short(v))
        for v in row.values
    ]


def _short(value: str | float) -> str:
    return value if isinstance(value, str) else output.number(value)
