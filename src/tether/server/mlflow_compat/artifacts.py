"""MLflow's proxied artifacts (``mlflow-artifacts:/<experiment>/<run>/artifacts/<path>``) onto a run's
artifacts: the same streamed upload and download as tether's own routes, under MLflow's paths.

Runs hand out ``artifact_uri = mlflow-artifacts:/<experiment>/<run>/artifacts``, which the client turns
into ``/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/…``. The run in the path decides
(and its permissions); the experiment id in front is the client's copy and is not trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from starlette.concurrency import run_in_threadpool

from tether.endpoints import Scope, in_path, in_query, on
from tether.errors import NotFound
from tether.server.access import Requirement
from tether.server.deps import Tracking
from tether.server.routers.artifacts import download_artifact, upload_artifact

router = APIRouter(prefix="/api/2.0/mlflow-artifacts", include_in_schema=False)

FILE = "/artifacts/{experiment_id}/{run_id}/artifacts/{path:path}"


@dataclass(frozen=True, eq=False)
class _ListedRun(Requirement):
    """The listing names its run inside the ``path`` query value (``<experiment>/<run>/artifacts/…``)."""

    async def _values(self, request: Request, scope: Scope) -> list[str]:
        parts = request.query_params.get("path", "").strip("/").split("/")
        return [parts[1]] if len(parts) >= 3 and parts[2] == "artifacts" else []


@router.put(FILE, dependencies=[Depends(Requirement(on("EDIT", in_path("run", "run_id"))))])
async def upload(run_id: str, path: str, request: Request, tracking: Tracking) -> Response:
    return await upload_artifact(run_id, path, request, tracking)


@router.get(FILE, dependencies=[Depends(Requirement(on("READ", in_path("run", "run_id"))))])
def download(
    run_id: str,
    path: str,
    tracking: Tracking,
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> Response:
    return download_artifact(run_id, path, tracking, range_header)


@router.get("/artifacts", dependencies=[Depends(_ListedRun(on("READ", in_query("run", "path"))))])
async def listing(request: Request, tracking: Tracking) -> dict[str, Any]:
    """The entries of one directory, named relative to it; a file, a missing path or an empty directory
    lists as ``{}``, as MLflow's server answers."""
    parts = request.query_params.get("path", "").strip("/").split("/")
    if len(parts) < 3 or parts[2] != "artifacts":
        return {}
    run_id, inside = parts[1], "/".join(parts[3:])
    try:
        entries = await run_in_threadpool(tracking.list_artifacts, run_id, inside)
    except NotFound:
        return {}
    if not entries:
        return {}
    files = []
    for entry in entries:
        item: dict[str, Any] = {"path": PurePosixPath(entry.path).name, "is_dir": entry.is_dir}
        if not entry.is_dir:
            item["file_size"] = entry.size or 0
        files.append(item)
    return {"files": files}
