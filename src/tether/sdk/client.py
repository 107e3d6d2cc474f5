"""``tether.Client``: every tracking operation with explicit ids and no hidden state.

Writes are synchronous (a call returns when the data is stored), unlike the fluent API's metric buffer.
"""

from __future__ import annotations

import io
import os
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from tether.client import Backend, MonitoringAPI, TrackingAPI, connect
from tether.config import Settings
from tether.monitoring.schemas import StoredReport
from tether.sdk import serialize
from tether.tracking.schemas import ArtifactInfo, Experiment, Metric, Page, Run
from tether.types import MetricPoint, RunStatus, ViewType


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

    def log_report(self, run_id: str, result: Any, name: str = "") -> StoredReport:
        """Store a monitoring report or suite outcome (anything with ``as_dict()``) with a run."""
        document = result.as_dict() if hasattr(result, "as_dict") else dict(result)
        return self.monitoring.log_report(f"run:{run_id}", document, name)

    # --- experiments ----------------------------------------------------------------------------------

    def create_experiment(self, name: str, tags: Mapping[str, str] | None = None) -> str:
        return self.tracking.create_experiment(name, tags)

    def get_experiment(self, experiment_id: str) -> Experiment:
        return self.tracking.get_experiment(experiment_id)

    def get_experiment_by_name(self, name: str) -> Experiment:
        return self.tracking.get_experiment_by_name(name)

    def list_experiments(self, view: ViewType = "active") -> list[Experiment]:
        """All experiments (every page)."""
        out: list[Experiment] = []
        token: str | None = None
        while True:
            page = self.tracking.list_experiments(view=view, page_token=token)
            out.extend(page.items)
            if not (token := page.next_page_token):
                return out

    def rename_experiment(self, experiment_id: str, new_name: str) -> Experiment:
        return self.tracking.rename_experiment(experiment_id, new_name)

    def delete_experiment(self, experiment_id: str) -> None:
        self.tracking.delete_experiment(experiment_id)

    def restore_experiment(self, experiment_id: str) -> None:
        self.tracking.restore_experiment(experiment_id)

    # --- runs -----------------------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str = "0",
        run_name: str | None = None,
        tags: Mapping[str, str] | None = None,
        parent_run_id: str | None = None,
        start_time: int | None = None,
    ) -> Run:
        return self.tracking.create_run(
            experiment_id, run_name=run_name, tags=tags, parent_run_id=parent_run_id, start_time=start_time
        )

    def get_run(self, run_id: str) -> Run:
        return self.tracking.get_run(run_id)

    def set_terminated(self, run_id: str, status: RunStatus = "FINISHED", end_time: int | None = None) -> Run:
        return self.tracking.update_run(run_id, status=status, end_time=end_time)

    def rename_run(self, run_id: str, name: str) -> Run:
        return self.tracking.update_run(run_id, run_name=name)

    def delete_run(self, run_id: str) -> None:
        self.tracking.delete_run(run_id)

    def restore_run(self, run_id: str) -> None:
        self.tracking.restore_run(run_id)

    def log_param(self, run_id: str, key: str, value: object) -> None:
        self.tracking.log_params(run_id, {key: value})

    def log_params(self, run_id: str, params: Mapping[str, object]) -> None:
        self.tracking.log_params(run_id, params)

    def set_tag(self, run_id: str, key: str, value: object) -> None:
        self.tracking.set_tags(run_id, {key: value})

    def set_tags(self, run_id: str, tags: Mapping[str, object]) -> None:
        self.tracking.set_tags(run_id, tags)

    def delete_tag(self, run_id: str, key: str) -> None:
        self.tracking.delete_tag(run_id, key)

    def log_metric(
        self, run_id: str, key: str, value: float, step: int = 0, timestamp: int | None = None
    ) -> None:
        stamp = int(time.time() * 1000) if timestamp is None else timestamp
        self.tracking.log_metrics(run_id, [(key, value, step, stamp)])

    def log_batch(
        self,
        run_id: str,
        metrics: Sequence[MetricPoint] = (),
        params: Mapping[str, object] | None = None,
        tags: Mapping[str, object] | None = None,
    ) -> None:
        """Metric points as (key, value, step, timestamp_ms), params and tags, stored all-or-nothing."""
        self.tracking.log_batch(run_id, metrics, params, tags)

    def get_metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        return self.tracking.get_metric_history(run_id, key, max_points)

    def search_runs(
        self,
        experiment_ids: Sequence[str] = ("0",),
        filter: str = "",
        order_by: Sequence[str] = (),
        max_results: int = 1000,
        page_token: str | None = None,
        view: ViewType = "active",
    ) -> Page[Run]:
        return self.tracking.search_runs(experiment_ids, filter, order_by, max_results, page_token, view)

    # --- artifacts ------------------------------------------------------------------------------------

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        return self.tracking.log_artifact(run_id, local_path, artifact_path)

    def log_artifacts(
        self, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[str]:
        return self.tracking.log_artifacts(run_id, local_dir, artifact_path)

    def log_text(self, run_id: str, text: str, artifact_path: str) -> None:
        self.tracking.log_artifact_stream(run_id, io.BytesIO(serialize.text_bytes(text)), artifact_path)

    def log_dict(self, run_id: str, data: Any, artifact_path: str) -> None:
        self.tracking.log_artifact_stream(
            run_id, io.BytesIO(serialize.dict_bytes(data, artifact_path)), artifact_path
        )

    def log_figure(self, run_id: str, figure: Any, artifact_path: str) -> None:
        data = serialize.figure_bytes(figure, artifact_path)
        self.tracking.log_artifact_stream(run_id, io.BytesIO(data), artifact_path)

    def log_image(self, run_id: str, image: Any, artifact_path: str) -> None:
        data = serialize.image_bytes(image, artifact_path)
        self.tracking.log_artifact_stream(run_id, io.BytesIO(data), artifact_path)

    def list_artifacts(self, run_id: str, path: str = "", recursive: bool = False) -> list[ArtifactInfo]:
        return self.tracking.list_artifacts(run_id, path, recursive)

    @contextmanager
    def open_artifact(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        with self.tracking.open_artifact(run_id, path) as stream:
            yield stream

    def download_artifacts(
        self, run_id: str, path: str = "", destination: str | os.PathLike[str] = "."
    ) -> Path:
        return self.tracking.download_artifacts(run_id, path, destination)

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
