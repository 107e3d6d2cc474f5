"""``tether.Client``: explicit-id access to every domain, with no hidden state.

``client.tracking``, ``client.monitoring``, ``client.lineage``, ``client.auth``, ``client.registry`` and
``client.deployments`` are the domains' service interfaces, the same whether the client runs on a local
store or a server (``client.data`` adds folder-level add, status and checkout to the data service's).
The methods on ``Client`` itself are the conveniences written once on top of them (a param at a time, a
figure as an artifact, a folder in and out), plus typed shortcuts to the most used
tracking calls (``client.get_run`` is ``client.tracking.get_run``). Writes are synchronous: a call returns
when the data is stored, unlike the fluent API's metric buffer.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, ParamSpec, TypeVar, overload

from tether.client import Backend, connect
from tether.config import Settings
from tether.schemas import every_item
from tether.sdk import artifacts, serialize
from tether.tracking.schemas import MetricColumns, metrics_of
from tether.types import MetricPoint, RunStatus, ViewType

if TYPE_CHECKING:
    from tether.client.backend import (
        AuthAPI,
        DeploymentsAPI,
        LineageAPI,
        MonitoringAPI,
        RegistryAPI,
        TrackingAPI,
    )
    from tether.models.package import Model
    from tether.models.signatures import ModelInput
    from tether.monitoring.schemas import StoredReport
    from tether.registry.schemas import ModelVersion
    from tether.sdk.data import DataClient
    from tether.sdk.models import ModelInfo
    from tether.tracking.schemas import Experiment, Metric, Run

P = ParamSpec("P")
R = TypeVar("R")


class _Shortcut(Generic[P, R]):
    """``Client.<name>`` as the tracking API's own method, with its exact signature for type checkers."""

    def __init__(self, pick: Callable[[TrackingAPI], Callable[P, R]]) -> None:
        self._pick = pick

    @overload
    def __get__(self, client: None, owner: type[Any]) -> _Shortcut[P, R]: ...
    @overload
    def __get__(self, client: Client, owner: type[Any]) -> Callable[P, R]: ...
    def __get__(self, client: Client | None, owner: type[Any]) -> _Shortcut[P, R] | Callable[P, R]:
        return self if client is None else self._pick(client.tracking)


