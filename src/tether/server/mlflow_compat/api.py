"""The MLflow-compatible API's router: every MLflow endpoint tether answers, under MLflow's own paths."""

from __future__ import annotations

from fastapi import APIRouter

from tether.server.mlflow_compat import experiments, runs
from tether.server.mlflow_compat.wire import PREFIX

router = APIRouter(prefix=PREFIX, include_in_schema=False)
router.include_router(experiments.router)
router.include_router(runs.router)
