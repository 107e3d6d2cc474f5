"""The one composition root: every domain service over one metadata database and one blob store.

The embedded backend (``client.local``) and the server (``server.app``) both open their services here, so
a domain is wired once; a new domain adds its service to ``Services`` and nothing else changes here.
"""

from __future__ import annotations

from dataclasses import dataclass

from tether.auth.guard import Guard
from tether.auth.ratelimit import LoginLimits
from tether.auth.service import AuthService
from tether.config import Settings
from tether.data.service import DataService
from tether.deployments.service import DeploymentService
from tether.lineage.service import LineageService
from tether.monitoring.service import MonitoringService
from tether.registry.service import RegistryService
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.tracking.service import TrackingService


@dataclass(frozen=True)
class Services:
    db: Database
    blobs: BlobStore
    lineage: LineageService
    tracking: TrackingService
    auth: AuthService
    monitoring: MonitoringService
    registry: RegistryService
    deployments: DeploymentService
    data: DataService
    guard: Guard
    """The server's side of auth: credentials, sessions and permission checks."""

    def close(self) -> None:
        self.db.dispose()


def open_services(settings: Settings, *, login_limits: LoginLimits | None = None) -> Services:
    """Open (and migrate, if needed) the store ``settings`` names, with every service over it."""
    db = Database(settings.db_url)
    blobs = BlobStore(settings.blob_url, settings.blob_options)
    lineage = LineageService(db)
    tracking = TrackingService(db, blobs, settings.quotas)
    auth = AuthService(db)
    return Services(
        db=db,
        blobs=blobs,
        lineage=lineage,
        tracking=tracking,
        auth=auth,
        monitoring=MonitoringService(db, blobs, tracking, lineage),
        registry=RegistryService(db, tracking, lineage),
        deployments=DeploymentService(db, lineage),
        data=DataService(db, blobs, tracking, lineage),
        guard=Guard(auth, login_limits=login_limits),
    )
