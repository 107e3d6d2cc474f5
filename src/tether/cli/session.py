"""The one backend connection a command opens, closed when the command ends however it ends.

Opening the store pulls in SQLAlchemy and pydantic, so it happens here, inside the command, and never when
the CLI is merely imported (``tether --help`` must stay fast).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tether.client import Backend
    from tether.client.backend import TrackingAPI


@contextmanager
def connected() -> Iterator[Backend]:
    """The backend the environment points at: a store (TETHER_HOME, TETHER_DB_URL …) or a server."""
    from tether.client import connect

    backend = connect()
    try:
        yield backend
    finally:
        backend.close()


@contextmanager
def tracking() -> Iterator[TrackingAPI]:
    """The tracking API of the store the environment points at (TETHER_HOME, TETHER_DB_URL …)."""
    with connected() as backend:
        yield backend.tracking
