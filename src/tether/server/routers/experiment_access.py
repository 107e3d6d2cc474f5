"""What the caller may do on one experiment, so the web UI shows only the controls that will work."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response

from tether.auth.schemas import Access
from tether.server.access import READ_EXPERIMENT
from tether.server.credentials import Caller
from tether.server.deps import Guarded, Tracking
from tether.server.responses import json_of
from tether.server.routing import StrictJSONRoute

router = APIRouter(prefix="/experiments", tags=["experiments"], route_class=StrictJSONRoute)


@router.get("/{experiment_id}/access", response_model=Access)
def my_access(
    experiment_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(READ_EXPERIMENT)],
    tracking: Tracking,
    guard: Guarded,
) -> Response:
    """What the caller may do on the experiment; without --auth everyone may do everything."""
    tracking.get_experiment(experiment_id)
    enabled = bool(request.app.state.auth_enabled)
    level = guard.level_on(caller.user, experiment_id) if caller.user is not None else "MANAGE"
    return json_of(Access(experiment_id=experiment_id, auth_enabled=enabled, level=level))
