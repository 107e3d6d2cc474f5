"""Data shapes of the tracking domain, shared by the service, the clients and (later) the server.

Write shapes (``*Create``) reject unknown fields; read shapes are frozen and ignore extra fields so an
older client can read a newer server's answers.
"""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from tether.types import LifecycleStage, RunStatus

T = TypeVar("T")


class ReadModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


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
