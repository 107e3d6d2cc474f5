"""Registry rows as read models, loaded in a few statements per page rather than one per object."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, Row

from tether.errors import NotFound
from tether.lineage import queries as lineage_queries
from tether.models.signatures import Signature
from tether.refs import ModelVersionRef, RunRef
from tether.registry import queries
from tether.registry.schemas import AliasInfo, ModelVersion, RegisteredModel, RegistryEvent


def model_row(conn: Connection, name: str, *, lock: bool = False) -> Row[Any]:
    row = queries.model_row(conn, name, lock=lock)
    if row is None:
        raise NotFound(f"no registered model named {name!r}")
    return row


def version_row(conn: Connection, model: Row[Any], version: int) -> Row[Any]:
    found = queries.version_rows(conn, model.model_id, version)
    if not found:
        raise NotFound(f"model {model.name!r} has no version {version}")
    return found[0]


def models_of(conn: Connection, found: Sequence[Row[Any]]) -> list[RegisteredModel]:
    ids = [row.model_id for row in found]
    latest = queries.latest_versions(conn, ids)
    tags = queries.model_tags(conn, ids)
    aliases = queries.aliases_of(conn, ids)
    return [
        RegisteredModel(
            name=row.name,
            description=row.description,
            created_time=row.created_time,
            updated_time=row.updated_time,
            created_by=row.created_by,
            latest_version=latest.get(row.model_id),
            aliases=[alias_info(a) for a in aliases[row.model_id]],
            tags=tags[row.model_id],
        )
        for row in found
    ]


def versions_of(conn: Connection, model: Row[Any], found: Sequence[Row[Any]]) -> list[ModelVersion]:
    numbers = [row.version for row in found]
    tags = queries.version_tags(conn, model.model_id, numbers)
    pointing: dict[int, list[str]] = {}
    for alias in queries.aliases_of(conn, [model.model_id])[model.model_id]:
        pointing.setdefault(alias.version, []).append(alias.alias)
    refs = {str(ModelVersionRef(model.name, v)): v for v in numbers}
    runs: dict[int, str] = {}
    for edge in lineage_queries.edges_into(conn, list(refs), kinds=["produced"]) if refs else []:
        if edge.src_ref.startswith(RunRef.prefix):
            runs[refs[edge.dst_ref]] = RunRef.parse(edge.src_ref).run_id
    return [
        ModelVersion(
            name=model.name,
            version=row.version,
            source=row.source,
            run_id=runs.get(row.version),
            flavor=row.flavor,
            signature=Signature.model_validate(json.loads(row.signature)),
            description=row.description,
            status=row.status,
            created_time=row.created_time,
            updated_time=row.updated_time,
            created_by=row.created_by,
            aliases=pointing.get(row.version, []),
            tags=tags[row.version],
        )
        for row in found
    ]


def event_of(row: Row[Any]) -> RegistryEvent:
    return RegistryEvent.model_validate({**row._mapping, "name": row.model_name})


def alias_info(row: Row[Any]) -> AliasInfo:
    return AliasInfo.model_validate(row._mapping)
