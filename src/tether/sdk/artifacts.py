"""Copying local files and folders to a run's artifacts and back, over any backend.

These are conveniences on the tracking API's primitives (a stream in, a listing, a stream out), written
once here, so the embedded store and a server behave the same way and neither repeats the folder walk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from tether.errors import InvalidInput, NotFound

if TYPE_CHECKING:
    from tether.client.backend import TrackingAPI

COPY_CHUNK = 1024 * 1024


def upload_file(
    tracking: TrackingAPI, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
) -> str:
    """Store one local file under ``artifact_path/<file name>``; returns its artifact path."""
    source = Path(local_path)
    if not source.is_file():
        raise InvalidInput(f"not a file: {source}")
    with open(source, "rb") as stream:
        return tracking.log_artifact_stream(run_id, stream, _under(artifact_path, source.name)).path


def upload_dir(
    tracking: TrackingAPI, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
) -> list[str]:
    """Store every file below ``local_dir``, keeping the tree under ``artifact_path``."""
    source = Path(local_dir)
    if not source.is_dir():
        raise InvalidInput(f"not a directory: {source}")
    stored = []
    for file in sorted(p for p in source.rglob("*") if p.is_file()):
        target = _under(artifact_path, file.relative_to(source).as_posix())
        with open(file, "rb") as stream:
            stored.append(tracking.log_artifact_stream(run_id, stream, target).path)
    return stored


def download(tracking: TrackingAPI, run_id: str, path: str, destination: str | os.PathLike[str]) -> Path:
    """Copy one artifact file, or a directory of them (the root when ``path`` is empty), into
    ``destination``; returns the local file or folder."""
    out_dir = Path(destination)
    relative = path.rstrip("/")
    if relative and not tracking.artifact_info(run_id, relative).is_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        return _fetch(tracking, run_id, relative, out_dir / PurePosixPath(relative).name)
    entries = tracking.list_artifacts(run_id, relative, recursive=True)
    if relative and not entries:
        raise NotFound(f"run {run_id} has no artifact {path!r}")
    root = out_dir / PurePosixPath(relative).name if relative else out_dir
    for entry in entries:
        if not entry.is_dir:
            inside = entry.path[len(relative) :].lstrip("/") if relative else entry.path
            target = root / inside
            target.parent.mkdir(parents=True, exist_ok=True)
            _fetch(tracking, run_id, entry.path, target)
    root.mkdir(parents=True, exist_ok=True)
    return root


def _fetch(tracking: TrackingAPI, run_id: str, path: str, target: Path) -> Path:
    with tracking.open_artifact(run_id, path) as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out, COPY_CHUNK)
    return target


def _under(artifact_path: str | None, name: str) -> str:
    return f"{artifact_path.strip('/')}/{name}" if artifact_path and artifact_path.strip("/") else name
