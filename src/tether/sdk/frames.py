"""Runs as a pandas DataFrame, the shape data scientists slice and plot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from tether.tracking.schemas import Run

ATTRIBUTE_COLUMNS = (
    "run_id",
    "experiment_id",
    "run_name",
    "status",
    "start_time",
    "end_time",
    "user_id",
    "parent_run_id",
)


def runs_frame(runs: Sequence[Run]) -> pd.DataFrame:
    """One row per run; times are UTC timestamps; missing values are NaN/None."""
    import pandas as pd

    records: list[dict[str, Any]] = []
    for run in runs:
        record: dict[str, Any] = {name: getattr(run, name) for name in ATTRIBUTE_COLUMNS}
        record.update({f"metrics.{k}": v for k, v in run.metrics.items()})
        record.update({f"params.{k}": v for k, v in run.params.items()})
        record.update({f"tags.{k}": v for k, v in run.tags.items()})
        records.append(record)
    frame: pd.DataFrame = pd.DataFrame.from_records(records, columns=_columns(records))
    for name in ("start_time", "end_time"):
        frame[name] = pd.to_datetime(frame[name], unit="ms", utc=True)
    return frame


def _columns(records: list[dict[str, Any]]) -> list[str]:
    keys = {key for record in records for key in record}
    ordered = list(ATTRIBUTE_COLUMNS)
    for prefix in ("metrics.", "params.", "tags."):
        ordered += sorted(k for k in keys if k.startswith(prefix))
    return ordered
