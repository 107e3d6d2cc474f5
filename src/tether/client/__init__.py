"""How the SDK and CLI reach tether's services.

Contracts: callers depend only on the ``Backend`` protocol (``backend.py``). ``connect`` picks the
implementation from settings: ``RemoteBackend`` when ``TETHER_URI`` names a server, otherwise the
embedded ``LocalBackend`` (services in this process on SQLite/PostgreSQL and a blob store). Each domain
is one attribute of a backend (``backend.tracking``, ``backend.auth``, ``backend.monitoring``), typed as
that domain's service; the remote one is generated from the domain's ``routes.py``.
"""

from __future__ import annotations

from tether.client.backend import Backend
from tether.config import Settings


def connect(settings: Settings | None = None) -> Backend:
    """Open the store that the settings (by default, the environment) point at."""
    settings = settings or Settings.from_env()
    if settings.uri:
        from tether.client.remote import RemoteBackend

        return RemoteBackend(settings.uri, settings.token, patience_s=settings.retry_patience_s)
    from tether.client.local import LocalBackend

    return LocalBackend(settings)


__all__ = ["Backend", "connect"]
