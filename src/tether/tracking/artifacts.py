"""Files attached to runs, kept in the blob store under ``runs/<run_id>/artifacts/``.

Part of ``TrackingService`` (see service.py). Every artifact path passes ``safe_key`` before it reaches the
store, and files are streamed both ways. Copying local files and folders in and out is the SDK's work
(``tether.sdk.artifacts``), on top of these primitives, the same way in process and through a server.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import IO, cast

from tether.config import Quotas
from tether.errors import InvalidInput, NotFound
from tether.storage.blobs import BlobStore
from tether.storage.db import Database
from tether.storage.paths import join_key, safe_key
from tether.tracking import quotas, rows, usage
from tether.tracking.previews import preview_table, table_format
from tether.tracking.schemas import ArtifactInfo, TablePreview


def artifact_root(run_id: str) -> str:
    return f"runs/{run_id}/artifacts"


class Artifacts:
    db: Database
    blobs: BlobStore
    quotas: Quotas

    def log_artifact_stream(self, run_id: str, stream: IO[bytes], artifact_path: str) -> ArtifactInfo:
        """Store a binary stream as one artifact; returns its canonical path and size.

        The path, the run and the quotas are checked before the stream is first read, so a server refuses
        an upload before any of its body arrives; one that passes a quota while it streams stops there
        (TooLarge) and leaves nothing stored."""
        relative = safe_key(artifact_path)
        with self.db.read() as conn:
            experiment_id = rows.writable_run(conn, run_id).experiment_id
            limit, reason = quotas.upload_allowance(self.quotas, conn, run_id, experiment_id, relative)
        if limit is not None:
            stream = cast("IO[bytes]", quotas.Allowance(stream, limit, reason))
        size = self.blobs.put_stream(stream, join_key(artifact_root(run_id), relative))
        with self.db.write() as conn:
            usage.record_artifact(conn, run_id, experiment_id, relative, size)
        return ArtifactInfo(path=relative, is_dir=False, size=size)

    def list_artifacts(self, run_id: str, path: str = "", recursive: bool = False) -> list[ArtifactInfo]:
        """The children of ``path`` (the root when empty), or everything below it, with sizes of files."""
        prefix = safe_key(path, allow_root=True)
        self._check_readable(run_id)
        entries = self.blobs.list(self._key(run_id, prefix, allow_root=True), recursive=recursive)
        return [ArtifactInfo(path=join_key(prefix, e.path), is_dir=e.is_dir, size=e.size) for e in entries]

    def artifact_info(self, run_id: str, path: str) -> ArtifactInfo:
        """Size and kind of one artifact (a file or a directory)."""
        relative = safe_key(path)
        self._check_readable(run_id)
        try:
            found = self.blobs.info(self._key(run_id, relative))
        except NotFound:
            raise NotFound(f"run {run_id} has no artifact {path!r}") from None
        return ArtifactInfo(path=relative, is_dir=found.is_dir, size=found.size)

    @contextlib.contextmanager
    def open_artifact(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        """A binary stream of one artifact file."""
        key = self._key(run_id, path)
        self._check_readable(run_id)
        if self.blobs.is_dir(key):
            raise InvalidInput(f"{path!r} is a directory, not a file")
        if not self.blobs.exists(key):
            raise NotFound(f"run {run_id} has no artifact {path!r}")
        with self.blobs.open(key) as stream:
            yield stream

    def preview_artifact(self, run_id: str, path: str, max_rows: int = 100) -> TablePreview:
        """The first rows of a tabular artifact, read without fetching the whole file."""
        table_format(path)
        with self.open_artifact(run_id, path) as stream:
            return preview_table(stream, path, max_rows)

    def local_artifact_dir(self, run_id: str, path: str) -> str | None:
        """The folder on local disk that holds artifact directory ``path``, when the blob store is local
        disk (None otherwise), so a reader in this process can use the files where they lie instead of
        copying them; it must still refuse symbolic links itself."""
        key = self._key(run_id, path)
        self._check_readable(run_id)
        if not self.blobs.local or not self.blobs.is_dir(key):
            return None
        return self.blobs.local_path(key)

    def _key(self, run_id: str, path: str, *, allow_root: bool = False) -> str:
        return join_key(artifact_root(run_id), safe_key(path, allow_root=allow_root))

    def _check_readable(self, run_id: str) -> None:
        with self.db.read() as conn:
            rows.run_row(conn, run_id)

    def _check_writable(self, run_id: str) -> None:
        with self.db.read() as conn:
            rows.writable_run(conn, run_id)
