"""The remote backend: the same TrackingAPI, answered by a ``tether server`` over HTTP.

Imports only the domain schemas and the HTTP transport, never services or storage, so it behaves exactly
like a third-party client of the REST API.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from pydantic import TypeAdapter

from tether.client.http import HttpTransport
from tether.client.remote_auth import RemoteAuth
from tether.client.remote_monitoring import RemoteMonitoring
from tether.errors import InvalidInput
from tether.tracking.schemas import (
    ArtifactInfo,
    Experiment,
    ExperimentActivity,
    ExperimentCreate,
    ExperimentCreated,
    ExperimentKeys,
    ExperimentRename,
    LogBatchRequest,
    Metric,
    MetricColumns,
    MetricHistory,
    Page,
    Run,
    RunCountsRequest,
    RunCreate,
    RunUpdate,
    SearchRunsRequest,
    TablePreview,
    TagWrite,
    metrics_of,
)
from tether.types import MetricPoint, RunStatus, ViewType

API = "/api/v1"
_ARTIFACTS = TypeAdapter(list[ArtifactInfo])
_COUNTS = TypeAdapter(dict[str, int])
_ACTIVITY = TypeAdapter(dict[str, ExperimentActivity])
_IDS = TypeAdapter(list[str])
_UPLOAD_CHUNK = 1024 * 1024


def _seg(value: str) -> str:
    """One URL path segment, with every reserved character escaped."""
    return quote(str(value), safe="")


class RemoteTracking:
    """TrackingAPI over the REST API; errors arrive as the TetherError classes the server raised."""

    def __init__(self, http: HttpTransport) -> None:
        self.http = http

    def _get(self, route: str, **params: Any) -> bytes:
        query = {k: v for k, v in params.items() if v is not None}
        return self.http.request("GET", API + route, params=query).content

    def _send(self, method: str, route: str, body: Any = None, **params: Any) -> bytes:
        payload = body.model_dump_json() if body is not None else None
        query = {k: v for k, v in params.items() if v is not None}
        return self.http.request(method, API + route, body=payload, params=query).content

    # --- experiments ----------------------------------------------------------------------------------

    def create_experiment(self, name: str, tags: Mapping[str, str] | None = None) -> str:
        body = ExperimentCreate(name=name, tags=dict(tags or {}))
        return ExperimentCreated.model_validate_json(self._send("POST", "/experiments", body)).experiment_id

    def get_experiment(self, experiment_id: str) -> Experiment:
        return Experiment.model_validate_json(self._get(f"/experiments/{_seg(experiment_id)}"))

    def get_experiment_by_name(self, name: str) -> Experiment:
        return Experiment.model_validate_json(self._get("/experiments/by-name", name=name))

    def list_experiments(
        self, view: ViewType = "active", max_results: int = 1000, page_token: str | None = None
    ) -> Page[Experiment]:
        raw = self._get("/experiments", view=view, max_results=max_results, page_token=page_token)
        return Page[Experiment].model_validate_json(raw)

    def count_runs(self, experiment_ids: Sequence[str]) -> dict[str, int]:
        body = RunCountsRequest(experiment_ids=list(experiment_ids))
        return _COUNTS.validate_json(self._send("POST", "/experiments/run-counts", body))

    def experiment_keys(self, experiment_id: str) -> ExperimentKeys:
        return ExperimentKeys.model_validate_json(self._get(f"/experiments/{_seg(experiment_id)}/keys"))

    def experiment_activity(self, experiment_ids: Sequence[str]) -> dict[str, ExperimentActivity]:
        body = RunCountsRequest(experiment_ids=list(experiment_ids))
        return _ACTIVITY.validate_json(self._send("POST", "/experiments/activity", body))

    def rename_experiment(self, experiment_id: str, new_name: str) -> Experiment:
        raw = self._send("PATCH", f"/experiments/{_seg(experiment_id)}", ExperimentRename(name=new_name))
        return Experiment.model_validate_json(raw)

    def delete_experiment(self, experiment_id: str) -> None:
        self._send("DELETE", f"/experiments/{_seg(experiment_id)}")

    def restore_experiment(self, experiment_id: str) -> None:
        self._send("POST", f"/experiments/{_seg(experiment_id)}/restore")

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        self._send("POST", f"/experiments/{_seg(experiment_id)}/tags", TagWrite(key=key, value=value))

    # --- runs -----------------------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str = "0",
        run_name: str | None = None,
        start_time: int | None = None,
        tags: Mapping[str, str] | None = None,
        parent_run_id: str | None = None,
        user_id: str | None = None,
    ) -> Run:
        body = RunCreate(
            experiment_id=experiment_id,
            run_name=run_name,
            start_time=start_time,
            tags={k: str(v) for k, v in (tags or {}).items()},
            parent_run_id=parent_run_id,
            user_id=user_id,
        )
        return Run.model_validate_json(self._send("POST", "/runs", body))

    def get_run(self, run_id: str) -> Run:
        return Run.model_validate_json(self._get(f"/runs/{_seg(run_id)}"))

    def update_run(
        self,
        run_id: str,
        status: RunStatus | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> Run:
        body = RunUpdate(status=status, end_time=end_time, run_name=run_name)
        return Run.model_validate_json(self._send("PATCH", f"/runs/{_seg(run_id)}", body))

    def delete_run(self, run_id: str) -> None:
        self._send("DELETE", f"/runs/{_seg(run_id)}")

    def restore_run(self, run_id: str) -> None:
        self._send("POST", f"/runs/{_seg(run_id)}/restore")

    def child_runs(self, run_id: str) -> list[str]:
        return _IDS.validate_json(self._get(f"/runs/{_seg(run_id)}/children"))

    # --- logging --------------------------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[MetricPoint] = (),
        params: Mapping[str, object] | None = None,
        tags: Mapping[str, object] | None = None,
    ) -> None:
        points = list(metrics)
        columns = None
        if points:
            try:
                keys, values, steps, stamps = (list(c) for c in zip(*points, strict=True))
                columns = MetricColumns(keys=keys, values=values, steps=steps, timestamps=stamps)
            except (TypeError, ValueError) as error:
                shape = "a metric point must be (key, number, integer step, integer timestamp)"
                raise InvalidInput(f"{shape}: {error}") from error
        body = LogBatchRequest(
            metrics=columns,
            params={k: str(v) for k, v in (params or {}).items()},
            tags={k: str(v) for k, v in (tags or {}).items()},
        )
        # The key makes the POST safe to send again when the connection breaks mid-request (a header, so
        # a server that predates it simply ignores it).
        self.http.request(
            "POST",
            f"{API}/runs/{_seg(run_id)}/batch",
            body=body.model_dump_json(),
            idempotency_key=uuid.uuid4().hex,
        )

    def log_params(self, run_id: str, params: Mapping[str, object]) -> None:
        self.log_batch(run_id, params=params)

    def set_tags(self, run_id: str, tags: Mapping[str, object]) -> None:
        self.log_batch(run_id, tags=tags)

    def log_metrics(self, run_id: str, points: Iterable[MetricPoint]) -> None:
        self.log_batch(run_id, metrics=points)

    def delete_tag(self, run_id: str, key: str) -> None:
        self._send("DELETE", f"/runs/{_seg(run_id)}/tags", key=key)

    def get_metric_series(
        self,
        run_id: str,
        key: str,
        max_points: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> MetricHistory:
        raw = self._get(
            f"/runs/{_seg(run_id)}/metric-history",
            key=key,
            max_points=max_points,
            min_step=min_step,
            max_step=max_step,
        )
        return MetricHistory.model_validate_json(raw)

    def get_metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        return metrics_of(self.get_metric_series(run_id, key, max_points))

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter: str = "",
        order_by: Sequence[str] = (),
        max_results: int = 1000,
        page_token: str | None = None,
        view: ViewType = "active",
    ) -> Page[Run]:
        body = SearchRunsRequest(
            experiment_ids=list(experiment_ids),
            filter=filter,
            order_by=list(order_by),
            max_results=max_results,
            page_token=page_token,
            view=view,
        )
        return Page[Run].model_validate_json(self._send("POST", "/runs/search", body))

    # --- artifacts ------------------------------------------------------------------------------------

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        source = Path(local_path)
        if not source.is_file():
            raise InvalidInput(f"not a file: {source}")
        target = f"{artifact_path.strip('/')}/{source.name}" if artifact_path else source.name
        with open(source, "rb") as stream:
            return self._upload(run_id, stream, target)

    def log_artifacts(
        self, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[str]:
        source = Path(local_dir)
        if not source.is_dir():
            raise InvalidInput(f"not a directory: {source}")
        stored = []
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = file.relative_to(source).as_posix()
            target = f"{artifact_path.strip('/')}/{relative}" if artifact_path else relative
            with open(file, "rb") as stream:
                stored.append(self._upload(run_id, stream, target))
        return stored

    def log_artifact_stream(self, run_id: str, stream: IO[bytes], artifact_path: str) -> int:
        return self._upload_info(run_id, stream, artifact_path).size or 0

    def _upload(self, run_id: str, stream: IO[bytes], artifact_path: str) -> str:
        return self._upload_info(run_id, stream, artifact_path).path

    def _upload_info(self, run_id: str, stream: IO[bytes], artifact_path: str) -> ArtifactInfo:
        path = "/".join(_seg(part) for part in artifact_path.split("/"))
        response = self.http.upload(f"{API}/runs/{_seg(run_id)}/artifacts/{path}", _chunks(stream))
        return ArtifactInfo.model_validate_json(response.content)

    def list_artifacts(self, run_id: str, path: str = "", recursive: bool = False) -> list[ArtifactInfo]:
        raw = self._get(f"/runs/{_seg(run_id)}/artifacts", path=path, recursive=recursive or None)
        return _ARTIFACTS.validate_json(raw)

    def artifact_info(self, run_id: str, path: str) -> ArtifactInfo:
        return ArtifactInfo.model_validate_json(self._get(f"/runs/{_seg(run_id)}/artifact-info", path=path))

    def preview_artifact(self, run_id: str, path: str, max_rows: int = 100) -> TablePreview:
        raw = self._get(f"/runs/{_seg(run_id)}/artifact-preview", path=path, max_rows=max_rows)
        return TablePreview.model_validate_json(raw)

    @contextmanager
    def open_artifact(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        with self.http.stream("GET", self._artifact_url(run_id, path)) as response:
            yield _ResponseReader(response.iter_raw(_UPLOAD_CHUNK))  # type: ignore[misc]

    def download_artifacts(self, run_id: str, path: str, destination: str | os.PathLike[str]) -> Path:
        out_dir = Path(destination)
        relative = path.strip("/")
        if relative and not self.artifact_info(run_id, relative).is_dir:
            out_dir.mkdir(parents=True, exist_ok=True)
            return self._fetch(run_id, relative, out_dir / Path(relative).name)
        root = out_dir / Path(relative).name if relative else out_dir
        self._fetch_tree(run_id, relative, root)
        root.mkdir(parents=True, exist_ok=True)
        return root

    def _fetch_tree(self, run_id: str, prefix: str, root: Path) -> None:
        for entry in self.list_artifacts(run_id, prefix):
            relative = entry.path[len(prefix) :].lstrip("/") if prefix else entry.path
            if entry.is_dir:
                self._fetch_tree(run_id, entry.path, root / relative)
            else:
                target = root / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                self._fetch(run_id, entry.path, target)

    def _fetch(self, run_id: str, path: str, target: Path) -> Path:
        # The response's pieces go straight to the file: no reader buffer, no second copy.
        with self.http.stream("GET", self._artifact_url(run_id, path)) as response, open(target, "wb") as out:
            for piece in response.iter_raw(_UPLOAD_CHUNK):
                out.write(piece)
        return target

    def _artifact_url(self, run_id: str, path: str) -> str:
        encoded = "/".join(_seg(part) for part in path.split("/"))
        return f"{API}/runs/{_seg(run_id)}/artifacts/{encoded}"


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(_UPLOAD_CHUNK):
        yield chunk


class _ResponseReader:
    """A file-like ``read`` over the chunks of a streamed HTTP response."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class RemoteBackend:
    """A connection to a tether server at ``uri`` (``http://host:port``)."""

    remote = True

    def __init__(self, uri: str, token: str | None = None, *, transport: Any = None) -> None:
        self.http = HttpTransport(uri, token, transport=transport)
        self.tracking = RemoteTracking(self.http)
        self.auth = RemoteAuth(self.http)
        self.monitoring = RemoteMonitoring(self.http)

    def close(self) -> None:
        self.http.close()

    def __repr__(self) -> str:
        return f"RemoteBackend({self.http.base_url!r})"
