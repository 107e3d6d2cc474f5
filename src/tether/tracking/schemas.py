"""Data shapes of the tracking domain, shared by the service, the clients and (later) the server.

Write shapes (``*Create``) reject unknown fields; read shapes are frozen and ignore extra fields so an
older client can read a newer server's answers.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tether.types import LifecycleStage, PreviewCut, RunStatus, ViewType

T = TypeVar("T")


class ReadModel(BaseModel):
    # JSON has no NaN or infinity: they travel as the strings "NaN", "Infinity" and "-Infinity".
    model_config = ConfigDict(frozen=True, extra="ignore", ser_json_inf_nan="strings")


class WriteModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Experiment(ReadModel):
    experiment_id: str
    name: str
    lifecycle_stage: LifecycleStage
    creation_time: int
    last_update_time: int
    tags: dict[str, str] = Field(default_factory=dict)


class Metric(ReadModel):
    """One point of a metric's history."""

    key: str
    value: float
    step: int
    timestamp: int


class Run(ReadModel):
    """A run with everything logged to it; ``metrics`` holds each key's latest value."""

    run_id: str
    experiment_id: str
    run_name: str
    status: RunStatus
    lifecycle_stage: LifecycleStage
    user_id: str
    start_time: int
    end_time: int | None = None
    parent_run_id: str | None = None
    params: dict[str, str] = Field(default_factory=dict)
    metrics: dict[str, float] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class ArtifactInfo(ReadModel):
    """A file or directory among a run's artifacts; ``path`` is relative to the artifact root."""

    path: str
    is_dir: bool
    size: int | None = None


class Page(ReadModel, Generic[T]):
    """One page of results; pass ``next_page_token`` back to get the next one (None: no more)."""

    items: list[T]
    next_page_token: str | None = None


class ExperimentCreate(WriteModel):
    name: str
    tags: dict[str, str] = Field(default_factory=dict)


class RunCreate(WriteModel):
    experiment_id: str = "0"
    run_name: str | None = None
    start_time: int | None = None
    user_id: str | None = None
    parent_run_id: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)


class RunUpdate(WriteModel):
    status: RunStatus | None = None
    end_time: int | None = None
    run_name: str | None = None


# --- request and response bodies of the REST API --------------------------------------------------------


class ExperimentCreated(ReadModel):
    experiment_id: str


class ExperimentActivity(ReadModel):
    """How busy an experiment is: its active runs, and when the latest of them started (None: no runs)."""

    runs: int
    last_run_time: int | None


class ExperimentKeys(ReadModel):
    """Every param, metric and tag key used in an experiment: what a table can show or filter on."""

    params: list[str]
    metrics: list[str]
    tags: list[str]


class TablePreview(ReadModel):
    """The first rows of a CSV, TSV or Parquet artifact, within fixed bounds on rows, columns, cell length
    and bytes; ``truncated_by`` names each bound that cut it short."""

    path: str
    format: str
    columns: list[str]
    types: list[str]
    rows: list[list[str | int | float | bool | None]]
    total_rows: int | None
    """Rows in the file; None when not known cheaply (a CSV read only in part)."""
    truncated: bool
    """True when the preview shows less than the whole file."""
    total_columns: int = 0
    """Columns in the file; ``columns`` holds at most the first ``max_columns`` of them."""
    truncated_by: list[PreviewCut] = Field(default_factory=list)
    """Why it is short: ``rows`` (the file has more rows than shown), ``columns`` (only the first
    ``max_columns``), ``column_size`` (columns left out because their data is too large to decode, named in
    ``omitted_columns``), ``cells`` (text cut to ``max_cell_chars`` characters and ending in '…'), ``bytes``
    (fewer rows than asked, to stay within the bytes a preview may send, read or decode)."""
    omitted_columns: list[str] = Field(default_factory=list)
    cut_cells: int = 0
    """How many of the cells shown were cut to ``max_cell_chars``."""
    max_columns: int = 0
    max_cell_chars: int = 0
    """A cell longer than this many characters was cut; a cut cell is this long plus the final '…'."""
    max_bytes: int = 0
    """The most cell data, as JSON bytes, one preview sends."""


class ExperimentRename(WriteModel):
    name: str


class TagWrite(WriteModel):
    key: str
    value: str


class RunCountsRequest(WriteModel):
    experiment_ids: list[str] = Field(max_length=10_000)


class MetricColumns(WriteModel):
    """Metric points as four equally long columns: far smaller and faster to parse than one object each."""

    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="strings")

    keys: list[str]
    values: list[float]
    steps: list[int]
    timestamps: list[int]

    @model_validator(mode="after")
    def _same_lengths(self) -> MetricColumns:
        lengths = {len(self.keys), len(self.values), len(self.steps), len(self.timestamps)}
        if len(lengths) != 1:
            raise ValueError("keys, values, steps and timestamps must have the same length")
        return self


class LogBatchRequest(WriteModel):
    metrics: MetricColumns | None = None
    params: dict[str, str] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)


class MetricHistory(ReadModel):
    """One metric's points in step order, as columns."""

    key: str
    steps: list[int]
    timestamps: list[int]
    values: list[float]


class SearchRunsRequest(WriteModel):
    experiment_ids: list[str] = Field(default_factory=lambda: ["0"], max_length=10_000)
    filter: str = Field("", max_length=10_000)
    order_by: list[str] = Field(default_factory=list, max_length=20)
    max_results: int = 1000
    page_token: str | None = None
    view: ViewType = "active"


def metrics_of(history: MetricHistory) -> list[Metric]:
    columns = (history.steps, history.timestamps, history.values)
    return [Metric(key=history.key, step=s, timestamp=t, value=v) for s, t, v in zip(*columns, strict=True)]
