"""Liveness and version: unauthenticated, for load balancers and humans."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from tether.server.access import PUBLIC_ROUTE
from tether.version import __version__

router = APIRouter(tags=["meta"], dependencies=[Depends(PUBLIC_ROUTE)])


@router.get("/health")
def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/version")
def version() -> dict[str, str]:
    return {"version": __version__}
