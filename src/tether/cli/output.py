"""How commands show results: rich tables for people, one JSON document for programs.

Rich is imported inside the functions that draw, never at module import, so ``tether --help`` and every
command that fails early stay fast. Table cells are plain text (never rich markup), so a param value such
as ``[1, 2]`` prints as itself.
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

Cell: TypeAlias = str | tuple[str, str]
"""A table cell: its text, or (text, rich style) for a highlighted one."""

PIPE_WIDTH = 240
"""Width of tables written to a pipe or file, where wrapping would only break grep and cut."""

MIN_WRAPPED = 10
"""Narrowest a wrapping table column gets before the table is allowed to outgrow the terminal."""


def console(*, stderr: bool = False) -> Console:
    """A console on the current stdout/stderr (tests swap them, so it is never cached)."""
    from rich.console import Console

    out = Console(stderr=stderr, highlight=False, soft_wrap=False)
    if not out.is_terminal and "COLUMNS" not in os.environ:
        out.width = PIPE_WIDTH
    return out


# --- JSON -------------------------------------------------------------------------------------------------


def print_json(document: object) -> None:
    """Write one JSON document to stdout; NaN and infinities become the strings "NaN", "Infinity"."""
    sys.stdout.write(json.dumps(_finite(document), indent=2, ensure_ascii=False, allow_nan=False) + "\n")


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, Mapping):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def with_times(document: Mapping[str, Any], *keys: str) -> dict[str, Any]:
    """A copy of ``document`` with ``<key>_iso`` (UTC ISO 8601) beside each millisecond time ``key``."""
    out = dict(document)
    for key in keys:
        out[f"{key}_iso"] = iso_utc(document.get(key))
    return out


# --- values -----------------------------------------------------------------------------------------------


def iso_utc(ms: int | None) -> str | None:
    if ms is None:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).isoformat(timespec="milliseconds")


def local_time(ms: int | None) -> str:
    """ISO 8601 in the machine's time zone, to the second, as tables show it."""
    if ms is None:
        return ""
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%dT%H:%M:%S")


def duration(ms: int | None) -> str:
    """A short human duration: 850ms, 12.3s, 4m05s, 2h03m, 3d04h."""
    if ms is None or ms < 0:
        return ""
    if ms < 1000:
        return f"{ms}ms"
    seconds = ms / 1000
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


def size(n: int | None) -> str:
    """Bytes in binary units: 512 B, 1.5 KiB, 3.2 MiB."""
    if n is None:
        return ""
    if n < 1024:
        return f"{n} B"
    value = n / 1024
    for unit in ("KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def number(value: float | None) -> str:
    """A metric value, short but exact enough to compare runs by eye."""
    if value is None:
        return ""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return f"{value:.6g}"


# --- tables -----------------------------------------------------------------------------------------------


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    *,
    no_wrap: Sequence[str] = (),
    right: Sequence[str] = (),
    caption: str | None = None,
) -> None:
    """A rich table on stdout; ``no_wrap`` columns (ids, times) never break, ``right`` ones align right.

    Other columns wrap to fit the terminal, down to MIN_WRAPPED characters; a terminal narrower than
    that gets the table wider than itself rather than an id cut in two.
    """
    from rich import box
    from rich.table import Table

    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, caption=caption, caption_justify="left", pad_edge=False
    )
    least = 0
    for index, header in enumerate(headers):
        fixed = header in no_wrap
        table.add_column(
            header, no_wrap=fixed, justify="right" if header in right else "left", overflow="fold"
        )
        natural = column_width(header, [row[index] for row in rows])
        least += natural if fixed else min(natural, MIN_WRAPPED + 3)
    _add_rows(table, rows)
    out = console()
    out.width = max(out.width, least)
    out.print(table)


def column_width(header: str, cells: Iterable[Cell]) -> int:
    """Characters a table column takes on one line: its widest text plus padding and separator."""
    texts = (c[0] if isinstance(c, tuple) else c for c in cells)
    return max(len(header), *(len(t) for t in texts), 0) + 3


def print_fields(fields: Sequence[tuple[str, Cell]], *, title: str | None = None) -> None:
    """Label/value pairs, one per line, for ``show`` commands."""
    from rich.table import Table

    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    _add_rows(grid, fields)
    out = console()
    if title:
        out.print(_text(title, "bold underline"))
    out.print(grid)


def print_section(title: str) -> None:
    console().print(_text(f"\n{title}", "bold underline"))


def _add_rows(table: Table, rows: Iterable[Sequence[Cell]]) -> None:
    for row in rows:
        table.add_row(*(_text(*cell) if isinstance(cell, tuple) else _text(cell) for cell in row))


def _text(value: str, style: str = "") -> Any:
    from rich.text import Text

    return Text(value, style=style)


# --- messages ---------------------------------------------------------------------------------------------


def done(message: str) -> None:
    """Confirm what a command changed, on stdout."""
    sys.stdout.write(message + "\n")


def note(message: str) -> None:
    """Something worth knowing that is not the result (a truncated listing), on stderr."""
    sys.stderr.write(message + "\n")


# --- progress ---------------------------------------------------------------------------------------------


@contextmanager
def transfer(total_bytes: int | None, *, enabled: bool) -> Iterator[Callable[[str, int], None]]:
    """A byte progress bar on stderr while the block runs; yields ``advance(file_name, n_bytes)``.

    Drawn only when stderr is a terminal and ``enabled``; it disappears when done, leaving the summary
    line the command prints.
    """
    err = console(stderr=True)
    if not (enabled and err.is_terminal):
        yield lambda name, n: None
        return
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("", total=total_bytes)

        def advance(name: str, n: int) -> None:
            progress.update(task, advance=n, description=name)

        yield advance


@contextmanager
def phases(*, enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """Byte progress bars on stderr, one per phase of a long job (hash, upload, download); yields
    ``advance(phase, n_bytes, phase_total)`` (a total of 0: unknown). Drawn like ``transfer``."""
    err = console(stderr=True)
    if not (enabled and err.is_terminal):
        yield lambda phase, n, total: None
        return
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    columns = (
        TextColumn("{task.description:>8}"),
        BarColumn(),
        DownloadColumn(binary_units=True),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        tasks: dict[str, Any] = {}

        def advance(phase: str, n: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(phase, total=total or None)
            progress.update(tasks[phase], advance=n)

        yield advance


@contextmanager
def counting(unit: str, *, enabled: bool) -> Iterator[Callable[[str, int, int], None]]:
    """A count progress bar on stderr (``unit`` such as "runs"); yields ``update(item, done, total)``.

    Drawn, like ``transfer``, only on a terminal and when ``enabled``, and gone when the block ends.
    """
    err = console(stderr=True)
    if not (enabled and err.is_terminal):
        yield lambda item, done, total: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    columns = (
        TextColumn(f"{unit} {{task.description}}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("", total=None)

        def update(item: str, done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description=item)

        yield update
