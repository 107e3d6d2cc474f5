"""Data shapes of the tracking domain, shared by the service, the clients and the server.

Built on the shared bases of ``tether.schemas``: write and query shapes reject unknown fields; read
shapes are frozen and ignore extra fields so an older client can read a newer server's answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BeforeValidator, ConfigDict, Field, model_validator

from tether.errors import InvalidInput
from tether.schemas import Int64, Millis, QueryModel, ReadModel, WriteModel
from tether.tracking.limits import MAX_PREVIEW_ROWS
from tether.types import LifecycleStage, MetricPoint, PreviewCut, RunStatus, ViewType


def _as_text(value: object) -> object:
    return value if isinstance(value, str) or value is None else str(value)


Text = Annotated[str, BeforeValidator(_as_text)]
"""A param or tag value: any value is logged as its text, as the service stores it."""


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


class ExperimentCreate(WriteModel):
    name: str
    tags: dict[str, str] = Field(default_factory=dict)


class RunCreate(WriteModel):
    experiment_id: str = "0"
    run_name: str | None = None
    tags: dict[str, Text] = Field(default_factory=dict)
    parent_run_id: str | None = None
    start_time: Millis | None = None
    user_id: str | None = None
    run_id: str | None = Field(default=None, description="Keep an id made elsewhere (32 hex digits).")
    status: RunStatus = Field(default="RUNNING", description="A final status records a run that has ended.")
    end_time: Millis | None = None


class RunUpdate(WriteModel):
    status: RunStatus | None = None
    end_time: Millis | None = None
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
    new_name: str = Field(alias="name")


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
    steps: list[Int64]
    timestamps: list[Millis]

    @model_validator(mode="after")
    def _same_lengths(self) -> MetricColumns:
        lengths = {len(self.keys), len(self.values), len(self.steps), len(self.timestamps)}
        if len(lengths) != 1:
            raise ValueError("keys, values, steps and timestamps must have the same length")
        return self

    @classmethod
    def of(cls, points: Sequence[MetricPoint]) -> MetricColumns:
        """Columns of (key, value, step, timestamp) points, unchecked: the service checks them once."""
        if not points:
            return cls.model_construct(keys=[], values=[], steps=[], timestamps=[])
        try:
            keys, values, steps, stamps = (list(c) for c in zip(*points, strict=True))
        except (TypeError, ValueError) as error:
            shape = "a metric point must be (key, number, integer step, integer timestamp)"
            raise InvalidInput(f"{shape}: {error}") from error
        return cls.model_construct(keys=keys, values=values, steps=steps, timestamps=stamps)


class LogBatchRequest(WriteModel):
    metrics: MetricColumns | None = None
    params: dict[str, Text] = Field(default_factory=dict)
    tags: dict[str, Text] = Field(default_factory=dict)


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


# --- query strings of the REST API ------------------------------------------------------------------------


class ExperimentsQuery(QueryModel):
    view: ViewType = "active"
    max_results: int = Field(1000, ge=1)
    page_token: str | None = None
    filter: str = Field("", description="Over name, creation_time, last_update_time and tags.<key>.")
    order_by: list[str] = Field(
        default_factory=list,
        max_length=4,
        description="name, experiment_id, creation_time or last_update_time, each with ASC or DESC; "
        "ties and the rest go by id.",
    )


class ExperimentNameQuery(QueryModel):
    name: str = Field(max_length=500)


class TagKeyQuery(QueryModel):
    key: str = Field(max_length=250)


class MetricSeriesQuery(QueryModel):
    """``min_step``/``max_step`` limit the range, ``max_points`` reduces what is left."""

    key: str = Field(max_length=250)
    max_points: int | None = None
    min_step: Int64 | None = None
    max_step: Int64 | None = None


class ArtifactPathQuery(QueryModel):
    path: str = Field(max_length=1024)


class ArtifactListQuery(QueryModel):
    path: str = Field("", max_length=1024)
    recursive: bool = False


class PreviewQuery(QueryModel):
    path: str = Field(max_length=1024)
    max_rows: int = Field(100, ge=1, le=MAX_PREVIEW_ROWS)
