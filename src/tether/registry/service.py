"""RegistryService: registered models and their versions; aliases and the audit trail are aliases.py,
webhooks are webhooks/service.py.

Contracts: every method checks its input before touching storage and runs in one transaction, so a
refused call changes nothing. Versions are numbered from 1 per model and never reused. Every change to a
model's name, versions or aliases appends an immutable event (who, when, from, to) in the same
transaction, which is what ``history`` and ``alias_at`` read. A version made from a run's package gets
the lineage edge ``run:<id> -produced-> models:/<name>/<version>``; renaming a model moves its edges.
A protected alias moves only for a caller holding MANAGE on the model (``caller_level``; None means no
authentication is in force, as in the embedded store). A version's status is ``ready`` when made; a
``deprecated`` one still loads (with a warning) and an ``archived`` one loads by number only: no alias
may point at it, so archiving waits until none does.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError
from sqlalchemy import Connection, Row, exc

from tether.auth import queries as auth_queries
from tether.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from tether.lineage.service import LineageService
from tether.models.manifest import MANIFEST_NAME, Manifest
from tether.paging import decode_token, encode_token, query_fingerprint
from tether.refs import ModelVersionRef, RunRef, check_name
from tether.registry import queries, rows, search
from tether.registry.aliases import Aliases
from tether.registry.events import record_event
from tether.registry.limits import (
    check_description,
    check_status,
    check_version,
    checked_tags,
    source_parts,
)
from tether.registry.schemas import ModelVersion, RegisteredModel, VersionStatus
from tether.registry.webhooks.service import Webhooks
from tether.schemas import Page
from tether.storage.db import Database
from tether.storage.tables import model_version_tags, registered_model_tags
from tether.tracking import limits
from tether.tracking.service import TrackingService


def now_ms() -> int:
    return int(time.time() * 1000)


class RegistryService(Aliases, Webhooks):
    def __init__(
        self,
        db: Database,
        tracking: TrackingService,
        lineage: LineageService,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.db = db
        self.tracking = tracking
        self.lineage = lineage
        self.clock = clock

    # --- registered models ----------------------------------------------------------------------------

    def create_model(
        self,
        name: str,
        description: str = "",
        tags: Mapping[str, str] | None = None,
        *,
        actor: str | None = None,
        manager: int | None = None,
    ) -> RegisteredModel:
        """Register a model name; ``manager`` (a user id) gets MANAGE on it in the same transaction."""
        check_name("the model name", name)
        check_description(description)
        checked = checked_tags(tags)
        now = self.clock()
        row = {
            "name": name,
            "description": description,
            "created_time": now,
            "updated_time": now,
            "created_by": actor,
            "last_version": 0,
        }
        try:
            with self.db.write() as conn:
                model_id = queries.insert_model(conn, row)
                queries.upsert_tag(conn, registered_model_tags, {"model_id": model_id}, checked)
                if manager is not None:
                    auth_queries.upsert_model_permission(conn, model_id, manager, "MANAGE")
                record_event(conn, self.clock(), model_id, name, "model_created", actor)
        except exc.IntegrityError as error:
            raise AlreadyExists(f"a registered model named {name!r} already exists") from error
        return self.get_model(name)

    def get_model(self, name: str) -> RegisteredModel:
        with self.db.read() as conn:
            return rows.models_of(conn, [rows.model_row(conn, name)])[0]

    def list_models(
        self,
        name_like: str | None = None,
        max_results: int = 1000,
        page_token: str | None = None,
        filter: str = "",
        *,
        among: Sequence[str] | None = None,
    ) -> Page[RegisteredModel]:
        """Registered models in name order; ``name_like`` is a LIKE pattern, ``filter`` a search filter
        over attributes and tags (``tags.team = 'growth'``), ``among`` the readable names."""
        if not isinstance(max_results, int) or not 1 <= max_results <= limits.MAX_PAGE_SIZE:
            raise InvalidInput(
                f"max_results must be between 1 and {limits.MAX_PAGE_SIZE}, got {max_results!r}"
            )
        conditions = search.model_conditions(filter)
        fingerprint = query_fingerprint("models", name_like, filter, among)
        offset = decode_token(page_token, fingerprint)
        with self.db.read() as conn:
            found = queries.list_models(conn, name_like, among, conditions, offset, max_results + 1)
            items = rows.models_of(conn, found[:max_results])
        more = len(found) > max_results
        return Page(
            items=items, next_page_token=encode_token(offset + max_results, fingerprint) if more else None
        )

    def update_model(
        self,
        name: str,
        new_name: str | None = None,
        description: str | None = None,
        *,
        actor: str | None = None,
    ) -> RegisteredModel:
        """Rename a model and/or change its description; its versions' lineage follows the new name."""
        if new_name is not None:
            check_name("the new model name", new_name)
        if description is not None:
            check_description(description)
        try:
            with self.db.write() as conn:
                model = rows.model_row(conn, name, lock=True)
                values: dict[str, object] = {"updated_time": self.clock()}
                if description is not None:
                    values["description"] = description
                if new_name is not None and new_name != name:
                    values["name"] = new_name
                    self._move_lineage(conn, model, new_name)
                    record_event(conn, self.clock(), model.model_id, new_name, "model_renamed", actor)
                queries.update_model(conn, model.model_id, **values)
        except exc.IntegrityError as error:
            raise AlreadyExists(f"a registered model named {new_name!r} already exists") from error
        return self.get_model(new_name or name)

    def delete_model(self, name: str, *, actor: str | None = None) -> None:
        """Delete a model with its versions and aliases; its audit trail is kept."""
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            for row in queries.version_rows(conn, model.model_id):
                self.lineage.forget(ModelVersionRef(name, row.version), conn=conn)
            queries.delete_model(conn, model.model_id)
            record_event(conn, self.clock(), model.model_id, name, "model_deleted", actor)

    def set_model_tag(self, name: str, key: str, value: str) -> None:
        checked = checked_tags({key: value})
        with self.db.write() as conn:
            model = rows.model_row(conn, name)
            queries.upsert_tag(conn, registered_model_tags, {"model_id": model.model_id}, checked)

    def delete_model_tag(self, name: str, key: str) -> None:
        with self.db.write() as conn:
            model = rows.model_row(conn, name)
            if not queries.delete_tag(conn, registered_model_tags, {"model_id": model.model_id}, key):
                raise NotFound(f"model {name!r} has no tag {key!r}")

    # --- versions ---------------------------------------------------------------------------------------

    def create_version(
        self,
        name: str,
        source: str,
        description: str = "",
        tags: Mapping[str, str] | None = None,
        *,
        actor: str | None = None,
    ) -> ModelVersion:
        """A new version of ``name`` from the package at ``source`` (``runs:/<run id>/<path>``)."""
        check_description(description)
        checked = checked_tags(tags)
        run_id, manifest = self._package_at(source)
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            now = self.clock()
            version = queries.next_version(conn, model.model_id, now)
            queries.insert_version(
                conn,
                {
                    "model_id": model.model_id,
                    "version": version,
                    "source": source,
                    "description": description,
                    "flavor": manifest.flavor,
                    "status": "ready",
                    "signature": manifest.signature.model_dump_json(),
                    "created_time": now,
                    "updated_time": now,
                    "created_by": actor,
                },
            )
            keys = {"model_id": model.model_id, "version": version}
            queries.upsert_tag(conn, model_version_tags, keys, checked)
            self.lineage.record(
                RunRef(run_id), ModelVersionRef(name, version), "produced", created_by=actor, conn=conn
            )
            record_event(conn, self.clock(), model.model_id, name, "version_created", actor, version=version)
        return self.get_version(name, version)

    def get_version(self, name: str, version: int) -> ModelVersion:
        check_version(version)
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            return rows.versions_of(conn, model, [rows.version_row(conn, model, version)])[0]

    def list_versions(self, name: str, filter: str = "") -> list[ModelVersion]:
        """A model's versions, oldest first: every one, or those matching a search ``filter`` over their
        attributes and tags (``flavor = 'sklearn' AND tags.stage = 'prod'``)."""
        conditions = search.version_conditions(filter)
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            found = queries.version_rows(conn, model.model_id, conditions=conditions)
            return rows.versions_of(conn, model, found)

    def update_version(
        self,
        name: str,
        version: int,
        description: str | None = None,
        status: VersionStatus | None = None,
        *,
        actor: str | None = None,
    ) -> ModelVersion:
        """Change a version's description and/or its status (``ready``, ``deprecated``, ``archived``).
        Each status change is an audit event; archiving is refused while an alias points at the version,
        so nothing resolves to a retired model."""
        check_version(version)
        if description is not None:
            check_description(description)
        if status is not None:
            check_status(status)
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            row = rows.version_row(conn, model, version)
            now = self.clock()
            values: dict[str, object] = {"updated_time": now}
            if description is not None:
                values["description"] = description
            if status is not None and status != row.status:
                if status == "archived":
                    _refuse_while_pointed_at(conn, model, version, "archived")
                values["status"] = status
                record_event(
                    conn,
                    now,
                    model.model_id,
                    name,
                    "version_status_changed",
                    actor,
                    version=version,
                    statuses=(row.status, status),
                )
            queries.update_version(conn, model.model_id, version, **values)
        return self.get_version(name, version)

    def delete_version(self, name: str, version: int, *, actor: str | None = None) -> None:
        """Delete a version; refused while an alias points at it (move or delete the alias first)."""
        check_version(version)
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            rows.version_row(conn, model, version)
            _refuse_while_pointed_at(conn, model, version, "deleted")
            self.lineage.forget(ModelVersionRef(name, version), conn=conn)
            queries.delete_version(conn, model.model_id, version)
            record_event(conn, self.clock(), model.model_id, name, "version_deleted", actor, version=version)

    def set_version_tag(self, name: str, version: int, key: str, value: str) -> None:
        check_version(version)
        checked = checked_tags({key: value})
        with self.db.write() as conn:
            model = rows.model_row(conn, name)
            rows.version_row(conn, model, version)
            queries.upsert_tag(
                conn, model_version_tags, {"model_id": model.model_id, "version": version}, checked
            )

    def delete_version_tag(self, name: str, version: int, key: str) -> None:
        check_version(version)
        with self.db.write() as conn:
            model = rows.model_row(conn, name)
            rows.version_row(conn, model, version)
            keys = {"model_id": model.model_id, "version": version}
            if not queries.delete_tag(conn, model_version_tags, keys, key):
                raise NotFound(f"version {version} of {name!r} has no tag {key!r}")

    # --- access ---------------------------------------------------------------------------------------

    def experiment_of_source(self, source: str) -> str:
        """The id of the experiment whose run holds ``source``, for the access check on registering."""
        run_id, _ = source_parts(source)
        return self.tracking.experiment_of_run(run_id)

    # --- helpers ----------------------------------------------------------------------------------------

    def _package_at(self, source: str) -> tuple[str, Manifest]:
        """The run and the manifest of the package ``source`` names; refused unless it is a package."""
        run_id, path = source_parts(source)
        self.tracking.get_run(run_id)
        try:
            with self.tracking.open_artifact(run_id, f"{path}/{MANIFEST_NAME}") as stream:
                return run_id, Manifest.model_validate(json.loads(stream.read()))
        except NotFound:
            raise InvalidInput(f"{source!r} is not a model package: it has no {MANIFEST_NAME}") from None
        except (ValueError, ValidationError) as error:
            raise InvalidInput(f"the manifest of {source!r} cannot be read: {error}") from None

    def _move_lineage(self, conn: Connection, model: Row[Any], new_name: str) -> None:
        for row in queries.version_rows(conn, model.model_id):
            old, new = ModelVersionRef(model.name, row.version), ModelVersionRef(new_name, row.version)
            self.lineage.rename(old, new, conn=conn)


def _refuse_while_pointed_at(conn: Connection, model: Row[Any], version: int, becoming: str) -> None:
    pointing = [
        a.alias for a in queries.aliases_of(conn, [model.model_id])[model.model_id] if a.version == version
    ]
    if pointing:
        raise Conflict(
            f"version {version} of {model.name!r} cannot be {becoming}: alias(es) {', '.join(pointing)} "
            "point at it; move or delete them first"
        )
