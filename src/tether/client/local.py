"""The embedded backend: tether's services running inside the caller's process, each opened on first use."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tether.config import Settings
from tether.services import open_services

if TYPE_CHECKING:
    from tether.auth.service import AuthService
    from tether.data.service import DataService
    from tether.deployments.service import DeploymentService
    from tether.lineage.service import LineageService
    from tether.monitoring.service import MonitoringService
    from tether.registry.service import RegistryService
    from tether.tracking.service import TrackingService


class LocalBackend:
    """Services over the metadata database and blob store named by ``settings``."""

    remote = False

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.services = open_services(settings)

    @property
    def tracking(self) -> TrackingService:
        return self.services.tracking

    @property
    def auth(self) -> AuthService:
        return self.services.auth

    @property
    def monitoring(self) -> MonitoringService:
        return self.services.monitoring

    @property
    def lineage(self) -> LineageService:
        return self.services.lineage

    @property
    def registry(self) -> RegistryService:
        return self.services.registry

    @property
    def deployments(self) -> DeploymentService:
        return self.services.deployments

    @property
    def data(self) -> DataService:
        return self.services.data

    def close(self) -> None:
        self.services.close()

    def __repr__(self) -> str:
        return f"LocalBackend(db={self.services.db!r}, blobs={self.services.blobs!r})"
