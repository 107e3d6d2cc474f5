"""Copying an MLflow tracking store into tether: experiments, runs with their full metric histories,
params, tags and artifacts.

MLflow is read through its own client (``MlflowClient``), so any store it can open is a source: a
tracking server (``http://…``), a ``mlruns`` folder, or a database (``sqlite:///mlflow.db``). tether is
written through a ``Backend``, so the target is an embedded store or a tether server, with the caller's
permissions.

Run ids are kept (both tools use 32 hex digits), so ``runs:/<id>/…`` references still resolve.
Experiments are matched by name: an experiment that exists in tether under the same name receives the
runs, otherwise it is created (its id is tether's next). Importing is idempotent and resumable, because
each run is brought up to date rather than copied blindly: params are immutable and tags are upserts,
metric points are appended only past those tether already holds for the key (points go in sorted by
step, timestamp and value, so an interrupted import left a prefix), artifacts are uploaded only where
tether lacks the file or holds another size, and the status and end time follow MLflow's (a new run is
created with them). A run that fails is reported and the others go on.

Speed: a run's params, tags and points travel in as few ``log_batch`` calls as the per-call limits allow
(one, for most runs). From an MLflow database the histories of many runs are read in one query on its
``(run_uuid)`` index, since the client offers only one key of one run per call; other stores are read
key by key. Artifacts are listed with the run's artifact repository, not the client, which would fetch
the run again and search its logged models for every listing.
"""

from __future__ import annotations

import contextlib
import math
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse
from urllib.request import url2pathname

from tether.errors import ConfigError, NotFound, SourceFailed, TetherError
from tether.tracking.limits import MAX_METRICS_PER_CALL, MAX_PARAMS_PER_CALL, MAX_TAGS_PER_CALL
from tether.tracking.schemas import MetricColumns
from tether.types import RunStatus

if TYPE_CHECKING:
    from tether.client.backend import Backend, TrackingAPI

PAGE = 1000
"""Runs and experiments read from MLflow per request."""
HISTORY_RUNS = 500
"""Runs whose metric histories are read from an MLflow database in one query."""
MLFLOW_STATUSES: tuple[RunStatus, ...] = ("RUNNING", "FINISHED", "FAILED", "KILLED")
"""MLflow's run statuses that tether has; SCHEDULED becomes RUNNING."""

Point = tuple[int, int, float]
"""A metric point as (step, timestamp, value)."""
Progress = Callable[[str, int, int], None]
"""Told (the run being imported, runs done, runs in all) as the import goes."""


@dataclass
class ImportSummary:
    """What an import did; ``failed`` holds (what, why) for each run or experiment that could not be
    brought over completely."""

    experiments_created: int = 0
    experiments_matched: int = 0
    runs_created: int = 0
    runs_updated: int = 0
    runs_unchanged: int = 0
    metric_points: int = 0
    params: int = 0
    artifacts: int = 0
    artifact_bytes: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)


def mlflow_client(source: str) -> Any:
    """An ``MlflowClient`` on ``source``: a tracking URI, a database URL, or a ``mlruns`` folder."""
    try:
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ConfigError("importing from MLflow needs its client: pip install 'tether[mlflow]'") from None
    folder = Path(source)
    if "://" not in source and not source.startswith("file:"):
        if not folder.is_dir():
            raise NotFound(
                f"no MLflow store at {source}: not a folder, and not a URI such as sqlite:///mlflow.db"
            )
        source = folder.resolve().as_uri()
    if source.startswith("file:"):
        # MLflow 3 opens a mlruns folder only when asked to; reading one out is what an import is for
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    with _reading(source):
        return MlflowClient(tracking_uri=source, registry_uri=source)


@contextlib.contextmanager
def _reading(source: str) -> Iterator[None]:
    """Calls into MLflow: its failures become SourceFailed, and the deprecation warnings its own code
    raises (its SQLAlchemy store, on SQLAlchemy 2.1) are hidden, as the importer can do nothing about them."""
    from mlflow.exceptions import MlflowException
    from requests.exceptions import RequestException

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"mlflow(\.|$)")
        try:
            yield
        except (MlflowException, RequestException, OSError) as error:
            reason = " ".join(str(error).split())[:500]
            raise SourceFailed(f"the MLflow store at {source} failed: {reason}") from None