class Client:
    """Explicit-id access to a store: ``Client()`` follows the environment, ``Client(home=...)`` a folder."""

    def __init__(self, home: str | os.PathLike[str] | None = None, *, backend: Backend | None = None) -> None:
        if backend is None:
            backend = connect(Settings.at(home) if home is not None else None)
        self.backend = backend

    @property
    def tracking(self) -> TrackingAPI:
        return self.backend.tracking

    @property
    def monitoring(self) -> MonitoringAPI:
        return self.backend.monitoring

    @property
    def auth(self) -> AuthAPI:
        return self.backend.auth

    @property
    def lineage(self) -> LineageAPI:
        return self.backend.lineage

    @property
    def registry(self) -> RegistryAPI:
        return self.backend.registry

    @property
    def deployments(self) -> DeploymentsAPI:
        return self.backend.deployments

    @property
    def data(self) -> DataClient:
        """Datasets: the data service's calls plus folder-level add, status and checkout."""
        from tether.sdk.data import DataClient

        return DataClient(self.backend.data)

    # --- shortcuts to the tracking API --------------------------------------------------------------------

    create_experiment = _Shortcut(lambda t: t.create_experiment)
    get_experiment = _Shortcut(lambda t: t.get_experiment)
    get_experiment_by_name = _Shortcut(lambda t: t.get_experiment_by_name)
    rename_experiment = _Shortcut(lambda t: t.rename_experiment)
    delete_experiment = _Shortcut(lambda t: t.delete_experiment)
    restore_experiment = _Shortcut(lambda t: t.restore_experiment)
    create_run = _Shortcut(lambda t: t.create_run)
    get_run = _Shortcut(lambda t: t.get_run)
    delete_run = _Shortcut(lambda t: t.delete_run)
    restore_run = _Shortcut(lambda t: t.restore_run)
    delete_tag = _Shortcut(lambda t: t.delete_tag)
    search_runs = _Shortcut(lambda t: t.search_runs)
    list_artifacts = _Shortcut(lambda t: t.list_artifacts)
    open_artifact = _Shortcut(lambda t: t.open_artifact)

    # --- conveniences ---------------------------------------------------------------------------------

    def list_experiments(self, view: ViewType = "active") -> list[Experiment]:
        """All experiments (every page)."""
        return every_item(lambda token: self.tracking.list_experiments(view=view, page_token=token))

    def set_terminated(self, run_id: str, status: RunStatus = "FINISHED", end_time: int | None = None) -> Run:
        return self.tracking.update_run(run_id, status=status, end_time=end_time)

    def rename_run(self, run_id: str, name: str) -> Run:
        return self.tracking.update_run(run_id, run_name=name)

    def log_param(self, run_id: str, key: str, value: object) -> None:
        self.tracking.log_batch(run_id, params={key: value})

    def log_params(self, run_id: str, params: Mapping[str, object]) -> None:
        self.tracking.log_batch(run_id, params=params)

    def set_tag(self, run_id: str, key: str, value: object) -> None:
        self.tracking.log_batch(run_id, tags={key: value})

    def set_tags(self, run_id: str, tags: Mapping[str, object]) -> None:
        self.tracking.log_batch(run_id, tags=tags)

    def log_metric(
        self, run_id: str, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        stamp = int(time.time() * 1000) if timestamp is None else timestamp
        self.log_batch(run_id, [(key, value, step, stamp)])

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[MetricPoint] = (),
        params: Mapping[str, object] | None = None,
        tags: Mapping[str, object] | None = None,
    ) -> None:
        """Metric points as (key, value, step, timestamp_ms), params and tags, stored all-or-nothing."""
        columns = MetricColumns.of(metrics) if metrics else None
        self.tracking.log_batch(run_id, columns, params, tags)

    def get_metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        """A metric's points by step, one object each (``tracking.get_metric_series`` gives columns)."""
        return metrics_of(self.tracking.get_metric_series(run_id, key, max_points))

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        return artifacts.upload_file(self.tracking, run_id, local_path, artifact_path)

    def log_artifacts(
        self, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[str]:
        return artifacts.upload_dir(self.tracking, run_id, local_dir, artifact_path)

    def log_text(self, run_id: str, text: str, artifact_path: str) -> None:
        self._log_bytes(run_id, serialize.text_bytes(text), artifact_path)

    def log_dict(self, run_id: str, data: Any, artifact_path: str) -> None:
        self._log_bytes(run_id, serialize.dict_bytes(data, artifact_path), artifact_path)

    def log_figure(self, run_id: str, figure: Any, artifact_path: str) -> None:
        self._log_bytes(run_id, serialize.figure_bytes(figure, artifact_path), artifact_path)

    def log_image(self, run_id: str, image: Any, artifact_path: str) -> None:
        self._log_bytes(run_id, serialize.image_bytes(image, artifact_path), artifact_path)

    def _log_bytes(self, run_id: str, data: bytes, artifact_path: str) -> None:
        self.tracking.log_artifact_stream(run_id, io.BytesIO(data), artifact_path)

    def download_artifacts(
        self, run_id: str, path: str = "", destination: str | os.PathLike[str] = "."
    ) -> Path:
        return artifacts.download(self.tracking, run_id, path, destination)

    def log_report(self, run_id: str, result: Any, name: str = "") -> StoredReport:
        """Store a monitoring report or suite outcome (anything with ``as_dict()``) with a run."""
        document = result.as_dict() if hasattr(result, "as_dict") else dict(result)
        return self.monitoring.log_report(f"run:{run_id}", document, name)

    def log_model(
        self,
        run_id: str,
        model: Any,
        name: str = "model",
        *,
        input_example: ModelInput,
        flavor: str | None = None,
        registered_model_name: str | None = None,
        options: Mapping[str, Any] | None = None,
    ) -> ModelInfo:
        """Package ``model`` (signature inferred from ``input_example``) as run ``run_id``'s artifacts, and
        register it as a new version of ``registered_model_name`` when given."""
        from tether.sdk import models

        return models.log_model(
            self.backend, run_id, model, name, input_example, flavor, registered_model_name, options
        )

    def register_model(
        self, source: str | os.PathLike[str], name: str, *, run_id: str | None = None
    ) -> ModelVersion:
        """A new version of ``name`` (created if need be) from a ``runs:/`` or ``models:/`` URI, a package
        folder or a package at a URL; a package from elsewhere is stored with run ``run_id`` (or a new
        run)."""
        from tether.sdk import models

        return models.register_model(self.backend, source, name, run_id=run_id)

    def load_model(self, uri: str, *, allow_pickle: bool = False, device: str | None = None) -> Model:
        """The model at ``runs:/…``, ``models:/<name>/<version>``, ``models:/<name>@<alias>`` or in a
        package folder; pickle needs ``allow_pickle``."""
        from tether.sdk import models

        return models.load_model(self.backend, uri, allow_pickle=allow_pickle, device=device)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
