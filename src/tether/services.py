"""The one composition root: every domain service over one metadata database and one blob store.

The embedded backend (``client.local``) and the server (``server.app``) both open their services here, so
a domain is wired once; a new domain adds its service to ``Services`` and nothing else changes here. Each
service is built, and its modules imported, the first time it is asked for: a command that needs only the
data domain does not pay for importing the registry's model packaging (pandas) or the sign-in machinery.
"""

from __future__ import annotations

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar, overload

from tether.config import Settings
from tether.storage.blobs import BlobStore
from tether.storage.db import Database

if TYPE_CHECKING:
    from tether.auth.guard import Guard
    from tether.auth.ratelimit import LoginLimits
    from tether.auth.service import AuthService
    from tether.data.service import DataService
    from tether.deployments.service import DeploymentService
    from tether.lineage.service import LineageService
    from tether.monitoring.service import MonitoringService
    from tether.registry.service import RegistryService
    from tether.tracking.service import TrackingService

_T = TypeVar("_T")


class _service(cached_property[_T]):
    """A cached property built under the store's lock, so two threads asking first build one service."""

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> _service[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        with instance._build_lock:
            return super().__get__(instance, owner)


class Services:
    """The domain services of one store, each made on first use."""

    def __init__(self, settings: Settings, login_limits: LoginLimits | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.db_url)
        self.blobs = BlobStore(settings.blob_url, settings.blob_options)
        self._login_limits = login_limits
        self._build_lock = threading.RLock()  # reentrant: a service's constructor asks for the ones it uses

    @_service
    def lineage(self) -> LineageService:
        from tether.lineage.service import LineageService

        return LineageService(self.db)

    @_service
    def tracking(self) -> TrackingService:
        from tether.tracking.service import TrackingService

        return TrackingService(self.db, self.blobs, self.settings.quotas)

    @_service
    def auth(self) -> AuthService:
        from tether.auth.service import AuthService

        return AuthService(self.db)

    @_service
    def monitoring(self) -> MonitoringService:
        from tether.monitoring.service import MonitoringService

        return MonitoringService(self.db, self.blobs, self.tracking, self.lineage)

    @_service
    def registry(self) -> RegistryService:
        from tether.registry.service import RegistryService

        return RegistryService(self.db, self.tracking, self.lineage)

    @_service
    def deployments(self) -> DeploymentService:
        from tether.deployments.service import DeploymentService

        return DeploymentService(self.db, self.lineage)

    @_service
    def data(self) -> DataService:
        from tether.data.service import DataService

        return DataService(self.db, self.blobs, lambda: self.tracking, self.lineage)

    @_service
    def guard(self) -> Guard:
        """The server's side of auth: credentials, sessions and permission checks."""
        from tether.auth.guard import Guard

        return Guard(self.auth, login_limits=self._login_limits)

    def close(self) -> None:
        self.db.dispose()


def open_services(settings: Settings, *, login_limits: LoginLimits | None = None) -> Services:
    """Open (and migrate, if needed) the store ``settings`` names; its services come on first use."""
    return Services(settings, login_limits)
