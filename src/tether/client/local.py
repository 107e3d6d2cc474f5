"""The embedded backend: tether's services running inside the caller's process."""

from __future__ import annotations

from tether.config import Settings
from tether.services import open_services


class LocalBackend:
    """Services over the metadata database and blob store named by ``settings``."""

    remote = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.services = open_services(settings)
        self.tracking = self.services.tracking
        self.auth = self.services.auth
        self.monitoring = self.services.monitoring
        self.lineage = self.services.lineage
        self.registry = self.services.registry
        self.deployments = self.services.deployments
        self.data = self.services.data

    def close(self) -> None:
        self.services.close()

    def __repr__(self) -> str:
        return f"LocalBackend(db={self.services.db!r}, blobs={self.services.blobs!r})"
