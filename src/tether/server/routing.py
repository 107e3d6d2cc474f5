"""The route class every API router uses: request bodies parsed by pydantic's strict JSON parser.

Python's ``json`` module turns ``"\\ud800"`` into a lone surrogate, a string no database driver can
encode, so it would fail deep in storage as a 5xx. pydantic's parser refuses such text (and is faster),
so a bad body is a 400 before any route code runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from pydantic_core import from_json


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            try:
                self._json = from_json(body)
            except ValueError as error:
                raise json.JSONDecodeError(str(error), "", 0) from None
        return self._json


class StrictJSONRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict
