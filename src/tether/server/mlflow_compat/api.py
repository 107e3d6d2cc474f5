"""The MLflow-compatible API's routers: every MLflow endpoint tether answers, under MLflow's own paths."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from tether.endpoints import SIGNED_IN
from tether.server.access import Requirement
from tether.server.mlflow_compat import artifacts, experiments, logged_models, runs
from tether.server.mlflow_compat.wire import PREFIX

tracking = APIRouter(prefix=PREFIX, include_in_schema=False)
tracking.include_router(experiments.router)
tracking.include_router(runs.router)
tracking.include_router(logged_models.router)

discovery = APIRouter(prefix="/api/3.0/mlflow", include_in_schema=False)


@discovery.get("/server-info", dependencies=[Depends(Requirement(SIGNED_IN))])
def server_info() -> dict[str, Any]:
    """What MLflow's client asks before downloading: uploads and downloads are single streamed requests
    here (no multipart, no presigned URLs), and there are no workspaces."""
    return {
        "store_type": "tether",
        "workspaces_enabled": False,
        "multipart_uploads_enabled": False,
        "multipart_downloads_enabled": False,
    }


ROUTERS = (tracking, artifacts.router, discovery)
