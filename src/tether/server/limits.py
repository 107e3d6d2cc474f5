"""Request size limits, enforced while the body streams in, before anything parses it."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tether.config import Quotas
from tether.server.errors import error_response

_DATA_OBJECT = "/api/v1/data/objects/"
"""One data object streamed alone (``PUT /api/v1/data/objects/{digest}``): an upload, like an artifact."""


@dataclass(frozen=True)
class RequestLimits:
    max_body_bytes: int = 32 * 1024 * 1024
    """JSON requests; a batch of 100,000 metric points takes about 5 MB."""
    max_artifact_bytes: int = 64 * 1024**3
    """One uploaded artifact file (or data object sent alone); a declared Content-Length over it is refused
    before any body is read."""

    @classmethod
    def of(cls, quotas: Quotas) -> RequestLimits:
        """The limits that go with a store's quotas (no artifact limit: none at the HTTP level either)."""
        return cls(max_artifact_bytes=quotas.max_artifact_bytes or sys.maxsize)


class BodyLimit:
    """Answer 413 when a body is, or turns out to be, larger than its route allows."""

    def __init__(self, app: ASGIApp, limits: RequestLimits) -> None:
        self.app = app
        self.limits = limits

    def _limit_for(self, scope: Scope) -> int:
        path = scope["path"]
        is_upload = scope["method"] == "PUT" and ("/artifacts/" in path or path.startswith(_DATA_OBJECT))
        return self.limits.max_artifact_bytes if is_upload else self.limits.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self._limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            response = error_response(413, "TOO_LARGE", f"the request body is over the {limit}-byte limit")
            await response(scope, receive, send)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise HTTPException(413, f"the request body is over the {limit}-byte limit")
            return message

        await self.app(scope, counted, send)
