"""What a model server serves and how: one model from the command line, or several from ``serving.yaml``."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from tether.errors import ConfigError
from tether.schemas import describe_errors
from tether.serving.batching import BatchSettings

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


def served_name(uri: str) -> str:
    """The name a model is served under unless one is given: the registered model's, else the path's end."""
    if uri.startswith("models:/"):
        rest = uri[len("models:/") :]
        return rest.split("@", 1)[0].split("/", 1)[0]
    return uri.rstrip("/").rsplit("/", 1)[-1] or "model"


class CanaryConfig(BaseModel):
    """A second model that answers a share of the requests, beside the primary."""

    model_config = ConfigDict(extra="forbid")

    uri: Annotated[str, Field(min_length=1, description="models:/churn@challenger, models:/churn/4 …")]
    weight: Annotated[float, Field(gt=0, lt=1, description="Share of requests the canary answers.")] = 0.1


class ServedModelConfig(BaseModel):
    """One model: where it comes from and its batching settings."""

    model_config = ConfigDict(extra="forbid")

    uri: Annotated[
        str, Field(min_length=1, description="models:/name@alias, models:/name/3, runs:/id/path or a folder")
    ]
    name: str | None = Field(
        default=None, description="The name in URLs; default: the registered model's name."
    )
    max_batch_rows: Annotated[int, Field(ge=1, le=1_000_000)] = 256
    max_latency_ms: Annotated[float, Field(ge=0, le=60_000)] = 20.0
    max_queue_rows: Annotated[int, Field(ge=1)] = 16384
    concurrency: Annotated[int, Field(ge=1, le=256, description="predict calls at once for this model")] = 1
    device: str | None = Field(default=None, description="cuda, cuda:1 or cpu for PyTorch models")
    workers: Annotated[
        int | None,
        Field(
            ge=1, le=256, description="Worker processes that load this model (of --workers); default: all."
        ),
    ] = None
    allow_pickle: bool = False
    follow: bool = Field(default=True, description="Load the new version when the alias moves.")
    canary: CanaryConfig | None = None
    shadow: str | None = Field(
        default=None,
        min_length=1,
        description="A model URI that gets a copy of every request; its answers are logged, never returned.",
    )

    @model_validator(mode="after")
    def _name(self) -> ServedModelConfig:
        if self.name is None:
            self.name = served_name(self.uri)
        if not NAME.match(self.name):
            raise ValueError(f"served name {self.name!r} must be letters, digits, '.', '_' or '-'")
        if self.max_queue_rows < self.max_batch_rows:
            raise ValueError(
                f"max_queue_rows ({self.max_queue_rows}) is below max_batch_rows ({self.max_batch_rows})"
            )
        return self

    @property
    def served_as(self) -> str:
        assert self.name is not None
        return self.name

    def lane(self, uri: str) -> ServedModelConfig:
        """These settings for another model under the same name: a canary's or a shadow's."""
        return self.model_copy(update={"uri": uri, "canary": None, "shadow": None})

    def batching(self) -> BatchSettings:
        return BatchSettings(
            max_batch_rows=self.max_batch_rows,
            max_latency_ms=self.max_latency_ms,
            max_queue_rows=self.max_queue_rows,
            concurrency=self.concurrency,
        )


class PredictionLogConfig(BaseModel):
    """Where and how much of what the server answers is kept for monitoring."""

    model_config = ConfigDict(extra="forbid")

    url: Annotated[str, Field(min_length=1, description="A folder or an fsspec URL (s3://bucket/prefix).")]
    sample_rate: Annotated[float, Field(ge=0, le=1, description="Share of requests logged.")] = 1.0
    max_buffer_rows: Annotated[
        int, Field(ge=1, description="Rows held at most; beyond, rows are dropped.")
    ] = 100_000
    flush_rows: Annotated[int, Field(ge=1, description="Write a file once this many rows wait.")] = 10_000
    flush_interval_s: Annotated[float, Field(gt=0, le=3600, description="Write at least this often.")] = 60.0


class RaySettings(BaseModel):
    """Serving on Ray Serve (``tether serve --on ray``): the cluster, and how many replicas of the whole
    server it runs, fixed or between autoscaling bounds."""

    model_config = ConfigDict(extra="forbid")

    address: str | None = Field(
        default=None, description="A running Ray cluster (ray://head:10001, auto); default: start Ray here."
    )
    replicas: Annotated[
        int | None, Field(ge=1, le=1000, description="Replicas; when autoscaling, the count at first.")
    ] = None
    min_replicas: Annotated[
        int | None, Field(ge=1, le=1000, description="Fewest replicas the autoscaler keeps; default: 1.")
    ] = None
    max_replicas: Annotated[
        int | None, Field(ge=1, le=1000, description="Most replicas the autoscaler starts; turns it on.")
    ] = None
    target_ongoing_requests: Annotated[
        float, Field(gt=0, description="Requests in flight per replica the autoscaler aims at.")
    ] = 32.0
    max_ongoing_requests: Annotated[
        int, Field(ge=1, description="Requests a replica holds at once: what its batchers batch from.")
    ] = 256
    max_queued_requests: Annotated[
        int, Field(ge=1, description="Requests waiting for a free replica; beyond, they get 503.")
    ] = 1024
    num_cpus_per_replica: Annotated[float, Field(gt=0, description="CPUs Ray reserves per replica.")] = 1.0

    @model_validator(mode="after")
    def _bounds(self) -> RaySettings:
        if self.max_replicas is None:
            if self.min_replicas is not None:
                raise ValueError("min_replicas needs max_replicas (autoscaling is on when it is set)")
            return self
        low, start, high = self.min_replicas or 1, self.initial_replicas, self.max_replicas
        if not low <= start <= high:
            raise ValueError(
                f"replicas ({start}) must lie between min_replicas ({low}) and max_replicas ({high})"
            )
        return self

    @property
    def autoscaling(self) -> bool:
        return self.max_replicas is not None

    @property
    def initial_replicas(self) -> int:
        return self.replicas or self.min_replicas or 1


class ServingConfig(BaseModel):
    """A model server: where it listens and the models it serves."""

    model_config = ConfigDict(extra="forbid")

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=0, le=65535)] = 8080
    workers: Annotated[int, Field(ge=1, le=256)] = 1
    poll_interval_s: Annotated[float, Field(gt=0, le=86_400)] = 10.0
    """How often each followed alias is looked up in the registry."""
    max_request_bytes: Annotated[int, Field(ge=1024)] = 64 * 1024 * 1024
    models: Annotated[list[ServedModelConfig], Field(min_length=1)]
    prediction_log: PredictionLogConfig | None = None
    ray: RaySettings | None = Field(default=None, description="How to serve on Ray (--on ray).")
    auth: bool = Field(
        default=False, description="Callers need a tether server token that may read the model they call."
    )
    auth_cache_s: Annotated[
        float, Field(ge=0, le=3600, description="How long a token's verdict is kept.")
    ] = 60.0
    deployment: str | None = Field(
        default=None, pattern=NAME.pattern, description="Report to tether as the deployment of this name."
    )
    report_interval_s: Annotated[
        float, Field(gt=0, le=3600, description="How often the deployment reports its stats.")
    ] = 15.0

    @model_validator(mode="after")
    def _unique(self) -> ServingConfig:
        names = [model.served_as for model in self.models]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ValueError(f"two models are served as {', '.join(twice)}; give each a distinct 'name'")
        for model in self.models:
            if model.workers is not None and model.workers > self.workers:
                raise ValueError(
                    f"model {model.served_as!r} asks for {model.workers} workers, but the server runs "
                    f"{self.workers} (workers / --workers)"
                )
        return self


def read_config(path: Path, overrides: Mapping[str, Any] | None = None) -> ServingConfig:
    """``serving.yaml`` checked in full, with ``overrides`` (the command line's server settings) over its
    own; a problem names the file and the setting."""
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(f"cannot read {path}: {error.strerror or error}") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{path} is not valid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(document, dict):
        raise ConfigError(f"{path} must hold a mapping with a 'models' list")
    try:
        return ServingConfig.model_validate({**document, **(overrides or {})})
    except ValidationError as error:
        raise ConfigError(f"{path}: {describe_errors(error.errors())}") from None
