"""Dependency providers: the services a request works with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tether.auth.service import AuthService
from tether.monitoring.service import MonitoringService
from tether.tracking.service import TrackingService


def tracking_service(request: Request) -> TrackingService:
    service: TrackingService = request.app.state.tracking
    return service


def monitoring_service(request: Request) -> MonitoringService:
    service: MonitoringService = request.app.state.monitoring
    return service


def auth_service(request: Request) -> AuthService:
    service: AuthService = request.app.state.auth
    return service


Tracking = Annotated[TrackingService, Depends(tracking_service)]
Auth = Annotated[AuthService, Depends(auth_service)]
Monitoring = Annotated[MonitoringService, Depends(monitoring_service)]
