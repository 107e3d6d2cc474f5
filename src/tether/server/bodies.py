"""A request body read as a blocking stream by code in a worker thread, one chunk at a time.

The blob store is synchronous; an upload runs it in a worker thread that pulls each chunk from the event
loop as it needs the next one. Nothing is buffered beyond the chunk in hand, so the client is slowed down
(by TCP) rather than the body piling up in memory or on disk.
"""

from __future__ import annotations

import io
from collections.abc import AsyncGenerator, Callable
from typing import IO, TypeVar, cast

import anyio.from_thread
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from tether.errors import TetherError
from tether.server.errors import error_response

T = TypeVar("T")


class BodyInterrupted(TetherError):
    """Reading the request body failed (the client went away, or the body passed its size limit);
    ``BodyReader.error`` holds the reason, to be answered by the route."""


class BodyReader(io.RawIOBase):
    """``request``'s body as a readable binary stream, for use from a worker thread only."""

    def __init__(self, request: Request) -> None:
        super().__init__()
        self._chunks: AsyncGenerator[bytes, None] = request.stream()
        self._pending = memoryview(b"")
        self._ended = False
        self.error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview | bytearray) -> int:  # type: ignore[override]
        if not self._pending and not self._ended:
            self._pending = memoryview(self._next())
        count = min(len(buffer), len(self._pending))
        buffer[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def _next(self) -> bytes:
        try:
            chunk = anyio.from_thread.run(self._receive)
        except Exception as error:
            self.error = error
            raise BodyInterrupted("the request body ended early") from None
        self._ended = not chunk
        return chunk

    async def _receive(self) -> bytes:
        try:
            return await self._chunks.__anext__()
        except StopAsyncIteration:
            return b""

    async def aclose(self) -> None:
        """Let go of the body stream (from the event loop, once the worker is done)."""
        await self._chunks.aclose()


async def consume(request: Request, work: Callable[[IO[bytes]], T]) -> T | Response:
    """Run ``work`` on the request body as a stream, in a worker thread. A client that went away gets a
    400 answer back instead of a result; a body over its size limit raises the limit's 413."""
    body = BodyReader(request)
    try:
        return await run_in_threadpool(work, cast("IO[bytes]", body))
    except BodyInterrupted:
        error = body.error
        if error is None or isinstance(error, ClientDisconnect):
            return error_response(400, "INVALID_INPUT", "the client disconnected before the body ended")
        raise error from None  # the size limit's 413, answered by its own handler
    finally:
        await body.aclose()
