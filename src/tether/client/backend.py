"""The Backend protocol: every way of reaching tether offers each domain's service interface.

``LocalBackend`` hands out the services themselves; ``RemoteBackend`` hands out proxies built from the
domains' endpoint declarations, which mypy takes for the same interfaces. A method a service offers but
a server does not (the ones only the server calls, to check permissions) raises AttributeError remotely;
``tests/test_routes.py`` keeps the declarations and the services in step.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from tether.auth.service import AuthService
    from tether.data.service import DataService
    from tether.deployments.service import DeploymentService
    from tether.lineage.service import LineageService
    from tether.monitoring.service import MonitoringService
    from tether.registry.service import RegistryService
    from tether.tracking.service import TrackingService

    TrackingAPI = TrackingService
    AuthAPI = AuthService
    MonitoringAPI = MonitoringService
    LineageAPI = LineageService
    RegistryAPI = RegistryService
    DeploymentsAPI = DeploymentService
    DataAPI = DataService


class Backend(Protocol):
    """One connection to tether: a local store or a server."""

    @property
    def tracking(self) -> TrackingAPI: ...

    @property
    def auth(self) -> AuthAPI: ...

    @property
    def monitoring(self) -> MonitoringAPI: ...

    @property
    def lineage(self) -> LineageAPI: ...

    @property
    def registry(self) -> RegistryAPI: ...

    @property
    def deployments(self) -> DeploymentsAPI: ...

    @property
    def data(self) -> DataAPI: ...

    @property
    def remote(self) -> bool:
        """True when calls cross the network (and may meet a server that is briefly away)."""
        ...

    def close(self) -> None: ...
