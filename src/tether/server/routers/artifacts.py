"""Run artifacts over HTTP: streamed uploads and downloads (with byte ranges).

Listings, file info and previews are declared endpoints (``tracking/routes.py``); these two stream, so
they are written by hand, as the remote client's side of them is (``client/remote.py``).

Paths arrive already percent-decoded by the HTTP server; the service passes every one through the blob
store's single path-safety check, so an encoded ``..`` is refused like a plain one. An upload streams
from the request straight into the blob store (which writes under a temporary name and renames it into
place), so it takes no space anywhere else and a client that disconnects leaves nothing behind.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import StreamingResponse

from tether.errors import InvalidInput
from tether.server.access import EDIT_RUN, READ_RUN
from tether.server.bodies import consume
from tether.server.deps import Tracking
from tether.server.errors import error_response
from tether.server.headers import RangeError, byte_range, content_disposition
from tether.server.responses import json_of
from tether.server.routing import StrictJSONRoute
from tether.tracking.schemas import ArtifactInfo
from tether.tracking.service import TrackingService

router = APIRouter(prefix="/runs/{run_id}", tags=["artifacts"], route_class=StrictJSONRoute)

CHUNK = 1024 * 1024


@router.put(
    "/artifacts/{path:path}", response_model=ArtifactInfo, status_code=201, dependencies=[Depends(EDIT_RUN)]
)
async def upload_artifact(run_id: str, path: str, request: Request, tracking: Tracking) -> Response:
    """Store the request body as one artifact, streamed into the blob store as it arrives.

    The service checks the path and that the run may be written, in one transaction, before it reads
    the first byte of the body."""
    stored = await consume(request, lambda body: tracking.log_artifact_stream(run_id, body, path))
    return stored if isinstance(stored, Response) else json_of(stored, status_code=201)


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
    try:
        span = byte_range(range_header, size)
    except RangeError as error:
        return error_response(416, "RANGE_NOT_SATISFIABLE", str(error), {"content-range": f"bytes */{size}"})
    start, end = span or (0, size)
    headers = {
        "accept-ranges": "bytes",
        "content-length": str(end - start),
        "content-disposition": content_disposition(PurePosixPath(info.path).name),
    }
    status = 200
    if span is not None:
        status = 206
        headers["content-range"] = f"bytes {start}-{end - 1}/{size}"
    media_type = mimetypes.guess_type(info.path)[0] or "application/octet-stream"
    body = _read(tracking, run_id, info.path, start, end)
    return StreamingResponse(body, status_code=status, media_type=media_type, headers=headers)


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
