"""Wire shapes of deployments: the models a running model server answers with, the stats it reports each
window, and a deployment as read back.

A lane is one model under a served name: the ``primary``, a ``canary`` answering ``weight`` of the
requests, or a ``shadow`` that gets a copy of each request (weight 0). The write shapes and the read shapes
share their fields (``_Lane``, ``_Stats``) so the two never drift apart.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, model_validator

from tether.refs import check_name
from tether.schemas import QueryModel, ReadModel, WriteModel

Role = Literal["primary", "canary", "shadow"]
DeploymentStatus = Literal["running", "stale", "stopped"]
"""running: heard from within ``STALE_AFTER_INTERVALS`` report intervals. stale: not heard from since
(the server died, or cannot reach tether). stopped: the server said it stopped."""

MAX_LANES = 100
MAX_WINDOWS = 1440
"""Stats windows kept per deployment (six hours at the default 15 s interval); older ones are pruned."""
DEFAULT_WINDOWS = 240

Rate = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Milliseconds = Annotated[float | None, Field(ge=0, allow_inf_nan=False)]


def _name(what: str) -> AfterValidator:
    return AfterValidator(lambda value: check_name(what, value))


ServedName = Annotated[str, _name("the served name")]
ModelName = Annotated[str, _name("the model name")]


class _Lane(BaseModel):
    served_name: ServedName
    """The name in the model server's URLs (``/v1/models/<served_name>/predict``)."""
    role: Role = "primary"
    uri: Annotated[str, Field(min_length=1, max_length=1024)]
    """What the server was asked to serve: ``models:/churn@champion``, ``runs:/<id>/model``, a folder."""
    model: ModelName | None = None
    """The registered model answering, when the URI names one."""
    version: Annotated[int | None, Field(ge=1, lt=10**9)] = None
    """The registered version answering now (None while loading, or for a run or a folder)."""
    weight: Share = 1.0
    """The share of the served name's requests this lane answers (a shadow answers none)."""

    @model_validator(mode="after")
    def _versioned_model(self) -> _Lane:
        if self.version is not None and self.model is None:
            raise ValueError("a version needs the registered model it is a version of")
        return self


class _Stats(BaseModel):
    served_name: ServedName
    requests: Annotated[int, Field(ge=0, lt=2**63)] = 0
    """Requests answered or refused in the window."""
    request_rate: Rate = 0.0
    """Requests per second over the window."""
    p50_ms: Milliseconds = None
    """Median latency of the answered requests (None: none answered)."""
    p99_ms: Milliseconds = None
    error_rate: Share = 0.0
    """The share of the window's requests that failed."""
    rows_per_s: Rate = 0.0

    @model_validator(mode="after")
    def _ordered(self) -> _Stats:
        if self.p50_ms is not None and self.p99_ms is not None and self.p99_ms < self.p50_ms:
            raise ValueError(f"p99_ms ({self.p99_ms}) is below p50_ms ({self.p50_ms})")
        return self


class ServedLane(_Lane, WriteModel):
    """One model a server answers with, as the server reports it."""


class ServedStats(_Stats, WriteModel):
    """One served name's numbers over one report window."""


def registered_models(lanes: Sequence[_Lane] | None) -> list[str]:
    """The registered models the lanes serve, each once: whose permissions govern a deployment."""
    return sorted({lane.model for lane in lanes or () if lane.model is not None})


Lanes = Annotated[list[ServedLane], Field(min_length=1, max_length=MAX_LANES)]


class DeploymentRegister(WriteModel):
    models: Lanes
    url: Annotated[str, Field(min_length=1, max_length=2048)]
    """Where the model server says it listens."""
    host: Annotated[str, Field(max_length=255)] = ""
    tether_version: Annotated[str, Field(max_length=64)] = ""
    report_interval_s: Annotated[float, Field(gt=0, le=3600, allow_inf_nan=False)] = 15.0

    @property
    def registered_models(self) -> list[str]:
        return registered_models(self.models)


class StatsReport(WriteModel):
    window_s: Annotated[float, Field(gt=0, le=86_400, allow_inf_nan=False)]
    """The seconds the stats cover (since the previous report)."""
    stats: Annotated[list[ServedStats], Field(max_length=MAX_LANES)]
    models: Annotated[list[ServedLane] | None, Field(min_length=1, max_length=MAX_LANES)] = None
    """The lanes now, when a version changed since the last report (None: as they were)."""

    @property
    def registered_models(self) -> list[str]:
        return registered_models(self.models)


class DeployedLane(_Lane, ReadModel):
    """One model a deployment answers with, as last reported."""


class StatsPoint(_Stats, ReadModel):
    """One served name's numbers over the report window that ended at ``at``."""

    at: int
    window_s: float


class Deployment(ReadModel):
    name: str
    status: DeploymentStatus
    models: list[DeployedLane]
    url: str
    host: str
    tether_version: str
    report_interval_s: float
    started_at: int
    """When the server last registered (started)."""
    last_seen_at: int
    """Its last registration or report: the heartbeat."""
    stopped_at: int | None = None
    stats: list[StatsPoint] = Field(default_factory=list)
    """The latest window, one point per served name."""
    history: list[StatsPoint] = Field(default_factory=list)
    """Recent windows oldest first (only when one deployment is read)."""


class DeploymentListQuery(QueryModel):
    status: DeploymentStatus | None = None
    max_results: Annotated[int, Field(ge=1, le=1000)] = 100
    page_token: str | None = None


class DeploymentQuery(QueryModel):
    windows: Annotated[int, Field(ge=0, le=MAX_WINDOWS)] = DEFAULT_WINDOWS
    """How many recent stats windows to send back as ``history``."""
