"""SQL over the registry tables: take a connection, return rows; the rules live in the service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, delete, func, insert, select, update

from tether.storage.bulk import insert_for
from tether.storage.tables import (
    model_aliases,
    model_version_tags,
    model_versions,
    registered_model_tags,
    registered_models,
    registry_events,
)


def model_row(conn: Connection, name: str, *, lock: bool = False) -> Row[Any] | None:
    query = select(registered_models).where(registered_models.c.name == name)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def insert_model(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(insert(registered_models).values(**row).returning(registered_models.c.model_id))
    return int(result.scalar_one())


def update_model(conn: Connection, model_id: int, **values: object) -> None:
    conn.execute(update(registered_models).where(registered_models.c.model_id == model_id).values(**values))


def next_version(conn: Connection, model_id: int, now: int) -> int:
    """Take the model's next version number; the row update serialises concurrent registrations."""
    result = conn.execute(
        update(registered_models)
        .where(registered_models.c.model_id == model_id)
        .values(last_version=registered_models.c.last_version + 1, updated_time=now)
        .returning(registered_models.c.last_version)
    )
    return int(result.scalar_one())


def delete_model(conn: Connection, model_id: int) -> None:
    conn.execute(delete(registered_models).where(registered_models.c.model_id == model_id))


def list_models(
    conn: Connection,
    name_like: str | None,
    names: Sequence[str] | None,
    conditions: Sequence[ColumnElement[bool]],
    offset: int,
    limit: int,
) -> list[Row[Any]]:
    query = select(registered_models).where(*conditions).order_by(registered_models.c.name)
    if name_like is not None:
        query = query.where(registered_models.c.name.like(name_like))
    if names is not None:
        query = query.where(registered_models.c.name.in_(list(names)))
    return list(conn.execute(query.offset(offset).limit(limit)))


def latest_versions(conn: Connection, model_ids: Sequence[int]) -> dict[int, int]:
    query = (
        select(model_versions.c.model_id, func.max(model_versions.c.version))
        .where(model_versions.c.model_id.in_(list(model_ids)))
        .group_by(model_versions.c.model_id)
    )
    return {int(m): int(v) for m, v in conn.execute(query)}


def model_tags(conn: Connection, model_ids: Sequence[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {m: {} for m in model_ids}
    query = select(registered_model_tags).where(registered_model_tags.c.model_id.in_(list(model_ids)))
    for row in conn.execute(query):
        found[row.model_id][row.key] = row.value
    return found


def aliases_of(conn: Connection, model_ids: Sequence[int]) -> dict[int, list[Row[Any]]]:
    found: dict[int, list[Row[Any]]] = {m: [] for m in model_ids}
    query = (
        select(model_aliases)
        .where(model_aliases.c.model_id.in_(list(model_ids)))
        .order_by(model_aliases.c.alias)
    )
    for row in conn.execute(query):
        found[row.model_id].append(row)
    return found


def alias_row(conn: Connection, model_id: int, alias: str) -> Row[Any] | None:
    query = select(model_aliases).where(model_aliases.c.model_id == model_id, model_aliases.c.alias == alias)
    return conn.execute(query).first()


def upsert_alias(conn: Connection, row: Mapping[str, object]) -> None:
    stmt = insert_for(conn, model_aliases)
    changes = {k: stmt.excluded[k] for k in ("version", "updated_time", "updated_by")}
    conn.execute(stmt.on_conflict_do_update(index_elements=["model_id", "alias"], set_=changes).values(**row))


def update_alias(conn: Connection, model_id: int, alias: str, **values: object) -> None:
    conn.execute(
        update(model_aliases)
        .where(model_aliases.c.model_id == model_id, model_aliases.c.alias == alias)
        .values(**values)
    )


def delete_alias(conn: Connection, model_id: int, alias: str) -> None:
    conn.execute(
        delete(model_aliases).where(model_aliases.c.model_id == model_id, model_aliases.c.alias == alias)
    )


def insert_version(conn: Connection, row: Mapping[str, object]) -> None:
    conn.execute(insert(model_versions).values(**row))


def version_rows(
    conn: Connection,
    model_id: int,
    version: int | None = None,
    *,
    conditions: Sequence[ColumnElement[bool]] = (),
) -> list[Row[Any]]:
    query = select(model_versions).where(model_versions.c.model_id == model_id, *conditions)
    if version is not None:
        query = query.where(model_versions.c.version == version)
    return list(conn.execute(query.order_by(model_versions.c.version)))


def update_version(conn: Connection, model_id: int, version: int, **values: object) -> None:
    conn.execute(
        update(model_versions)
        .where(model_versions.c.model_id == model_id, model_versions.c.version == version)
        .values(**values)
    )


def delete_version(conn: Connection, model_id: int, version: int) -> None:
    conn.execute(
        delete(model_versions).where(
            model_versions.c.model_id == model_id, model_versions.c.version == version
        )
    )


def version_tags(conn: Connection, model_id: int, versions: Sequence[int]) -> dict[int, dict[str, str]]:
    found: dict[int, dict[str, str]] = {v: {} for v in versions}
    query = select(model_version_tags).where(
        model_version_tags.c.model_id == model_id, model_version_tags.c.version.in_(list(versions))
    )
    for row in conn.execute(query):
        found[row.version][row.key] = row.value
    return found


def upsert_tag(conn: Connection, table: Any, keys: Mapping[str, object], tags: Mapping[str, str]) -> None:
    """Set tags on a model (``registered_model_tags``) or a version (``model_version_tags``)."""
    if not tags:
        return
    stmt = insert_for(conn, table)
    index = [*keys, "key"]
    rows = [{**keys, "key": key, "value": value} for key, value in tags.items()]
    conn.execute(stmt.on_conflict_do_update(index_elements=index, set_={"value": stmt.excluded.value}), rows)


def delete_tag(conn: Connection, table: Any, keys: Mapping[str, object], key: str) -> int:
    conditions = [table.c[name] == value for name, value in keys.items()]
    result = conn.execute(delete(table).where(and_(*conditions), table.c.key == key))
    return int(result.rowcount)


def insert_event(conn: Connection, row: Mapping[str, object]) -> int:
    result = conn.execute(insert(registry_events).values(**row).returning(registry_events.c.event_id))
    return int(result.scalar_one())


def events(conn: Connection, model_id: int, alias: str | None, before: int | None = None) -> list[Row[Any]]:
    """The model's events oldest first (of one alias only, if given; up to ``before`` inclusive, if given)."""
    query = select(registry_events).where(registry_events.c.model_id == model_id)
    if alias is not None:
        query = query.where(registry_events.c.alias == alias)
    if before is not None:
        query = query.where(registry_events.c.at <= before)
    return list(conn.execute(query.order_by(registry_events.c.at, registry_events.c.event_id)))
