"""Run artifacts over HTTP: streamed uploads and downloads (with byte ranges).

Listings, file info and previews are declared endpoints (``tracking/routes.py``); these two stream, so
they are written by hand, as the remote client's side of them is (``client/remote.py``).

Paths arrive already percent-decoded by the HTTP server; the service passes every one through the blob
store's single path-safety check, so an encoded ``..`` is refused like a plain one.
"""

from __future__ import annotations

import mimetypes
import re
import tempfile
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool

from tether.errors import InvalidInput
from tether.server.access import EDIT_RUN, READ_RUN
from tether.server.deps import Tracking
from tether.server.errors import error_response
from tether.server.responses import json_of
from tether.server.routing import StrictJSONRoute
from tether.tracking.schemas import ArtifactInfo
from tether.tracking.service import TrackingService

router = APIRouter(prefix="/runs/{run_id}", tags=["artifacts"], route_class=StrictJSONRoute)

CHUNK = 1024 * 1024
SPOOL_IN_MEMORY = 8 * 1024 * 1024
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


@router.put(
    "/artifacts/{path:path}", response_model=ArtifactInfo, status_code=201, dependencies=[Depends(EDIT_RUN)]
)
async def upload_artifact(run_id: str, path: str, request: Request, tracking: Tracking) -> Response:
    """Store the request body as one artifact; it is spooled to disk, never held whole in memory."""
    checked = await run_in_threadpool(tracking.check_artifact_upload, run_id, path)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
        async for chunk in request.stream():
            spool.write(chunk)
        spool.seek(0)
        stored = await run_in_threadpool(tracking.log_artifact_stream, run_id, spool, checked)
    return json_of(stored, status_code=201)


@router.get("/artifacts/{path:path}", response_class=StreamingResponse, dependencies=[Depends(READ_RUN)])
def download_artifact(
    run_id: str,
    path: str,
    tracking: Tracking,
    range_header: Annotated[str | None, Header(alias="range")] = None,
) -> Response:
    info = tracking.artifact_info(run_id, path)
    if info.is_dir:
        raise InvalidInput(f"{path!r} is a directory, not a file")
    size = info.size or 0
    span = _byte_range(range_header, size)
    if span is None:
        return error_response(
            416, "RANGE_NOT_SATISFIABLE", f"the file has {size} bytes", {"content-range": f"bytes */{size}"}
        )
    start, end = span
    headers = {
        "accept-ranges": "bytes",
        "content-length": str(end - start),
        "content-disposition": f'attachment; filename="{PurePosixPath(info.path).name}"',
    }
    status = 200
    if range_header:
        status = 206
        headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
    media_type = mimetypes.guess_type(info.path)[0] or "application/octet-stream"
    body = _read(tracking, run_id, info.path, start, end)
    return StreamingResponse(body, status_code=status, media_type=media_type, headers=headers)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, end) for a single ``bytes=a-b`` range; the whole file without one; None if unsatisfiable."""
    if not header:
        return 0, size
    match = _RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start, end = int(first), min(size, int(last) + 1) if last else size
    return (start, end) if start < end else None


def _read(tracking: TrackingService, run_id: str, path: str, start: int, end: int) -> Iterator[bytes]:
    with tracking.open_artifact(run_id, path) as stream:
        stream.seek(start)
        remaining = end - start
        while remaining > 0:
            chunk = stream.read(min(CHUNK, remaining))
            if not chunk:
                return
            remaining -= len(chunk)
            yield chunk
