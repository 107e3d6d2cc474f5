"""Mount a domain's endpoint declarations as FastAPI routes, bound to that domain's service.

Each route's function is built from its declaration: the path's parameters (typed from the service
method's annotations), the query model, the body model, the Idempotency-Key header, and the access
requirement as a dependency. FastAPI documents all of it in the OpenAPI document, so the API reads the
same as hand-written routes. The function calls the service method with the request's values plus the
ones the server fills from the caller, and serialises the answer with pydantic.
"""

from __future__ import annotations

import functools
import inspect
import operator
from collections.abc import Callable, Mapping
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

from fastapi import APIRouter, Depends, FastAPI, Header, Query, Response
from pydantic import BaseModel, SecretStr, TypeAdapter

from tether.auth.guard import Guard
from tether.endpoints import CallerValue, Domain, Endpoint
from tether.errors import ConfigError
from tether.server.access import Requirement
from tether.server.credentials import Caller
from tether.server.responses import ModelResponse
from tether.server.routing import StrictJSONRoute

_CALLER, _QUERY, _BODY, _KEY = "caller_", "query_", "body_", "idempotency_key_"

IDEMPOTENCY_HEADER = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        pattern=r"^[0-9a-f]{32}$",
        description="32 hex digits from the client: a request sent again with this key is applied once.",
    ),
]

CallerRule = Callable[[Caller, Guard, Mapping[str, Any], str], Any]
"""How to fill one parameter: from the caller, the guard, the request's other arguments and the parameter's
own name (whose sent value, if any, is ``arguments[name]``)."""


def _own_username(caller: Caller, guard: Guard, arguments: Mapping[str, Any], name: str) -> Any:
    return caller.signed_in().username


def _model_level(caller: Caller, guard: Guard, arguments: Mapping[str, Any], name: str) -> Any:
    return None if caller.user is None else guard.model_level(caller.user, arguments["name"])


CALLER_VALUES: Mapping[CallerValue, CallerRule] = {
    "user_id": lambda caller, guard, arguments, name: None if caller.user is None else caller.user.user_id,
    "own_username": _own_username,
    "username_or_given": lambda caller, guard, arguments, name: (
        arguments.get(name) if caller.user is None else caller.user.username
    ),
    "username_unless_admin": lambda caller, guard, arguments, name: (
        None if caller.user is None or caller.is_admin else caller.user.username
    ),
    "readable": lambda caller, guard, arguments, name: (
        None if caller.user is None else guard.readable_experiments(caller.user)
    ),
    "readable_models": lambda caller, guard, arguments, name: (
        None if caller.user is None else guard.readable_models(caller.user)
    ),
    "model_level": _model_level,
}


def mount(app: FastAPI, domain: Domain, service: object, guard: Guard, prefix: str) -> None:
    """Add every endpoint of ``domain`` to ``app`` under ``prefix``, calling ``service``."""
    router = APIRouter(prefix=prefix, route_class=StrictJSONRoute)
    for endpoint in domain.endpoints:
        method = getattr(service, endpoint.call)
        router.add_api_route(
            endpoint.path,
            _route_function(endpoint, method, guard),
            methods=[endpoint.method],
            response_model=endpoint.response,
            status_code=endpoint.success_status,
            tags=[endpoint.tag] if endpoint.tag else None,
            name=endpoint.call,
            description=inspect.getdoc(method) or "",
        )
    app.include_router(router)


def _route_function(endpoint: Endpoint, method: Callable[..., Any], guard: Guard) -> Callable[..., Response]:
    hints = get_type_hints(method, include_extras=True)
    parameters = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=hints.get(name, str))
        for name in endpoint.path_params
    ]
    parameters.append(
        _parameter(_CALLER, Annotated[Caller, Depends(Requirement(endpoint.access, endpoint.body))])
    )
    if endpoint.query is not None:
        parameters.append(_parameter(_QUERY, Annotated[endpoint.query, Query()]))
    if endpoint.body is not None:
        parameters.append(_parameter(_BODY, endpoint.body))
    if endpoint.idempotency is not None:
        parameters.append(_parameter(_KEY, IDEMPOTENCY_HEADER, None))
    clash = {p.name for p in parameters[: len(endpoint.path_params)]} & {_CALLER, _QUERY, _BODY, _KEY}
    if clash:
        raise ConfigError(f"{endpoint}: path parameters {sorted(clash)} clash with the route's own names")
    answer = TypeAdapter(endpoint.response) if endpoint.response is not None else None

    def route(**values: Any) -> Response:
        caller: Caller = values.pop(_CALLER)
        arguments = {name: values[name] for name in endpoint.path_params}
        for key in (_QUERY, _BODY):
            if key in values:
                arguments.update(_fields(values[key]))
        if endpoint.idempotency is not None:
            arguments[endpoint.idempotency] = values[_KEY]
        for name, rule in endpoint.caller.items():
            arguments[name] = CALLER_VALUES[rule](caller, guard, arguments, name)
        result = method(**arguments)
        if answer is None:
            return Response(status_code=endpoint.success_status)
        if endpoint.envelope is not None:
            result = endpoint.response(**{endpoint.envelope: result})
        return ModelResponse(answer.dump_json(result), status_code=endpoint.success_status)

    route.__name__ = endpoint.call
    route.__doc__ = inspect.getdoc(method)
    route.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    return route


def _parameter(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, annotation=annotation, default=default)


def _present(annotation: Any) -> Any:
    """A path parameter is always there: ``str | None`` in the service's signature is ``str`` in a path."""
    if get_origin(annotation) in (Union, UnionType):
        kept = [a for a in get_args(annotation) if a is not type(None)]
        return functools.reduce(operator.or_, kept)
    return annotation


def _fields(model: BaseModel) -> dict[str, Any]:
    """A shape's fields as service arguments: by field name, secrets revealed, nested shapes kept."""
    values = {name: getattr(model, name) for name in type(model).model_fields}
    return {k: v.get_secret_value() if isinstance(v, SecretStr) else v for k, v in values.items()}
