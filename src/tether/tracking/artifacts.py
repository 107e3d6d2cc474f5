"""Files attached to runs, kept in the blob store under ``runs/<run_id>/artifacts/``.

Every artifact path passes ``safe_key`` before it reaches the store; files are streamed both ways.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from tether.errors import InvalidInput, NotFound
from tether.storage.blobs import BlobStore
from tether.storage.paths import join_key, safe_key
from tether.tracking.schemas import ArtifactInfo


def artifact_root(run_id: str) -> str:
    return f"runs/{run_id}/artifacts"


class RunArtifacts:
    """Artifact operations on one blob store; run existence is the service's concern."""

    def __init__(self, blobs: BlobStore) -> None:
        self.blobs = blobs

    def _key(self, run_id: str, path: str, *, allow_root: bool = False) -> str:
        return join_key(artifact_root(run_id), safe_key(path, allow_root=allow_root))

    def log_file(
        self, run_id: str, local_path: str | os.PathLike[str], artifact_path: str | None = None
    ) -> str:
        """Store one local file under ``artifact_path/<file name>``; returns its artifact path."""
        source = Path(local_path)
        if not source.is_file():
            raise InvalidInput(f"not a file: {source}")
        target = safe_key(join_key(artifact_path or "", source.name))
        self.blobs.put_file(source, join_key(artifact_root(run_id), target))
        return target

    def log_dir(
        self, run_id: str, local_dir: str | os.PathLike[str], artifact_path: str | None = None
    ) -> list[str]:
        """Store every file below ``local_dir``, keeping the tree under ``artifact_path``."""
        source = Path(local_dir)
        if not source.is_dir():
            raise InvalidInput(f"not a directory: {source}")
        stored = []
        for file in sorted(p for p in source.rglob("*") if p.is_file()):
            relative = file.relative_to(source).as_posix()
            target = safe_key(join_key(artifact_path or "", relative))
            self.blobs.put_file(file, join_key(artifact_root(run_id), target))
            stored.append(target)
        return stored

    def log_stream(self, run_id: str, stream: IO[bytes], artifact_path: str) -> int:
        """Store a binary stream as one artifact; returns the number of bytes written."""
        return self.blobs.put_stream(stream, self._key(run_id, artifact_path))

    def list(self, run_id: str, path: str = "", *, recursive: bool = False) -> list[ArtifactInfo]:
        """The children of ``path`` (the root when empty), or everything below it, with sizes of files."""
        prefix = safe_key(path, allow_root=True)
        entries = self.blobs.list(self._key(run_id, path, allow_root=True), recursive=recursive)
        return [ArtifactInfo(path=join_key(prefix, e.path), is_dir=e.is_dir, size=e.size) for e in entries]

    def info(self, run_id: str, path: str) -> ArtifactInfo:
        """Size and kind of one artifact (a file or a directory)."""
        relative = safe_key(path)
        try:
            found = self.blobs.info(self._key(run_id, relative))
        except NotFound:
            raise NotFound(f"run {run_id} has no artifact {path!r}") from None
        return ArtifactInfo(path=relative, is_dir=found.is_dir, size=found.size)

    @contextlib.contextmanager
    def open(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        key = self._key(run_id, path)
        if self.blobs.is_dir(key):
            raise InvalidInput(f"{path!r} is a directory, not a file")
        if not self.blobs.exists(key):
            raise NotFound(f"run {run_id} has no artifact {path!r}")
        with self.blobs.open(key) as stream:
            yield stream

    def download(self, run_id: str, path: str, destination: str | os.PathLike[str]) -> Path:
        """Copy a file or a whole directory of artifacts into ``destination``; returns the local path."""
        relative = safe_key(path, allow_root=True)
        key = self._key(run_id, relative, allow_root=True)
        out_dir = Path(destination)
        if relative and not self.blobs.is_dir(key):
            if not self.blobs.exists(key):
                raise NotFound(f"run {run_id} has no artifact {path!r}")
            out_dir.mkdir(parents=True, exist_ok=True)
            target = out_dir / Path(relative).name
            self.blobs.get_file(key, target)
            return target
        entries = self.blobs.list(key, recursive=True)
        if relative and not entries:
            raise NotFound(f"run {run_id} has no artifact {path!r}")
        root = out_dir / Path(relative).name if relative else out_dir
        for entry in entries:
            if entry.is_dir:
                continue
            target = root / entry.path
            target.parent.mkdir(parents=True, exist_ok=True)
            self.blobs.get_file(join_key(key, entry.path), target)
        root.mkdir(parents=True, exist_ok=True)
        return root
