"""HTTP transport of the remote backend: connection reuse, bounded retries, and errors mapped back.

Retried: failures to connect (the request never left), and 429/503 answers (the server refused before
doing any work). A request that may have reached the server is retried only when its method is
idempotent. Waits grow exponentially with jitter and honour ``Retry-After``. An error answer becomes the
same TetherError class the server's service raised.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import httpx

from tether.errors import ERRORS_BY_CODE, StorageError, TetherError

RETRY_STATUSES = frozenset({429, 503})
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


class Unreachable(StorageError):
    """The server could not be reached, even after retrying."""

    code = "UNREACHABLE"


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
    ) -> httpx.Response:
        """Send one request, retrying as the module says; an error answer raises its TetherError."""
        headers = {"content-type": "application/json"} if isinstance(body, str) else None
        deadline = time.monotonic() + (self.patience_s if patience_s is None else patience_s)
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._client.request(method, path, params=params, content=body, headers=headers)
            except httpx.TransportError as error:
                if not _may_retry(error, method) or time.monotonic() >= deadline:
                    raise Unreachable(
                        f"cannot reach the tether server at {self.base_url}: {error}"
                    ) from error
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
            with self._client.stream(method, path, headers=headers) as response:
                if response.status_code >= 400:
                    response.read()
                    raise error_from(response)
                yield response
        except httpx.TransportError as error:
            raise self._unreachable(error) from error

    def upload(self, path: str, content: Any) -> httpx.Response:
        """PUT a streamed body (an iterator of bytes); not retried, as the stream cannot be replayed."""
        try:
            response = self._client.put(
                path, content=content, headers={"content-type": "application/octet-stream"}
            )
        except httpx.TransportError as error:
            raise Unreachable(f"cannot reach the tether server at {self.base_url}: {error}") from error
        if response.status_code >= 400:
            raise error_from(response)
        return response

    def _unreachable(self, error: Exception) -> Unreachable:
        return Unreachable(f"cannot reach the tether server at {self.base_url}: {error}")

    def close(self) -> None:
        self._client.close()


def error_from(response: httpx.Response) -> TetherError:
    """The TetherError an error answer stands for; unknown shapes become a generic one with the status."""
    try:
        detail = response.json()["error"]
        code, message = str(detail["code"]), str(detail["message"])
    except (ValueError, KeyError, TypeError):
        return TetherError(f"the server answered {response.status_code}: {response.text[:200]}")
    cls = ERRORS_BY_CODE.get(code)
    return (
        cls(message) if cls is not None else TetherError(f"{message} ({code}, HTTP {response.status_code})")
    )


def _may_retry(error: httpx.TransportError, method: str) -> bool:
    never_sent = isinstance(error, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    return never_sent or method in IDEMPOTENT


def _sleep(attempt: int, retry_after: str | None, deadline: float) -> None:
    delay = min(5.0, 0.1 * 2 ** (attempt - 1)) * (0.5 + random.random())
    if retry_after and retry_after.replace(".", "", 1).isdigit():
        delay = max(delay, float(retry_after))
    time.sleep(max(0.0, min(delay, deadline - time.monotonic())))