class MlflowImport:
    """One import from an MLflow store (``source``, an ``MlflowClient``) into ``backend``."""

    def __init__(self, source: Any, backend: Backend, progress: Progress | None = None) -> None:
        self.source = source
        self.where = str(getattr(source, "tracking_uri", "MLflow"))
        self.tracking: TrackingAPI = backend.tracking
        self.progress = progress or (lambda _run, _done, _total: None)
        self.summary = ImportSummary()
        self._deleted_here: set[str] = set()
        """Experiments deleted in tether before the import: restored to take runs, then deleted again."""

    def run(self, experiment_names: Sequence[str] = ()) -> ImportSummary:
        """Import every experiment (or those named) and its runs; returns what was done."""
        with _reading(self.where):
            return self._run(experiment_names)

    def _run(self, experiment_names: Sequence[str]) -> ImportSummary:
        wanted = set(experiment_names)
        experiments = [e for e in self._experiments() if not wanted or e.name in wanted]
        missing = wanted - {e.name for e in experiments}
        if missing:
            raise NotFound(
                f"the MLflow store has no experiment named {', '.join(sorted(map(repr, missing)))}"
            )
        targets = {e.experiment_id: self._experiment(e) for e in experiments}
        plan = [(targets[e.experiment_id], run) for e in experiments for run in self._runs(e.experiment_id)]
        for start in range(0, len(plan), HISTORY_RUNS):
            part = plan[start : start + HISTORY_RUNS]
            histories = self._bulk_histories([run.info.run_id for _, run in part])
            for done, (experiment_id, run) in enumerate(part, start):
                self.progress(run.info.run_id, done, len(plan))
                try:
                    with _reading(self.where):
                        self._import_run(experiment_id, run, histories)
                except TetherError as error:
                    self.summary.failed.append((f"run {run.info.run_id}", error.message))
        self.progress("", len(plan), len(plan))
        for experiment in experiments:
            if experiment.lifecycle_stage == "deleted" or experiment.name in self._deleted_here:
                self._delete_experiment(experiment.name)
        return self.summary

    # --- reading MLflow -------------------------------------------------------------------------------

    def _experiments(self) -> Iterator[Any]:
        from mlflow.entities import ViewType

        token = None
        while True:
            page = self.source.search_experiments(view_type=ViewType.ALL, max_results=PAGE, page_token=token)
            yield from page
            token = page.token
            if not token:
                return

    def _runs(self, experiment_id: str) -> list[Any]:
        """The experiment's runs, oldest first, so a parent is imported before its children."""
        from mlflow.entities import ViewType

        found, token = [], None
        while True:
            page = self.source.search_runs(
                [experiment_id],
                run_view_type=ViewType.ALL,
                max_results=PAGE,
                order_by=["attributes.start_time ASC"],
                page_token=token,
            )
            found.extend(page)
            token = page.token
            if not token:
                return found

    def _bulk_histories(self, run_ids: list[str]) -> dict[str, dict[str, list[Point]]] | None:
        """Every metric point of ``run_ids`` by run and key, sorted as tether orders a history, when the
        source is an MLflow database; None for other stores, which are read key by key."""
        from mlflow.store.tracking.dbmodels.models import SqlMetric
        from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

        store = getattr(getattr(self.source, "_tracking_client", None), "store", None)
        if not isinstance(store, SqlAlchemyStore) or not run_ids:
            return None
        found: dict[str, dict[str, list[Point]]] = {run_id: {} for run_id in run_ids}
        columns = (SqlMetric.run_uuid, SqlMetric.key, SqlMetric.value, SqlMetric.is_nan)
        with _reading(self.where), store.ManagedSessionMaker() as session:
            query = session.query(*columns, SqlMetric.step, SqlMetric.timestamp)
            for run_id, key, value, is_nan, step, timestamp in query.filter(SqlMetric.run_uuid.in_(run_ids)):
                point = (int(step), int(timestamp), math.nan if is_nan else float(value))
                found[run_id].setdefault(key, []).append(point)
        for keys in found.values():
            for points in keys.values():
                points.sort(key=_point_order)
        return found

    def _history(self, run_id: str, key: str) -> list[Point]:
        history = self.source.get_metric_history(run_id, key)
        return sorted(((int(m.step), int(m.timestamp), float(m.value)) for m in history), key=_point_order)

    # --- writing tether -------------------------------------------------------------------------------

    def _experiment(self, experiment: Any) -> str:
        """The id of the tether experiment named like ``experiment``, created (with its tags) if missing."""
        try:
            existing = self.tracking.get_experiment_by_name(experiment.name)
        except NotFound:
            created = self.tracking.create_experiment(experiment.name, tags=dict(experiment.tags))
            self.summary.experiments_created += 1
            return created
        if existing.lifecycle_stage == "deleted":
            self.tracking.restore_experiment(existing.experiment_id)  # deleted again once its runs are in
            self._deleted_here.add(experiment.name)
        for key, value in experiment.tags.items():
            self.tracking.set_experiment_tag(existing.experiment_id, key, value)
        self.summary.experiments_matched += 1
        return existing.experiment_id

    def _delete_experiment(self, name: str) -> None:
        experiment = self.tracking.get_experiment_by_name(name)
        if experiment.lifecycle_stage != "deleted":
            try:
                self.tracking.delete_experiment(experiment.experiment_id)
            except TetherError as error:  # tether's Default experiment, say, is never deleted
                self.summary.failed.append((f"experiment {name!r}", error.message))

    def _import_run(
        self, experiment_id: str, run: Any, histories: dict[str, dict[str, list[Point]]] | None
    ) -> None:
        info, data = run.info, run.data
        try:
            stored = self.tracking.get_run(info.run_id)
        except NotFound:
            stored = None
        if stored is not None and stored.lifecycle_stage == "deleted":
            self.summary.runs_unchanged += 1  # deleted in tether: nothing may be written to it
            return
        status: RunStatus = info.status if info.status in MLFLOW_STATUSES else "RUNNING"
        end_time = info.end_time if status != "RUNNING" else None
        if stored is None:
            self.tracking.create_run(
                experiment_id,
                run_name=info.run_name or None,
                start_time=info.start_time,
                user_id=info.user_id or None,
                run_id=info.run_id,
                parent_run_id=self._parent(data.tags.get("mlflow.parentRunId"), experiment_id),
                status=status,
                end_time=end_time,
            )
            self.summary.runs_created += 1
        fresh_params = {k: v for k, v in data.params.items() if stored is None or k not in stored.params}
        fresh_tags = {k: v for k, v in data.tags.items() if stored is None or stored.tags.get(k) != v}
        held = histories.get(info.run_id) if histories is not None else None
        points = self._fresh_points(info.run_id, sorted(data.metrics), held, stored is not None)
        for params, tags, metrics in _batches(fresh_params, fresh_tags, points):
            self.tracking.log_batch(info.run_id, metrics, params=params, tags=tags)
        self.summary.params += len(fresh_params)
        self.summary.metric_points += len(points.keys)
        files = self._artifacts(run, existing=stored is not None)
        changed = stored is None or bool(fresh_params or fresh_tags or points.keys or files)
        if stored is not None and (stored.status != status or stored.end_time != end_time):
            self.tracking.update_run(info.run_id, status=status, end_time=end_time)
            changed = True
        if info.lifecycle_stage == "deleted":
            self.tracking.delete_run(info.run_id)
        if stored is not None:
            self.summary.runs_updated += changed
            self.summary.runs_unchanged += not changed

    def _parent(self, parent_id: str | None, experiment_id: str) -> str | None:
        """The parent to attach, when tether already has it in the same experiment (the tag stays anyway)."""
        if not parent_id:
            return None
        try:
            parent = self.tracking.get_run(parent_id)
        except NotFound:
            return None
        return parent_id if parent.experiment_id == experiment_id else None

    def _fresh_points(
        self, run_id: str, keys: list[str], histories: dict[str, list[Point]] | None, existing: bool
    ) -> MetricColumns:
        """The points of each key past those tether holds, key by key, each key's in history order."""
        names: list[str] = []
        points: list[Point] = []
        for key in keys:
            history = histories.get(key, []) if histories is not None else self._history(run_id, key)
            held = len(self.tracking.get_metric_series(run_id, key).steps) if existing else 0
            names.extend([key] * (len(history) - held))
            points.extend(history[held:])
        return MetricColumns(
            keys=names,
            values=[value for _, _, value in points],
            steps=[step for step, _, _ in points],
            timestamps=[timestamp for _, timestamp, _ in points],
        )

    def _artifacts(self, run: Any, existing: bool) -> int:
        """Upload the run's files that tether lacks or holds at another size; returns how many."""
        from mlflow.store.artifact.artifact_repository_registry import get_artifact_repository

        run_id, uri = run.info.run_id, run.info.artifact_uri
        folder = _local_folder(uri)
        if folder is not None and not (folder.is_dir() and any(folder.iterdir())):
            return 0  # most runs have no files: seen without building a repository
        repository: Any = get_artifact_repository(uri, tracking_uri=self.where)
        listed = self.tracking.list_artifacts(run_id, recursive=True) if existing else []
        held = {a.path: a.size for a in listed if not a.is_dir}
        wanted = [f for f in self._files(repository, None) if held.get(f.path) != f.file_size]
        with tempfile.TemporaryDirectory(prefix="tether-import-") as scratch:
            for file in wanted:
                local = repository.download_artifacts(file.path, scratch)
                with open(local, "rb") as stream:
                    stored = self.tracking.log_artifact_stream(run_id, stream, file.path)
                Path(local).unlink()
                self.summary.artifacts += 1
                self.summary.artifact_bytes += stored.size or 0
        return len(wanted)

    def _files(self, repository: Any, path: str | None) -> Iterator[Any]:
        for entry in repository.list_artifacts(path):
            if entry.is_dir:
                yield from self._files(repository, entry.path)
            else:
                yield entry


