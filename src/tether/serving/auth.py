"""Bearer-token authentication for the model server, with the tether server's tokens and permissions.

A caller sends ``Authorization: Bearer <token>``, a token made by ``tether tokens create``. The model server
asks the tether server whether that token may read the model it serves (the same READ permission that
guards the model in the registry) and remembers the verdict for ``ttl_s`` seconds, so a busy endpoint
checks each caller about once a minute rather than on every request. A revoked token is refused within
that time. Verdicts are kept by a hash of the token, never the token, in a bounded table; when the tether
server cannot be reached nothing is remembered and the request gets a 503, never a pass.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol

from tether.errors import NotFound, PermissionDenied, TetherError, Unauthenticated

MAX_ENTRIES = 10_000


class TokenCheck(Protocol):
    """Asks the tether server about a token; raises Unauthenticated, PermissionDenied or NotFound."""

    def check(self, token: str, uri: str) -> None: ...


class BearerAuth:
    """Who may call a served model, checked against the tether server and remembered for a while."""

    def __init__(
        self,
        check: TokenCheck,
        ttl_s: float = 60.0,
        *,
        max_entries: int = MAX_ENTRIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._check = check
        self.ttl_s = ttl_s
        self._max_entries = max_entries
        self._clock = clock
        self._verdicts: OrderedDict[tuple[bytes, str], tuple[float, TetherError | None]] = OrderedDict()

    async def authorize(self, header: str | None, uri: str) -> None:
        """Return when the request's ``Authorization`` header may read the model at ``uri``."""
        token = _bearer(header)
        key = (hashlib.sha256(token.encode()).digest(), uri)
        now = self._clock()
        kept = self._verdicts.get(key)
        if kept is not None and kept[0] > now:
            self._verdicts.move_to_end(key)
            verdict = kept[1]
        else:
            verdict = await asyncio.to_thread(self._ask, token, uri)
            self._remember(key, now + self.ttl_s, verdict)
        if verdict is not None:
            raise verdict

    def _ask(self, token: str, uri: str) -> TetherError | None:
        """The verdict on ``token``: None when it may read, else the error the caller gets. Any other
        failure (the tether server is away) propagates and is not remembered."""
        try:
            self._check.check(token, uri)
        except Unauthenticated:
            return Unauthenticated("the token is not valid on the tether server (expired or revoked?)")
        except (PermissionDenied, NotFound):
            return PermissionDenied(f"this token may not read {uri}")
        return None

    def _remember(self, key: tuple[bytes, str], until: float, verdict: TetherError | None) -> None:
        self._verdicts[key] = (until, verdict)
        self._verdicts.move_to_end(key)
        while len(self._verdicts) > self._max_entries:
            self._verdicts.popitem(last=False)


def _bearer(header: str | None) -> str:
    scheme, _, token = (header or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated(
            "this model server needs 'Authorization: Bearer <token>' with a token of the tether server "
            "(tether tokens create)"
        )
    return token.strip()
