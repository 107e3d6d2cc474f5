"""Commits made elsewhere, arriving by a pull: their objects are checked before any row is written.

A commit object is the canonical JSON the service wrote when the commit was made (``service._commit``);
a received one must have each field of the right type, belong to the dataset it is received into, and
name parents already recorded (a pull sends parents first).
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Connection

from tether.data import queries
from tether.data.manifest import Manifest
from tether.data.objects import check_digest
from tether.errors import Conflict, InvalidData, InvalidInput, NotFound


def checked_record(name: str, commit: str, record: Any) -> dict[str, Any]:
    """A commit object's fields, each of the type a commit holds; InvalidData otherwise."""
    fields = {"dataset": str, "manifest": str, "parents": list, "message": str, "created_at": int}
    if not isinstance(record, dict) or any(not isinstance(record.get(k), t) for k, t in fields.items()):
        raise InvalidData(f"object {commit} is not a commit")
    if not (record.get("author") is None or isinstance(record["author"], str)):
        raise InvalidData(f"commit {commit} has an author that is not text")
    if record["dataset"] != name:
        raise InvalidInput(f"commit {commit} belongs to dataset {record['dataset']!r}, not {name!r}")
    for parent in record["parents"]:
        check_digest(parent)
    check_digest(record["manifest"])
    return dict(record)


def insert_received(
    conn: Connection, dataset_id: int, name: str, commit: str, record: dict[str, Any], tree: Manifest
) -> None:
    found = queries.commit_row(conn, commit)
    if found is not None:
        if found.dataset_id != dataset_id:
            raise Conflict(f"commit {commit} is already recorded for another dataset")
        return
    for parent in record["parents"]:
        if queries.commit_row(conn, parent) is None:
            raise NotFound(f"commit {commit} of {name!r} needs its parent {parent}, which is not here")
    queries.insert_commit(
        conn,
        {
            "commit_id": commit,
            "dataset_id": dataset_id,
            "manifest": record["manifest"],
            "parents": json.dumps(record["parents"]),
            "author": record.get("author"),
            "message": record["message"],
            "created_at": record["created_at"],
            "files": len(tree.files),
            "bytes": tree.size,
        },
    )
