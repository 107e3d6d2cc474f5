"""Experiments: create, look up, list, rename, soft-delete and restore, tag, and how busy they are.

Part of ``TrackingService`` (see service.py); each method is one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exc

from tether.auth import queries as auth_queries
from tether.errors import AlreadyExists, Conflict, NotFound
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.schemas import Page
from tether.storage.db import Database
from tether.tracking import limits, queries, rows
from tether.tracking.schemas import Experiment, ExperimentActivity, ExperimentKeys
from tether.tracking.search import (
    EXPERIMENT_ORDER,
    EXPERIMENTS,
    experiment_conditions,
    format_filter,
    parse_filter,
    parse_order_by,
)
from tether.types import ViewType


class Experiments:
    db: Database

    def create_experiment(
        self, name: str, tags: Mapping[str, str] | None = None, *, manager: int | None = None
    ) -> str:
        """``manager`` (a user id) gets MANAGE on the new experiment in the same transaction."""
        limits.check_name("experiment name", name, limits.MAX_EXPERIMENT_NAME)
        checked = limits.check_values("experiment tag", tags or {}, limits.MAX_EXPERIMENT_TAG_VALUE, 1000)
        try:
            with self.db.write() as conn:
                experiment_id = queries.insert_experiment(conn, name, rows.now_ms())
                queries.upsert_experiment_tags(conn, experiment_id, checked)
                if manager is not None:
                    auth_queries.upsert_permission(conn, experiment_id, manager, "MANAGE")
        except exc.IntegrityError as error:
            raise AlreadyExists(f"an experiment named {name!r} already exists") from error
        return str(experiment_id)

    def get_experiment(self, experiment_id: str) -> Experiment:
        with self.db.read() as conn:
            return rows.experiment(conn, rows.experiment_int(experiment_id))

    def get_experiment_by_name(self, name: str) -> Experiment:
        with self.db.read() as conn:
            row = queries.experiment_row_by_name(conn, name)
            if row is None:
                raise NotFound(f"no experiment named {name!r}")
            return rows.experiment(conn, row.experiment_id, row)

    def experiment_id_named(self, name: str) -> str:
        """The id of the experiment called ``name``, for access checks that start from a name."""
        return self.get_experiment_by_name(name).experiment_id

    def list_experiments(
        self,
        view: ViewType = "active",
        max_results: int = 1000,
        page_token: str | None = None,
        filter: str = "",
        order_by: Sequence[str] = (),
        *,
        among: Sequence[str] | None = None,
    ) -> Page[Experiment]:
        """One page of experiments, by id unless ``order_by`` says otherwise (``name DESC``,
        ``creation_time``: attributes only, ties by id); ``filter`` is a search filter over the name, the
        times and the tags (``name LIKE 'churn%' AND tags.team = 'growth'``); ``among`` keeps only those
        ids (the ones a caller may read)."""
        rows.check_page_size(max_results)
        clauses = parse_filter(filter, EXPERIMENTS)
        conditions = experiment_conditions(clauses)
        order = parse_order_by(list(order_by), EXPERIMENT_ORDER)
        fingerprint = query_fingerprint(
            "experiments", view, among is None, format_filter(clauses), [str(key) for key in order]
        )
        offset = decode_token(page_token, fingerprint)
        keys = None if among is None else [rows.experiment_int(e) for e in among]
        sort = [(key.key, key.ascending) for key in order]
        with self.db.read() as conn:
            found = queries.experiment_rows(conn, view, max_results + 1, offset, keys, conditions, sort)
            tags = queries.experiment_tag_map(conn, [r.experiment_id for r in found[:max_results]])
        items = [rows.experiment_model(r, tags.get(r.experiment_id, {})) for r in found[:max_results]]
        more = len(found) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def count_runs(self, experiment_ids: Sequence[str]) -> dict[str, int]:
        """Active runs per experiment, for listings."""
        return {e: found.runs for e, found in self.experiment_activity(experiment_ids).items()}

    def experiment_activity(self, experiment_ids: Sequence[str]) -> dict[str, ExperimentActivity]:
        """Active runs per experiment and when the latest of them started, for listings."""
        ids = [rows.experiment_int(e) for e in experiment_ids]
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
        key = rows.experiment_int(experiment_id)
        with self.db.read() as conn:
            rows.experiment_row(conn, key)
            return ExperimentKeys(**queries.experiment_keys(conn, key))

    def rename_experiment(self, experiment_id: str, new_name: str) -> Experiment:
        limits.check_name("experiment name", new_name, limits.MAX_EXPERIMENT_NAME)
        key = rows.experiment_int(experiment_id)
        try:
            with self.db.write() as conn:
                rows.experiment_row(conn, key)
                queries.update_experiment(conn, key, name=new_name, last_update_time=rows.now_ms())
                return rows.experiment(conn, key)
        except exc.IntegrityError as error:
            raise AlreadyExists(f"an experiment named {new_name!r} already exists") from error

    def delete_experiment(self, experiment_id: str) -> None:
        """Soft delete: the experiment and its runs stay stored and can be restored."""
        if experiment_id == rows.DEFAULT_EXPERIMENT_ID:
            raise Conflict("the default experiment cannot be deleted")
        self._set_experiment_stage(experiment_id, "deleted")

    def restore_experiment(self, experiment_id: str) -> None:
        self._set_experiment_stage(experiment_id, "active")

    def set_experiment_tag(self, experiment_id: str, key: str, value: str) -> None:
        checked = limits.check_values("experiment tag", {key: value}, limits.MAX_EXPERIMENT_TAG_VALUE, 1)
        experiment = rows.experiment_int(experiment_id)
        with self.db.write() as conn:
            rows.experiment_row(conn, experiment)
            queries.upsert_experiment_tags(conn, experiment, checked)

    def delete_experiment_tag(self, experiment_id: str, key: str) -> None:
        """Remove one tag; NotFound when the experiment has no tag ``key``."""
        experiment = rows.experiment_int(experiment_id)
        with self.db.write() as conn:
            rows.experiment_row(conn, experiment)
            if not queries.delete_experiment_tag(conn, experiment, key):
                raise NotFound(f"experiment '{experiment}' has no tag {key!r}")

    def _set_experiment_stage(self, experiment_id: str, stage: str) -> None:
        key = rows.experiment_int(experiment_id)
        with self.db.write() as conn:
            rows.experiment_row(conn, key)
            queries.update_experiment(conn, key, lifecycle_stage=stage, last_update_time=rows.now_ms())
