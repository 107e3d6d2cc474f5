"""Dependency providers: the services a request works with."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tether.tracking.service import TrackingService


def tracking_service(request: Request) -> TrackingService:
    service: TrackingService = request.app.state.tracking
    return service


Tracking = Annotated[TrackingService, Depends(tracking_service)]
