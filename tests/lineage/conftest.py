"""A lineage service on an empty store (SQLite and PostgreSQL) with a clock the test moves."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tether.lineage.service import LineageService
from tether.storage.db import Database


class Clock:
    """Milliseconds that advance only when the test says so."""

    def __init__(self) -> None:
        self.now = 1_000

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def lineage(db: Database, clock: Clock) -> LineageService:
    return LineageService(db, clock=clock)
