"""Dependency providers for the hand-written routes: the services a request works with.

Declared endpoints are bound to their service when mounted (``mount.py``) and need none of these.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from tether.auth.guard import Guard
from tether.tracking.service import TrackingService


def tracking_service(request: Request) -> TrackingService:
    service: TrackingService = request.app.state.services.tracking
    return service


def guard_service(request: Request) -> Guard:
    guard: Guard = request.app.state.guard
    return guard


Tracking = Annotated[TrackingService, Depends(tracking_service)]
Guarded = Annotated[Guard, Depends(guard_service)]
