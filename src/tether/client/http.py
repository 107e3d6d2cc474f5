"""HTTP transport of the remote backend: connection reuse, bounded retries, and errors mapped back.

Retried: failures to connect (the request never left), and 429/503 answers (the server refused before
doing any work). A request that may have reached the server is retried only when its method is
idempotent, or when it carries an Idempotency-Key (a metric batch: the server applies each key once).
Waits grow exponentially with jitter and honour ``Retry-After``. An error answer becomes the same
TetherError class the server's service raised; no answer at all becomes ``Unreachable`` (the request never
arrived) or ``ConnectionLost`` (it was sent, and may have been carried out).

A path reaches the server as written: ``.`` and ``..`` segments are escaped rather than resolved on this
side (as URL parsers do), so that the server sees, and refuses, a path that tries to climb out of where it
points.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from tether.errors import ERRORS_BY_CODE, InvalidFilter, StorageError, TetherError

RETRY_STATUSES = frozenset({429, 503})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
_DOT_SEGMENTS = {".": "%2E", "..": "%2E%2E"}


class Unreachable(StorageError):
    """The server could not be reached, even after retrying; the request never arrived."""

    code = "UNREACHABLE"


class ConnectionLost(StorageError):
    """The connection broke after the request was sent: the server may or may not have applied it."""

    code = "CONNECTION_LOST"


class HttpTransport:
    def __init__(
        self,
        base_url: str,
        token: str | None = None,
        *,
        timeout_s: float = 60.0,
        patience_s: float = 30.0,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"user-agent": "tether-python"}
        if token:
            headers["authorization"] = f"Bearer {token}"
        self.base_url = base_url.rstrip("/")
        self.patience_s = patience_s
        self._client = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=timeout_s,
            limits=httpx.Limits(max_connections=16, max_keepalive_connections=8),
            transport=transport,
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: str | bytes | None = None,
        patience_s: float | None = None,
        idempotency_key: str | None = None,
    ) -> httpx.Response:
        """Send one request, retrying as the module says; an error answer raises its TetherError.

        An ``idempotency_key`` (sent as the Idempotency-Key header) makes the server apply the request
        once however often it arrives, so it is retried after a lost connection like a PUT.
        """
        headers = {"content-type": "application/json"} if isinstance(body, str) else {}
        if idempotency_key is not None:
            headers["idempotency-key"] = idempotency_key
        path = as_written(path)
        deadline = time.monotonic() + (self.patience_s if patience_s is None else patience_s)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(method, path, params=params, content=body, headers=headers)
            except httpx.TransportError as error:
                if not (idempotency_key or _may_retry(error, method)) or time.monotonic() >= deadline:
                    raise self._failure(error) from error
                _sleep(attempt, None, deadline)
                continue
            if response.status_code in RETRY_STATUSES and time.monotonic() < deadline:
                _sleep(attempt, response.headers.get("retry-after"), deadline)
                continue
            if response.status_code >= 400:
                raise error_from(response)
            return response

    @contextmanager
    def stream(
        self, method: str, path: str, *, headers: Mapping[str, str] | None = None
    ) -> Iterator[httpx.Response]:
        """A response whose body is read as it arrives; error answers raise before the body is used."""
        try:
            with self._client.stream(method, as_written(path), headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from(response)
                yield response
        except httpx.TransportError as error:
            raise self._failure(error) from error

    def upload(self, path: str, content: Any) -> httpx.Response:
        """PUT a streamed body (an iterator of bytes); not retried, as the stream cannot be replayed."""
        try:
            response = self._client.put(
                as_written(path), content=content, headers={"content-type": "application/octet-stream"}
            )
        except httpx.TransportError as error:
            raise self._failure(error) from error
        if response.status_code >= 400:
            raise error_from(response)
        return response

    def _failure(self, error: httpx.TransportError) -> StorageError:
        if _never_sent(error):
            return Unreachable(f"cannot reach the tether server at {self.base_url}: {error}")
        return ConnectionLost(
            f"the connection to the tether server at {self.base_url} broke during the request, which it "
            f"may or may not have carried out: {str(error) or type(error).__name__}"
        )

    def close(self) -> None:
        self._client.close()


def as_written(path: str) -> str:
    """``path`` with its ``.`` and ``..`` segments percent-encoded, so that no URL parser resolves them."""
    segments = path.split("/")
    if "." not in segments and ".." not in segments:
        return path
    return "/".join(_DOT_SEGMENTS.get(segment, segment) for segment in segments)


def error_from(response: httpx.Response) -> TetherError:
    """The TetherError an error answer stands for; unknown shapes become a generic one with the status."""
    try:
        detail = response.json()["error"]
        code, message = str(detail["code"]), str(detail["message"])
    except (ValueError, KeyError, TypeError):
        return TetherError(f"the server answered {response.status_code}: {response.text[:200]}")
    cls = ERRORS_BY_CODE.get(code)
    if cls is None:
        return TetherError(f"{message} ({code}, HTTP {response.status_code})")
    error = cls(message)
    if isinstance(error, InvalidFilter):
        error.text = str(detail.get("text", ""))
        error.position = int(detail.get("position", -1))
    return error


def _never_sent(error: httpx.TransportError) -> bool:
    return isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def _may_retry(error: httpx.TransportError, method: str) -> bool:
    return _never_sent(error) or method in IDEMPOTENT


def _sleep(attempt: int, retry_after: str | None, deadline: float) -> None:
    delay = min(5.0, 0.1 * 2 ** (attempt - 1)) * (0.5 + random.random())
    if retry_after and retry_after.replace(".", "", 1).isdigit():
        delay = max(delay, float(retry_after))
    time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
