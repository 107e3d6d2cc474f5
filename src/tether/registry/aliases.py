"""Aliases: pointers such as ``champion`` that move between a model's versions, each move an audit event.

Part of ``RegistryService`` (see service.py). ``history`` and ``alias_at`` read the events, so which
version an alias named at any past time is one query. A promotion guard (``require``) is a filter over the
version's source run, checked before the alias moves; a protected alias moves only for MANAGE holders.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from sqlalchemy import Connection, Row

from tether.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from tether.refs import check_name
from tether.registry import queries, rows
from tether.registry.events import record_event
from tether.registry.limits import check_version
from tether.registry.schemas import AliasInfo, EventKind, ModelVersion, RegistryEvent
from tether.storage.db import Database
from tether.tracking.service import TrackingService
from tether.types import Level

_MOVES = ("alias_set", "alias_deleted")


class Aliases:
    db: Database
    tracking: TrackingService
    clock: Callable[[], int]

    def set_alias(
        self,
        name: str,
        alias: str,
        version: int,
        require: str = "",
        *,
        actor: str | None = None,
        caller_level: Level | None = None,
    ) -> AliasInfo:
        """Point ``alias`` at ``version``; with ``require`` (a filter over the version's source run, such
        as ``metrics.auc >= 0.9``) only if the run meets it, and the refusal says which clause failed."""
        check_name("the alias", alias)
        check_version(version)
        if require.strip():
            self._check_requirement(name, version, require)
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            if rows.version_row(conn, model, version).status == "archived":
                raise Conflict(
                    f"version {version} of {name!r} is archived, so no alias may point at it; set its "
                    "status to ready (or deprecated) first"
                )
            current = queries.alias_row(conn, model.model_id, alias)
            if current is not None:
                _check_protection(current, name, caller_level)
            now = self.clock()
            row = {"model_id": model.model_id, "alias": alias, "version": version, "updated_time": now}
            queries.upsert_alias(conn, {**row, "protected": False, "updated_by": actor})
            previous = None if current is None else current.version
            if previous != version:
                moved = (previous, version)
                record_event(conn, now, model.model_id, name, "alias_set", actor, alias=alias, moved=moved)
        protected = current is not None and bool(current.protected)
        return AliasInfo(
            alias=alias, version=version, protected=protected, updated_time=now, updated_by=actor
        )

    def delete_alias(
        self, name: str, alias: str, *, actor: str | None = None, caller_level: Level | None = None
    ) -> None:
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            current = self._alias(conn, model, alias)
            _check_protection(current, name, caller_level)
            queries.delete_alias(conn, model.model_id, alias)
            moved = (current.version, None)
            record_event(
                conn, self.clock(), model.model_id, name, "alias_deleted", actor, alias=alias, moved=moved
            )

    def protect_alias(
        self, name: str, alias: str, protected: bool = True, *, actor: str | None = None
    ) -> AliasInfo:
        """Mark an alias protected (only MANAGE holders may then move or delete it), or clear the mark."""
        with self.db.write() as conn:
            model = rows.model_row(conn, name, lock=True)
            current = self._alias(conn, model, alias)
            if current.protected != protected:
                queries.update_alias(conn, model.model_id, alias, protected=protected)
                kind: EventKind = "alias_protected" if protected else "alias_unprotected"
                record_event(conn, self.clock(), model.model_id, name, kind, actor, alias=alias)
        return rows.alias_info(current).model_copy(update={"protected": protected})

    def get_version_by_alias(self, name: str, alias: str) -> ModelVersion:
        """The version ``models:/<name>@<alias>`` points at now."""
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            current = self._alias(conn, model, alias)
            return rows.versions_of(conn, model, [rows.version_row(conn, model, current.version)])[0]

    def history(self, name: str, alias: str | None = None) -> list[RegistryEvent]:
        """The model's audit trail, oldest first; of one alias only, when given."""
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            return [rows.event_of(row) for row in queries.events(conn, model.model_id, alias)]

    def alias_at(self, name: str, alias: str, at: int | str) -> int | None:
        """The version ``alias`` pointed at at time ``at`` (ms since the epoch, or ISO 8601 text such as
        ``2026-11-30T12:00``, UTC unless it names a zone); None: it pointed nowhere then."""
        instant = _instant(at)
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            moves = [
                e for e in queries.events(conn, model.model_id, alias, before=instant) if e.kind in _MOVES
            ]
        return moves[-1].to_version if moves else None

    def _check_requirement(self, name: str, version: int, require: str) -> None:
        with self.db.read() as conn:
            model = rows.model_row(conn, name)
            run_id = rows.versions_of(conn, model, [rows.version_row(conn, model, version)])[0].run_id
        if run_id is None:
            raise Conflict(f"version {version} of {name!r} has no source run to check {require!r} against")
        unmet = self.tracking.unmet_conditions(run_id, require)
        if unmet:
            reasons = "; ".join(
                f"{clause} (the run has {'no such value' if value is None else value})"
                for clause, value in unmet
            )
            raise Conflict(f"version {version} of {name!r} does not meet the requirement: {reasons}")

    def _alias(self, conn: Connection, model: Row[Any], alias: str) -> Row[Any]:
        found = queries.alias_row(conn, model.model_id, alias)
        if found is None:
            raise NotFound(f"model {model.name!r} has no alias {alias!r}")
        return found


def _check_protection(alias: Row[Any], name: str, caller_level: Level | None) -> None:
    if alias.protected and caller_level is not None and caller_level != "MANAGE":
        raise PermissionDenied(
            f"alias {alias.alias!r} of {name!r} is protected: only holders of MANAGE on the model may "
            f"move it (you have {caller_level})"
        )


def _instant(at: object) -> int:
    if isinstance(at, str) and at.strip().isascii() and at.strip().isdigit():
        at = int(at)  # milliseconds, as a query string carries them
    if isinstance(at, str):
        try:
            moment = datetime.fromisoformat(at.strip())
        except ValueError:
            raise InvalidInput(
                f"at must be ISO 8601 (2026-11-30T12:00) or milliseconds, got {at!r}"
            ) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return int(moment.timestamp() * 1000)
    if type(at) is not int or not 0 <= at < 2**63:
        raise InvalidInput(f"at must be milliseconds since the epoch or ISO 8601 text, got {at!r}")
    return at
