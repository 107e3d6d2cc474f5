"""The embedded backend: tether's services running inside the caller's process."""

from __future__ import annotations

from tether.auth.service import AuthService
from tether.config import Settings
from tether.monitoring.service import MonitoringService
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.service import TrackingService


class LocalBackend:
    """Services over the metadata database and blob store named by ``settings``."""

    remote = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._db = Database(settings.db_url)
        self.tracking = TrackingService(self._db, BlobStore(settings.blob_url, settings.blob_options))
        self.auth = AuthService(self._db)
        self.monitoring = MonitoringService(self._db, self.tracking.artifacts.blobs, self.tracking)

    def close(self) -> None:
        self._db.dispose()

    def __repr__(self) -> str:
        return f"LocalBackend(db={self._db!r}, blobs={self.tracking.artifacts.blobs!r})"
