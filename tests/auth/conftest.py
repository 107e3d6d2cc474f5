"""Auth fixtures: a service with a clock the test moves, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tether.auth.guard import Guard
from tether.auth.ratelimit import LoginLimits
from tether.auth.service import AuthService
from tether.config import Settings
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.service import TrackingService

LIMITS = LoginLimits(per_username=3, per_address=5, window_s=60)


class Clock:
    """Seconds since the epoch, moved only by the test."""

    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    db = Database(settings.db_url)
    yield db
    db.dispose()


@pytest.fixture
def auth(database: Database, clock: Clock) -> AuthService:
    return AuthService(database, clock=clock)


@pytest.fixture
def guard(auth: AuthService, clock: Clock) -> Guard:
    return Guard(auth, clock=clock, login_limits=LIMITS)


@pytest.fixture
def experiments(database: Database, settings: Settings) -> TrackingService:
    """The tracking service on the same store, to make experiments that permissions refer to."""
    return TrackingService(database, BlobStore(settings.blob_url))