def _point_order(point: Point) -> Point:
    """Step, then timestamp, then value (NaN lowest), as tether orders a history."""
    step, timestamp, value = point
    return step, timestamp, -math.inf if math.isnan(value) else value


def _local_folder(uri: str) -> Path | None:
    """The folder a local artifact URI (``file:…`` or a bare path) names; None for any other scheme."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(url2pathname(parsed.path))
    return Path(uri) if not parsed.scheme else None


def _batches(
    params: dict[str, str], tags: dict[str, str], points: MetricColumns
) -> Iterator[tuple[dict[str, str], dict[str, str], MetricColumns | None]]:
    """The run's params, tags and points as ``log_batch`` calls within the per-call limits, as few as
    those allow; the points keep their order, so an interrupted import leaves a prefix of each key."""
    param_parts = list(_slices(sorted(params), MAX_PARAMS_PER_CALL))
    tag_parts = list(_slices(sorted(tags), MAX_TAGS_PER_CALL))
    starts = range(0, len(points.keys), MAX_METRICS_PER_CALL)
    for i in range(max(len(param_parts), len(tag_parts), len(starts))):
        metrics = None
        if i < len(starts):
            part = slice(starts[i], starts[i] + MAX_METRICS_PER_CALL)
            metrics = MetricColumns(
                keys=points.keys[part],
                values=points.values[part],
                steps=points.steps[part],
                timestamps=points.timestamps[part],
            )
        yield (
            {k: params[k] for k in param_parts[i]} if i < len(param_parts) else {},
            {k: tags[k] for k in tag_parts[i]} if i < len(tag_parts) else {},
            metrics,
        )


def _slices(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
