"""The MLflow-compatible API's routers: every MLflow endpoint tether answers, under MLflow's own paths."""

from __future__ import annotations

from fastapi import APIRouter

from tether.server.mlflow_compat import artifacts, experiments, logged_models, runs
from tether.server.mlflow_compat.wire import PREFIX

tracking = APIRouter(prefix=PREFIX, include_in_schema=False)
tracking.include_router(experiments.router)
tracking.include_router(runs.router)
tracking.include_router(logged_models.router)

ROUTERS = (tracking, artifacts.router)
