"""The generic remote proxy: a domain's endpoint declarations, turned into Python methods over HTTP.

Each method binds its arguments as the service method would (positions and names, see
``tether.endpoints``), checks them against the same shapes the server checks, sends one request, and
reads the answer back into the declared type. Errors arrive as the TetherError classes the server raised.
Imports only declarations, shapes and the transport: never a service or storage.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from pydantic import BaseModel, TypeAdapter, ValidationError

from tether.client.http import HttpTransport
from tether.endpoints import Domain, Endpoint
from tether.errors import InvalidInput
from tether.schemas import describe_errors

API = "/api/v1"


def segment(value: object) -> str:
    """One URL path segment, with every reserved character escaped."""
    return quote(str(value), safe="")


class RemoteCall:
    """One service method: picks the first of its endpoints that can carry the given arguments."""

    def __init__(self, name: str, endpoints: tuple[Endpoint, ...], http: HttpTransport) -> None:
        self.name = name
        self.http = http
        self.endpoints = endpoints
        self.parameters = max((tuple(e.sources) for e in endpoints), key=len)
        self.server_side = {p for e in endpoints for p in e.caller if p not in self.parameters}

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        values = self._bind(args, kwargs)
        endpoint = next(
            (e for e in self.endpoints if set(e.path_params) <= values.keys() <= e.sources.keys()), None
        )
        if endpoint is None:
            raise InvalidInput(f"{self.name}() cannot be sent with the arguments {sorted(values)}")
        path = endpoint.path.format(**{p: segment(values.pop(p)) for p in endpoint.path_params})
        key = None
        if endpoint.idempotency is not None:
            key = values.pop(endpoint.idempotency, None) or uuid.uuid4().hex
        query = body = None
        if endpoint.query is not None:
            query = _shape(endpoint.query, values).model_dump(mode="json", by_alias=True, exclude_none=True)
        if endpoint.body is not None:
            body = _shape(endpoint.body, values).model_dump_json(by_alias=True, exclude_none=True)
        response = self.http.request(
            endpoint.method, API + path, params=query, body=body, idempotency_key=key
        )
        if endpoint.response is None:
            return None
        answer = _adapter(endpoint.response).validate_json(response.content)
        return getattr(answer, endpoint.envelope) if endpoint.envelope else answer

    def _bind(self, args: tuple[Any, ...], kwargs: Mapping[str, Any]) -> dict[str, Any]:
        """Arguments by parameter name, the way Python would bind them; None means not given."""
        if len(args) > len(self.parameters):
            raise TypeError(f"{self.name}() takes {len(self.parameters)} arguments, {len(args)} were given")
        values = dict(zip(self.parameters, args, strict=False))
        for name, value in kwargs.items():
            if name in self.server_side:
                raise InvalidInput(
                    f"{self.name}(): {name} is decided by the server, from the signed-in caller"
                )
            if name not in self.parameters:
                raise TypeError(f"{self.name}() got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{self.name}() got multiple values for argument {name!r}")
            values[name] = value
        return {name: value for name, value in values.items() if value is not None}

    def __repr__(self) -> str:
        return f"<remote {self.name}: {', '.join(str(e) for e in self.endpoints)}>"


@functools.cache
def _adapter(annotation: Any) -> TypeAdapter[Any]:
    """One reader per answer type, built on first use and shared by every connection."""
    return TypeAdapter(annotation)


def _shape(model: type[BaseModel], values: dict[str, Any]) -> BaseModel:
    """The arguments the model carries, checked by it (a bad argument fails here, before any request)."""
    fields = {name: values[name] for name in model.model_fields if name in values}
    data = {model.model_fields[name].alias or name: value for name, value in fields.items()}
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidInput(describe_errors(error.errors(include_url=False))) from None


class RemoteDomain:
    """Every declared method of one domain, sent to a server; subclasses add hand-written streaming ones."""

    def __init__(self, domain: Domain, http: HttpTransport) -> None:
        self.http = http
        self._domain = domain
        for name, endpoints in domain.calls().items():
            setattr(self, name, RemoteCall(name, endpoints, http))

    def __getattr__(self, name: str) -> Any:
        """Only called for names that are not there: say why, rather than a bare AttributeError."""
        if name.startswith("_"):
            raise AttributeError(name)
        if name in (*self._domain.scopes.values(), *self._domain.model_scopes.values()):
            raise AttributeError(f"{name} is for the server's permission checks; a client cannot call it")
        if name in self._domain.internal:
            raise AttributeError(f"{name} runs inside the server's own transactions; a client cannot call it")
        raise AttributeError(f"the {self._domain.name} API of a tether server has no {name!r}")

    def __repr__(self) -> str:
        return f"Remote{self._domain.name.capitalize()}({self.http.base_url!r})"
