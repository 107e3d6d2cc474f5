"""Run artifacts over HTTP: streamed uploads and downloads (with byte ranges), and listings.

Paths arrive already percent-decoded by the HTTP server; the service passes every one through the blob
store's single path-safety check, so an encoded ``..`` is refused like a plain one. An upload streams
from the request straight into the blob store (which writes under a temporary name and renames it into
place), so it takes no space anywhere else and a client that disconnects leaves nothing behind.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import IO, Annotated, cast

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi.responses import StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from tether.errors import InvalidInput
from tether.server.access import EDIT_RUN, READ_RUN
from tether.server.bodies import BodyInterrupted, BodyReader
from tether.server.deps import Tracking
from tether.server.errors import error_response
from tether.server.headers import RangeError, byte_range, content_disposition
from tether.server.responses import json_of, json_of_value
from tether.tracking.previews import MAX_PREVIEW_ROWS
from tether.tracking.schemas import ArtifactInfo, TablePreview
from tether.tracking.service import TrackingService

router = APIRouter(prefix="/runs/{run_id}", tags=["artifacts"])

CHUNK = 1024 * 1024


@router.get("/artifact-info", response_model=ArtifactInfo, dependencies=[Depends(READ_RUN)])
def artifact_info(run_id: str, path: Annotated[str, Query(max_length=1024)], tracking: Tracking) -> Response:
    return json_of(tracking.artifact_info(run_id, path))


@router.get("/artifact-preview", response_model=TablePreview, dependencies=[Depends(READ_RUN)])
def preview_artifact(
    run_id: str,
    path: Annotated[str, Query(max_length=1024)],
    tracking: Tracking,
    max_rows: Annotated[int, Query(ge=1, le=MAX_PREVIEW_ROWS)] = 100,
) -> Response:
    """The first rows of a CSV, TSV or Parquet artifact as a table."""
    return json_of(tracking.preview_artifact(run_id, path, max_rows))


@router.get("/artifacts", response_model=list[ArtifactInfo], dependencies=[Depends(READ_RUN)])
def list_artifacts(
    run_id: str,
    tracking: Tracking,
    path: Annotated[str, Query(max_length=1024)] = "",
    recursive: bool = False,
) -> Response:
    return json_of_value(tracking.list_artifacts(run_id, path, recursive), list[ArtifactInfo])


@router.put(
    "/artifacts/{path:path}", response_model=ArtifactInfo, status_code=201, dependencies=[Depends(EDIT_RUN)]
)
async def upload_artifact(run_id: str, path: str, request: Request, tracking: Tracking) -> Response:
    """Store the request body as one artifact, streamed into the blob store as it arrives."""
    checked = await run_in_threadpool(tracking.check_artifact_upload, run_id, path)
    body = BodyReader(request)
    try:
        size = await run_in_threadpool(tracking.log_artifact_stream, run_id, cast(IO[bytes], body), checked)
    except BodyInterrupted:
        error = body.error
        if error is None or isinstance(error, ClientDisconnect):
            return error_response(400, "INVALID_INPUT", "the client disconnected before the body ended")
        raise error from None  # the size limit's 413, answered by its own handler
    finally:
        await body.aclose()
    return json_of(ArtifactInfo(path=checked, is_dir=False, size=size), status_code=201)


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
