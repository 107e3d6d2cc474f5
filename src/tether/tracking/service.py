"""TrackingService: the one entry point to experiments, runs, params, metrics, tags and artifacts.

Contracts: every public method validates its input before touching storage and runs in one transaction,
so a refused call leaves nothing half-written. Params are immutable (the same value again is fine);
tags are upserts; metrics append to the history and move a key's latest value forward only when the new
point is later (step, then timestamp, then value). Runs of deleted experiments, and deleted runs, refuse
writes with Conflict.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, Row, exc

from tether.auth import queries as auth_queries
from tether.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.storage.paths import safe_key
from tether.tracking import chunks, limits, queries
from tether.tracking.artifacts import RunArtifacts
from tether.tracking.chunks import Series
from tether.tracking.history import downsample_indices
from tether.tracking.names import random_run_name
from tether.tracking.paging import decode_token, encode_token, query_fingerprint
from tether.tracking.previews import preview_table, table_format
from tether.tracking.schemas import (
    ArtifactInfo,
    Experiment,
    ExperimentActivity,
    ExperimentKeys,
    Metric,
    MetricHistory,
    Page,
    Run,
    TablePreview,
    metrics_of,
)
from tether.tracking.search import parse_filter, parse_order_by, search_query
from tether.types import MetricPoint, RunStatus, ViewType

DEFAULT_EXPERIMENT_ID = "0"
RUN_STATUSES: tuple[RunStatus, ...] = ("RUNNING", "FINISHED", "FAILED", "KILLED")
_RUN_ID = re.compile(r"^[0-9a-f]{32}$")
_BATCH_ID = _RUN_ID


def now_ms() -> int:
    return int(time.time() * 1000)


class TrackingService:
    def __init__(self, db: Database, blobs: BlobStore) -> None:
        self.db = db
        self.artifacts = RunArtifacts(blobs)

    # --- experiments ----------------------------------------------------------------------------------

    def create_experiment(
        self, name: str, tags: Mapping[str, str] | None = None, *, manager: int | None = None
    ) -> str:
        """``manager`` (a user id) gets MANAGE on the new experiment in the same transaction."""
        limits.check_name("experiment name", name, limits.MAX_EXPERIMENT_NAME)
        checked = limits.check_values("experiment tag", tags or {}, limits.MAX_EXPERIMENT_TAG_VALUE, 1000)
        try:
            with self.db.write() as conn:
                experiment_id = queries.insert_experiment(conn, name, now_ms())
                queries.upsert_experiment_tags(conn, experiment_id, checked)
                if manager is not None:
                    auth_queries.upsert_permission(conn, experiment_id, manager, "MANAGE")
        except exc.IntegrityError as error:
            raise AlreadyExists(f"an experiment named {name!r} already exists") from error
        return str(experiment_id)

    def get_experiment(self, experiment_id: str) -> Experiment:
        with self.db.read() as conn:
            return self._experiment(conn, _experiment_int(experiment_id))

    def get_experiment_by_name(self, name: str) -> Experiment:
        with self.db.read() as conn:
            row = queries.experiment_row_by_name(conn, name)
            if row is None:
                raise NotFound(f"no experiment named {name!r}")
            return self._experiment(conn, row.experiment_id, row)

    def list_experiments(
        self,
        view: ViewType = "active",
        max_results: int = 1000,
        page_token: str | None = None,
        *,
        among: Sequence[str] | None = None,
    ) -> Page[Experiment]:
        """One page of experiments by id; ``among`` keeps only those ids (the ones a caller may read)."""
        _check_page_size(max_results)
        fingerprint = query_fingerprint("experiments", view, among is None)
        offset = decode_token(page_token, fingerprint)
        keys = None if among is None else [_experiment_int(e) for e in among]
        with self.db.read() as conn:
            rows = queries.experiment_rows(conn, view, max_results + 1, offset, keys)
            tags = queries.experiment_tag_map(conn, [r.experiment_id for r in rows[:max_results]])
        items = [_experiment_model(r, tags.get(r.experiment_id, {})) for r in rows[:max_results]]
        more = len(rows) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def count_runs(self, experiment_ids: Sequence[str]) -> dict[str, int]:
        """Active runs per experiment, for listings."""
        return {e: found.runs for e, found in self.experiment_activity(experiment_ids).items()}

    def experiment_activity(self, experiment_ids: Sequence[str]) -> dict[str, ExperimentActivity]:
        """Active runs per experiment and when the latest of them started, for listings."""
        ids = [_experiment_int(e) for e in experiment_ids]
        with self.db.read() as conn:
            found = queries.count_runs(conn, ids)
        return {
            str(i): ExperimentActivity(
                runs=found.get(i, (0, None))[0], last_run_time=found.get(i, (0, None))[1]
            )
            for i in ids
        }

    def experiment_keys(self, experiment_id: str) -> ExperimentKeys:
        """The keys runs of the experiment use, for column pickers and filter completion."""
        key = _experiment_int(experiment_id)
        with self.db.read() as conn:
            self._experiment_row(conn, key)
            return ExperimentKeys(**queries.experiment_keys(conn, key))

    def rename_experiment(self, experiment_id: str, new_name: str) -> Experiment:
        limits.check_name("experiment name", new_name, limits.MAX_EXPERIMENT_NAME)
        key = _experiment_int(experiment_id)
        try:
            with self.db.write() as conn:
                self._experiment(conn, key)
                queries.update_experiment(conn, key, name=new_name, last_update_time=now_ms())
        except exc.IntegrityError as error:
            raise AlreadyExists(f"an experiment named {new_name!r} already exists") from error
        return self.get_experiment(experiment_id)

    def delete_experiment(self, experiment_id: str) -> None:
        """Soft delete: the experiment and its runs stay stored and can be restored."""
        if experiment_id == DEFAULT_EXPERIMENT_ID:
            raise Conflict("the default experiment cannot be deleted")
        self._set_experiment_stage(experiment_id, "deleted")

    def restore_experiment(self, experiment_id: str) -> None:
        self._set_experiment_stage(experiment_id, "active")

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        checked = limits.check_values("experiment tag", {key: value}, limits.MAX_EXPERIMENT_TAG_VALUE, 1)
        with self.db.write() as conn:
            exp = self._experiment(conn, _experiment_int(experiment_id))
            queries.upsert_experiment_tags(conn, int(exp.experiment_id), checked)

    def _set_experiment_stage(self, experiment_id: str, stage: str) -> None:
        key = _experiment_int(experiment_id)
        with self.db.write() as conn:
            self._experiment(conn, key)
            queries.update_experiment(conn, key, lifecycle_stage=stage, last_update_time=now_ms())

    def _experiment(self, conn: Connection, key: int, row: Row[Any] | None = None) -> Experiment:
        row = row or self._experiment_row(conn, key)
        return _experiment_model(row, queries.experiment_tag_map(conn, [key]).get(key, {}))

    def _experiment_row(self, conn: Connection, key: int) -> Row[Any]:
        row = queries.experiment_row(conn, key)
        if row is None:
            raise NotFound(f"no experiment with id '{key}'")
        return row

    # --- runs -----------------------------------------------------------------------------------------

    def create_run(
        self,
        experiment_id: str = DEFAULT_EXPERIMENT_ID,
        run_name: str | None = None,
        start_time: int | None = None,
        tags: Mapping[str, str] | None = None,
        parent_run_id: str | None = None,
        user_id: str | None = None,
    ) -> Run:
        name = run_name or random_run_name()
        limits.check_name("run name", name, limits.MAX_RUN_NAME)
        checked_tags = limits.check_values("tag", tags or {}, limits.MAX_TAG_VALUE, limits.MAX_TAGS_PER_CALL)
        run_id = uuid.uuid4().hex
        with self.db.write() as conn:
            exp = self._experiment_row(conn, _experiment_int(experiment_id))
            if exp.lifecycle_stage != "active":
                raise Conflict(f"experiment '{exp.name}' is deleted; restore it before starting runs in it")
            if parent_run_id is not None:
                self._run_row(conn, parent_run_id)
            values = {
                "run_id": run_id,
                "experiment_id": exp.experiment_id,
                "run_name": name,
                "status": "RUNNING",
                "lifecycle_stage": "active",
                "user_id": user_id or "",
                "start_time": now_ms() if start_time is None else int(start_time),
                "end_time": None,
                "parent_run_id": parent_run_id,
            }
            queries.insert_run(conn, values)
            if checked_tags:
                queries.upsert_tags(conn, run_id, checked_tags)
        return Run(**{**values, "experiment_id": str(exp.experiment_id)}, tags=checked_tags)

    def get_run(self, run_id: str) -> Run:
        with self.db.read() as conn:
            self._run_row(conn, run_id)
            return self._load_runs(conn, [run_id])[0]

    def update_run(
        self,
        run_id: str,
        status: RunStatus | None = None,
        end_time: int | None = None,
        run_name: str | None = None,
    ) -> Run:
        """Change status, end time or name; a terminal status without an end time ends the run now."""
        values: dict[str, object] = {}
        if status is not None:
            if status not in RUN_STATUSES:
                raise InvalidInput(f"status must be one of {', '.join(RUN_STATUSES)}, got {status!r}")
            values["status"] = status
            values["end_time"] = None if status == "RUNNING" else (end_time or now_ms())
        elif end_time is not None:
            values["end_time"] = int(end_time)
        if run_name is not None:
            values["run_name"] = limits.check_name("run name", run_name, limits.MAX_RUN_NAME)
        with self.db.write() as conn:
            self._run_row(conn, run_id)
            if values:
                queries.update_run(conn, run_id, **values)
            return self._load_runs(conn, [run_id])[0]

    def delete_run(self, run_id: str) -> None:
        """Soft delete: the run is hidden from searches but kept, and can be restored."""
        self._set_run_stage(run_id, "deleted")

    def restore_run(self, run_id: str) -> None:
        self._set_run_stage(run_id, "active")

    def _set_run_stage(self, run_id: str, stage: str) -> None:
        with self.db.write() as conn:
            self._run_row(conn, run_id)
            queries.update_run(conn, run_id, lifecycle_stage=stage)

    def experiment_of_run(self, run_id: str) -> str:
        """The id of the experiment a run belongs to, for access checks that start from a run."""
        with self.db.read() as conn:
            return str(self._run_row(conn, run_id).experiment_id)

    def child_runs(self, run_id: str) -> list[str]:
        with self.db.read() as conn:
            self._run_row(conn, run_id)
            return queries.child_run_ids(conn, run_id)

    def _run_row(self, conn: Connection, run_id: str) -> Row[Any]:
        if not isinstance(run_id, str) or not _RUN_ID.match(run_id):
            raise NotFound(f"no run with id {run_id!r} (a run id is 32 hexadecimal characters)")
        row = queries.run_row(conn, run_id)
        if row is None:
            raise NotFound(f"no run with id '{run_id}'")
        return row

    def _writable_run(self, conn: Connection, run_id: str) -> Row[Any]:
        row = self._run_row(conn, run_id)
        if row.lifecycle_stage != "active":
            raise Conflict(f"run '{run_id}' is deleted; restore it before logging to it")
        return row

    def _load_runs(self, conn: Connection, run_ids: Sequence[str]) -> list[Run]:
        """Full runs in the order given; two queries whatever the number of runs."""
        if not run_ids:
            return []
        rows = {r.run_id: r for r in queries.run_rows(conn, run_ids)}
        values = queries.run_values(conn, run_ids)
        params, tags, latest = values["params"], values["tags"], values["metrics"]
        return [
            Run(
                run_id=run_id,
                experiment_id=str(rows[run_id].experiment_id),
                run_name=rows[run_id].run_name,
                status=rows[run_id].status,
                lifecycle_stage=rows[run_id].lifecycle_stage,
                user_id=rows[run_id].user_id,
                start_time=rows[run_id].start_time,
                end_time=rows[run_id].end_time,
                parent_run_id=rows[run_id].parent_run_id,
                params=params.get(run_id, {}),
                tags=tags.get(run_id, {}),
                metrics={k: math.nan if v is None else v for k, v in latest.get(run_id, {}).items()},
            )
            for run_id in run_ids
        ]

    # --- logging --------------------------------------------------------------------------------------

    def log_batch(
        self,
        run_id: str,
        metrics: Iterable[MetricPoint] = (),
        params: Mapping[str, object] | None = None,
        tags: Mapping[str, object] | None = None,
        batch_id: str | None = None,
    ) -> None:
        """Params, tags and metric points in one transaction: all are stored or none is.

        A ``batch_id`` (32 hex digits, made by the client) makes the call idempotent: a batch sent again
        with the same id, as a client does after losing the connection mid-request, changes nothing.
        """
        if batch_id is not None and not _BATCH_ID.match(batch_id):
            raise InvalidInput(f"batch_id must be 32 lowercase hex digits, got {batch_id!r}")
        checked_params = limits.check_values(
            "param", params or {}, limits.MAX_PARAM_VALUE, limits.MAX_PARAMS_PER_CALL
        )
        checked_tags = limits.check_values("tag", tags or {}, limits.MAX_TAG_VALUE, limits.MAX_TAGS_PER_CALL)
        series = limits.group_metric_points(metrics)
        with self.db.write() as conn:
            self._writable_run(conn, run_id)
            if series:
                queries.lock_run(conn, run_id)
            if batch_id is not None and not queries.claim_batch(conn, run_id, batch_id, now_ms()):
                return
            if checked_params:
                stored = queries.insert_params(conn, run_id, checked_params)
                changed = sorted(k for k, v in stored.items() if checked_params[k] != v)
                if changed:
                    key = changed[0]
                    raise Conflict(
                        f"param {key!r} of run '{run_id}' is already {stored[key]!r}; params cannot change "
                        f"(tried {checked_params[key]!r}). Log it under another key or start a new run."
                    )
            if checked_tags:
                queries.upsert_tags(conn, run_id, checked_tags)
            if series:
                self._append_history(conn, run_id, series)

    def _append_history(self, conn: Connection, run_id: str, series: Mapping[str, Series]) -> None:
        """Add each key's points as a new chunk, or to the key's last chunk while that one is small."""
        last = queries.last_chunks(conn, run_id, list(series))
        latest: dict[str, tuple[int, int, float]] = {}
        new: list[tuple[str, int, Series]] = []
        for key, points in series.items():
            seq, count = last.get(key, (-1, chunks.MERGE_BELOW))
            if count < chunks.MERGE_BELOW:
                merged = Series.concat([queries.chunk(conn, run_id, key, seq), points])
                queries.replace_chunk(conn, run_id, key, seq, merged)
            else:
                new.append((key, seq + 1, points))
            i = points.latest()
            latest[key] = (int(points.steps[i]), int(points.timestamps[i]), float(points.values[i]))
        queries.insert_chunks(conn, run_id, new)
        queries.upsert_latest(conn, run_id, latest)

    def log_params(self, run_id: str, params: Mapping[str, object]) -> None:
        self.log_batch(run_id, params=params)

    def set_tags(self, run_id: str, tags: Mapping[str, object]) -> None:
        self.log_batch(run_id, tags=tags)

    def log_metrics(self, run_id: str, points: Iterable[MetricPoint]) -> None:
        self.log_batch(run_id, metrics=points)

    def delete_tag(self, run_id: str, key: str) -> None:
        with self.db.write() as conn:
            self._writable_run(conn, run_id)
            if not queries.delete_tag(conn, run_id, key):
                raise NotFound(f"run '{run_id}' has no tag {key!r}")

    def get_metric_series(
        self,
        run_id: str,
        key: str,
        max_points: int | None = None,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> MetricHistory:
        """A metric's points by step, as columns; ``max_points`` reduces them, keeping bucket extremes.

        ``min_step``/``max_step`` keep only that range (inclusive) before reducing, so a chart zoomed into
        part of a long series gets full detail there.
        """
        if max_points is not None and max_points < 4:
            raise InvalidInput(f"max_points must be at least 4, got {max_points}")
        if min_step is not None and max_step is not None and min_step > max_step:
            raise InvalidInput(f"min_step ({min_step}) is after max_step ({max_step})")
        with self.db.read() as conn:
            self._run_row(conn, run_id)
            series = queries.series_of(conn, run_id, key).sorted()
        if min_step is not None or max_step is not None:
            series = series.between(min_step, max_step)
        if max_points is not None and len(series) > max_points:
            keep = downsample_indices(series.steps, series.values, max_points)
            series = Series(series.steps[keep], series.timestamps[keep], series.values[keep])
        return MetricHistory(
            key=key,
            steps=series.steps.tolist(),
            timestamps=series.timestamps.tolist(),
            values=series.values.tolist(),
        )

    def get_metric_history(self, run_id: str, key: str, max_points: int | None = None) -> list[Metric]:
        """The same points as ``get_metric_series``, one object each."""
        return metrics_of(self.get_metric_series(run_id, key, max_points))

    # --- search ---------------------------------------------------------------------------------------

    def search_runs(
        self,
        experiment_ids: Sequence[str],
        filter: str = "",
        order_by: Sequence[str] = (),
        max_results: int = 1000,
        page_token: str | None = None,
        view: ViewType = "active",
    ) -> Page[Run]:
        """Runs matching an MLflow-style filter, ordered, one page at a time (see docs/search.md)."""
        _check_page_size(max_results)
        if view not in ("active", "deleted", "all"):
            raise InvalidInput(f"view must be 'active', 'deleted' or 'all', got {view!r}")
        clauses = parse_filter(filter)
        order = parse_order_by(order_by)
        ids = [_experiment_int(e) for e in experiment_ids]
        fingerprint = query_fingerprint("runs", ids, view, clauses, order)
        offset = decode_token(page_token, fingerprint)
        query = search_query(ids, view, clauses, order)
        with self.db.read() as conn:
            found = query.page(conn, offset, max_results + 1)
            items = self._load_runs(conn, found[:max_results])
        more = len(found) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    # --- artifacts ------------------------------------------------------------------------------------

    def log_artifact(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        self._check_writable(run_id)
        return self.artifacts.log_file(run_id, local_path, artifact_path)

    def log_artifacts(
        self, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[str]:
        self._check_writable(run_id)
        return self.artifacts.log_dir(run_id, local_dir, artifact_path)

    def check_artifact_upload(self, run_id: str, artifact_path: str) -> str:
        """Refuse an upload before its bytes are received: the run must be writable, the path safe."""
        path = safe_key(artifact_path)
        self._check_writable(run_id)
        return path

    def log_artifact_stream(self, run_id: str, stream: IO[bytes], artifact_path: str) -> int:
        self._check_writable(run_id)
        return self.artifacts.log_stream(run_id, stream, artifact_path)

    def list_artifacts(self, run_id: str, path: str = "", recursive: bool = False) -> list[ArtifactInfo]:
        self.get_run(run_id)
        return self.artifacts.list(run_id, path, recursive=recursive)

    def artifact_info(self, run_id: str, path: str) -> ArtifactInfo:
        self.get_run(run_id)
        return self.artifacts.info(run_id, path)

    @contextlib.contextmanager
    def open_artifact(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        self.get_run(run_id)
        with self.artifacts.open(run_id, path) as stream:
            yield stream

    def preview_artifact(self, run_id: str, path: str, max_rows: int = 100) -> TablePreview:
        """The first rows of a tabular artifact, read without fetching the whole file."""
        table_format(path)
        with self.open_artifact(run_id, path) as stream:
            return preview_table(stream, path, max_rows)

    def download_artifacts(self, run_id: str, path: str, destination: str | os.PathLike[str]) -> Path:
        self.get_run(run_id)
        return self.artifacts.download(run_id, path, destination)

    def _check_writable(self, run_id: str) -> None:
        with self.db.read() as conn:
            self._writable_run(conn, run_id)


def _experiment_int(experiment_id: str) -> int:
    text = str(experiment_id)
    # Past the 32-bit INTEGER column's range no experiment can exist (PostgreSQL would refuse the query).
    if not text.isdigit() or len(text) > 10 or int(text) > 2**31 - 1:
        raise NotFound(f"no experiment with id {experiment_id!r} (experiment ids are whole numbers)")
    return int(text)


def _experiment_model(row: Row[Any], tags: dict[str, str]) -> Experiment:
    return Experiment(
        experiment_id=str(row.experiment_id),
        name=row.name,
        lifecycle_stage=row.lifecycle_stage,
        creation_time=row.creation_time,
        last_update_time=row.last_update_time,
        tags=tags,
    )


def _check_page_size(max_results: int) -> None:
    if not isinstance(max_results, int) or not 1 <= max_results <= limits.MAX_PAGE_SIZE:
        raise InvalidInput(f"max_results must be between 1 and {limits.MAX_PAGE_SIZE}, got {max_results!r}")
