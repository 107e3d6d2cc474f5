"""Rows the tracking service reads inside its transactions, turned into checked ids and read models.

Each helper takes an open connection, so a service method that needs several of them still runs in one
transaction. Missing objects raise NotFound with the id as the caller wrote it.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row

from tether.errors import Conflict, InvalidInput, NotFound
from tether.tracking import limits, queries, usage
from tether.tracking.schemas import Experiment, Run

DEFAULT_EXPERIMENT_ID = "0"
RUN_ID = re.compile(r"[0-9a-f]{32}")
_EXPERIMENT_ID = re.compile(r"[0-9]{1,10}")


def now_ms() -> int:
    return int(time.time() * 1000)


def experiment_int(experiment_id: str) -> int:
    """The stored key of an experiment id: ASCII digits within the 32-bit INTEGER column's range."""
    text = str(experiment_id)
    if not _EXPERIMENT_ID.fullmatch(text) or int(text) > 2**31 - 1:
        raise NotFound(f"no experiment with id {experiment_id!r} (experiment ids are whole numbers)")
    return int(text)


def experiment_row(conn: Connection, key: int) -> Row[Any]:
    row = queries.experiment_row(conn, key)
    if row is None:
        raise NotFound(f"no experiment with id '{key}'")
    return row


def experiment_model(row: Row[Any], tags: dict[str, str]) -> Experiment:
    return Experiment(
        experiment_id=str(row.experiment_id),
        name=row.name,
        lifecycle_stage=row.lifecycle_stage,
        creation_time=row.creation_time,
        last_update_time=row.last_update_time,
        tags=tags,
    )


def experiment(conn: Connection, key: int, row: Row[Any] | None = None) -> Experiment:
    row = row or experiment_row(conn, key)
    return experiment_model(row, queries.experiment_tag_map(conn, [key]).get(key, {}))


def check_run_id(run_id: object) -> str:
    """A run id is 32 lowercase hex digits; anything else names no run."""
    if not isinstance(run_id, str) or not RUN_ID.fullmatch(run_id):
        raise NotFound(f"no run with id {run_id!r} (a run id is 32 hexadecimal characters)")
    return run_id


def run_row(conn: Connection, run_id: str) -> Row[Any]:
    check_run_id(run_id)
    row = queries.run_row(conn, run_id)
    if row is None:
        raise NotFound(f"no run with id '{run_id}'")
    return row


def writable_run(conn: Connection, run_id: str) -> Row[Any]:
    return _active(run_row(conn, run_id))


def writable_run_keys(conn: Connection, run_id: str, kinds: Sequence[str]) -> dict[str, int]:
    """Check that a run can be logged to and count its keys of each kind, in one statement."""
    found = usage.run_with_key_counts(conn, check_run_id(run_id), kinds)
    if found is None:
        raise NotFound(f"no run with id '{run_id}'")
    _active(found[0])
    return found[1]


def _active(row: Row[Any]) -> Row[Any]:
    if row.lifecycle_stage != "active":
        raise Conflict(f"run '{row.run_id}' is deleted; restore it before logging to it")
    return row


def load_runs(conn: Connection, run_ids: Sequence[str]) -> list[Run]:
    """Full runs in the order given; two queries whatever the number of runs."""
    if not run_ids:
        return []
    return runs_of(conn, queries.run_rows(conn, run_ids), run_ids)


def runs_of(
    conn: Connection, run_rows: Sequence[Row[Any]], run_ids: Sequence[str] | None = None
) -> list[Run]:
    """Full runs from rows of the runs table already read, in the order of ``run_ids`` (default: rows')."""
    rows = {r.run_id: r for r in run_rows}
    run_ids = list(rows) if run_ids is None else run_ids
    values = queries.run_values(conn, run_ids)
    params, tags, latest = values["params"], values["tags"], values["metrics"]
    return [
        Run(
            run_id=run_id,
            experiment_id=str(rows[run_id].experiment_id),
            run_name=rows[run_id].run_name,
            status=rows[run_id].status,
            lifecycle_stage=rows[run_id].lifecycle_stage,
            user_id=rows[run_id].user_id,
            start_time=rows[run_id].start_time,
            end_time=rows[run_id].end_time,
            parent_run_id=rows[run_id].parent_run_id,
            params=params.get(run_id, {}),
            tags=tags.get(run_id, {}),
            metrics={k: math.nan if v is None else v for k, v in latest.get(run_id, {}).items()},
        )
        for run_id in run_ids
    ]


def check_page_size(max_results: int) -> None:
    if not isinstance(max_results, int) or not 1 <= max_results <= limits.MAX_PAGE_SIZE:
        raise InvalidInput(f"max_results must be between 1 and {limits.MAX_PAGE_SIZE}, got {max_results!r}")
