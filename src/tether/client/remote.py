"""The remote backend: each domain's service interface, answered by a ``tether server`` over HTTP.

The methods come from the domains' endpoint declarations (``proxy.RemoteDomain``); artifact uploads and
downloads, which stream, and data packs, whose bodies are bytes, are written here by hand. Imports
declarations, shapes and the transport, never services or storage, so it behaves exactly like a
third-party client of the REST API.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import IO, TYPE_CHECKING, Any, cast

from tether.auth.routes import DOMAIN as AUTH
from tether.client.http import HttpTransport
from tether.client.proxy import API, RemoteDomain, segment
from tether.data.routes import DOMAIN as DATA
from tether.data.schemas import MissingQuery, PackStored, encode_pack
from tether.deployments.routes import DOMAIN as DEPLOYMENTS
from tether.lineage.routes import DOMAIN as LINEAGE
from tether.monitoring.routes import DOMAIN as MONITORING
from tether.registry.routes import DOMAIN as REGISTRY
from tether.tracking.routes import DOMAIN as TRACKING
from tether.tracking.schemas import ArtifactInfo

if TYPE_CHECKING:
    from tether.client.backend import (
        AuthAPI,
        DataAPI,
        DeploymentsAPI,
        LineageAPI,
        MonitoringAPI,
        RegistryAPI,
        TrackingAPI,
    )

CHUNK = 1024 * 1024
ALONE = 8 * 1024 * 1024
"""A data object over this many bytes travels alone, not in a pack (whose size the server bounds)."""


class RemoteTracking(RemoteDomain):
    """Tracking over HTTP: the declared methods, plus streamed artifact uploads and downloads."""

    def log_artifact_stream(self, run_id: str, stream: IO[bytes], artifact_path: str) -> ArtifactInfo:
        """Send the stream as the request body, a chunk at a time; returns the stored path and size."""
        response = self.http.upload(self._artifact_url(run_id, artifact_path), _chunks(stream))
        return ArtifactInfo.model_validate_json(response.content)

    @contextmanager
    def open_artifact(self, run_id: str, path: str) -> Iterator[IO[bytes]]:
        with self.http.stream("GET", self._artifact_url(run_id, path)) as response:
            yield cast("IO[bytes]", _ResponseReader(response.iter_raw(CHUNK)))

    def _artifact_url(self, run_id: str, path: str) -> str:
        encoded = "/".join(segment(part) for part in path.split("/"))
        return f"{API}/runs/{segment(run_id)}/artifacts/{encoded}"


class RemoteData(RemoteDomain):
    """The data domain over HTTP: the declared methods, plus packs of objects in and out as bytes."""

    def put_pack(self, body: bytes) -> int:
        """Send a pack (a PUT: storing the same objects again changes nothing, so it may be retried)."""
        response = self.http.request("PUT", f"{API}/data/objects", body=body)
        return PackStored.model_validate_json(response.content).stored

    def put_objects(self, objects: Sequence[tuple[str, bytes]], *, checked: bool = False) -> int:
        """Send the objects as one pack, and any over ``ALONE`` bytes on its own (the server checks every
        one, whatever ``checked`` says)."""
        packed = [(name, data) for name, data in objects if len(data) <= ALONE]
        alone = [(name, data) for name, data in objects if len(data) > ALONE]
        stored = sum(self.put_object(name, io.BytesIO(data)) for name, data in alone)
        return stored + (self.put_pack(encode_pack(packed)) if packed else 0)

    def put_object(self, name: str, stream: IO[bytes]) -> int:
        """Stream one object alone; 1 when it was new, else 0."""
        response = self.http.upload(f"{API}/data/objects/{segment(name)}", _chunks(stream))
        return PackStored.model_validate_json(response.content).stored

    def fetch_pack(self, digests: Sequence[str]) -> bytes:
        body = MissingQuery(digests=list(digests)).model_dump_json()
        return self.http.request("POST", f"{API}/data/objects/fetch", body=body).content


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


class _ResponseReader:
    """A file-like ``read`` over the chunks of a streamed HTTP response.

    A read of at least the next chunk's size gets that chunk itself, uncopied, so copying a download to a
    file in ``CHUNK``-sized reads moves each byte once.
    """

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._buffer = bytearray()

    def read(self, size: int = -1) -> bytes:
        if not self._buffer and size >= CHUNK:
            return next(self._chunks, b"")
        while size < 0 or len(self._buffer) < size:
            try:
                self._buffer += next(self._chunks)
            except StopIteration:
                break
        if size < 0 or size >= len(self._buffer):
            data = bytes(self._buffer)
            self._buffer.clear()
            return data
        data = bytes(self._buffer[:size])
        del self._buffer[:size]
        return data


class RemoteBackend:
    """A connection to a tether server at ``uri`` (``http://host:port``)."""

    remote = True

    def __init__(
        self, uri: str, token: str | None = None, *, patience_s: float = 30.0, transport: Any = None
    ) -> None:
        self.http = HttpTransport(uri, token, patience_s=patience_s, transport=transport)
        self.tracking = cast("TrackingAPI", RemoteTracking(TRACKING, self.http))
        self.auth = cast("AuthAPI", RemoteDomain(AUTH, self.http))
        self.monitoring = cast("MonitoringAPI", RemoteDomain(MONITORING, self.http))
        self.lineage = cast("LineageAPI", RemoteDomain(LINEAGE, self.http))
        self.registry = cast("RegistryAPI", RemoteDomain(REGISTRY, self.http))
        self.deployments = cast("DeploymentsAPI", RemoteDomain(DEPLOYMENTS, self.http))
        self.data = cast("DataAPI", RemoteData(DATA, self.http))

    def close(self) -> None:
        self.http.close()

    def __repr__(self) -> str:
        return f"RemoteBackend({self.http.base_url!r})"
