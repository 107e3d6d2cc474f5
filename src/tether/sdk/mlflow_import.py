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
tether lacks the file or holds another size, and the status and end time are set last. A run that fails
is reported and the others go on.
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

from tether.errors import ConfigError, NotFound, SourceFailed, TetherError
from tether.tracking.limits import MAX_METRICS_PER_CALL, MAX_PARAMS_PER_CALL, MAX_TAGS_PER_CALL
from tether.tracking.schemas import MetricColumns
from tether.types import RunStatus

if TYPE_CHECKING:
    from tether.client.backend import Backend, TrackingAPI

PAGE = 1000
"""Runs and experiments read from MLflow per request."""
MLFLOW_STATUSES: tuple[RunStatus, ...] = ("RUNNING", "FINISHED", "FAILED", "KILLED")
"""MLflow's run statuses that tether has; SCHEDULED becomes RUNNING."""

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
        for done, (experiment_id, run) in enumerate(plan):
            self.progress(run.info.run_id, done, len(plan))
            try:
                with _reading(self.where):
                    self._import_run(experiment_id, run)
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

    def _import_run(self, experiment_id: str, run: Any) -> None:
        info, data = run.info, run.data
        try:
            stored = self.tracking.get_run(info.run_id)
        except NotFound:
            stored = None
        if stored is not None and stored.lifecycle_stage == "deleted":
            self.summary.runs_unchanged += 1  # deleted in tether: nothing may be written to it
            return
        changed = stored is None
        if stored is None:
            self.tracking.create_run(
                experiment_id,
                run_name=info.run_name or None,
                start_time=info.start_time,
                user_id=info.user_id or None,
                run_id=info.run_id,
                parent_run_id=self._parent(data.tags.get("mlflow.parentRunId"), experiment_id),
            )
            self.summary.runs_created += 1
        fresh_params = {k: v for k, v in data.params.items() if stored is None or k not in stored.params}
        fresh_tags = {k: v for k, v in data.tags.items() if stored is None or stored.tags.get(k) != v}
        for part in _slices(sorted(fresh_params), MAX_PARAMS_PER_CALL):
            self.tracking.log_batch(info.run_id, params={k: fresh_params[k] for k in part})
        for part in _slices(sorted(fresh_tags), MAX_TAGS_PER_CALL):
            self.tracking.log_batch(info.run_id, tags={k: fresh_tags[k] for k in part})
        self.summary.params += len(fresh_params)
        points = sum(self._metric(info.run_id, key, stored is not None) for key in sorted(data.metrics))
        files = self._artifacts(info.run_id)
        changed = changed or bool(fresh_params or fresh_tags or points or files)
        status: RunStatus = info.status if info.status in MLFLOW_STATUSES else "RUNNING"
        if stored is None or stored.status != status or stored.end_time != info.end_time:
            self.tracking.update_run(info.run_id, status=status, end_time=info.end_time)
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

    def _metric(self, run_id: str, key: str, existing: bool) -> int:
        """Append the key's points past those tether holds; returns how many were added."""
        history = sorted(self.source.get_metric_history(run_id, key), key=_point_order)
        held = len(self.tracking.get_metric_series(run_id, key).steps) if existing else 0
        fresh = history[held:]
        for part in _slices(fresh, MAX_METRICS_PER_CALL):
            columns = MetricColumns(
                keys=[key] * len(part),
                values=[float(m.value) for m in part],
                steps=[int(m.step) for m in part],
                timestamps=[int(m.timestamp) for m in part],
            )
            self.tracking.log_batch(run_id, columns)
        self.summary.metric_points += len(fresh)
        return len(fresh)

    def _artifacts(self, run_id: str) -> int:
        """Upload the run's files that tether lacks or holds at another size; returns how many."""
        held = {a.path: a.size for a in self.tracking.list_artifacts(run_id, recursive=True) if not a.is_dir}
        wanted = [f for f in self._files(run_id, None) if held.get(f.path) != f.file_size]
        with tempfile.TemporaryDirectory(prefix="tether-import-") as scratch:
            for file in wanted:
                local = self.source.download_artifacts(run_id, file.path, scratch)
                with open(local, "rb") as stream:
                    stored = self.tracking.log_artifact_stream(run_id, stream, file.path)
                Path(local).unlink()
                self.summary.artifacts += 1
                self.summary.artifact_bytes += stored.size or 0
        return len(wanted)

    def _files(self, run_id: str, path: str | None) -> Iterator[Any]:
        for entry in self.source.list_artifacts(run_id, path):
            if entry.is_dir:
                yield from self._files(run_id, entry.path)
            else:
                yield entry


def _point_order(point: Any) -> tuple[int, int, float]:
    """Step, then timestamp, then value (NaN lowest), as tether orders a history."""
    value = float(point.value)
    return int(point.step), int(point.timestamp), -math.inf if math.isnan(value) else value


def _slices(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
