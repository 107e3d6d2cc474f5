"""What each route needs, declared on the route itself, and denied by default.

Every route carries exactly one :class:`Requirement` as a dependency, made from the ``Access`` its
declaration names (``tether.endpoints``): public (health, version, login), any signed-in user, admins,
or an experiment permission (READ/EDIT/MANAGE) on the experiments the request names in its path, query
or body. ``require_declared`` walks the app at creation and refuses to build one with a route that
declares nothing, so a new route cannot be left open by forgetting. On a server without ``--auth`` every
requirement is met (the caller has no user), but the declarations stay, so turning authentication on
changes no code path.

The experiment behind an object is found by the scope resolvers of the domains (``Domain.scopes``),
gathered in ``app.state.scopes`` when the app is built; the registered models behind an object governed
by models (a deployment) by ``Domain.model_scopes``, in ``app.state.model_scopes``.

A reference a domain declares shared (``Domain.shared_refs``: a dataset version, ``data:…``) names no
experiment: such objects are open to every signed-in user, so a scope naming one asks only for a signed-in
caller. The prefixes are gathered in ``app.state.shared_refs``.

Order of refusals: no or bad credentials 401, then a run or experiment name that does not exist 404, then
403 (also for an experiment id the caller holds nothing on, so ids reveal nothing to a stranger).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from tether.endpoints import ADMIN, PUBLIC, SIGNED_IN, Access, Scope, ScopeKind, in_path, on
from tether.errors import ConfigError, InvalidInput, PermissionDenied
from tether.refs import InvalidRef, ModelAliasRef, ModelVersionRef, Ref
from tether.server.credentials import SESSION_COOKIE, Caller, identify

Resolvers = Mapping[ScopeKind, Callable[[str], str]]
"""For each kind of object, how to find the id of the experiment that governs one (by its id)."""
ModelResolvers = Mapping[ScopeKind, Callable[[str], list[str]]]
"""For each kind of object governed by registered models, how to find the names of those models."""

OPEN = Caller(user=None)


@dataclass(frozen=True, eq=False)
class Requirement:
    """A dependency that lets the request through or raises Unauthenticated / PermissionDenied.

    ``body`` is the route's body model, for scopes that name their experiments in the body.
    """

    access: Access
    body: type[BaseModel] | None = None

    async def __call__(self, request: Request) -> Caller:
        state = request.app.state
        if self.access.kind == "public" or not state.auth_enabled:
            return OPEN
        caller = await run_in_threadpool(identify, request, state.guard)
        if caller.is_admin:
            return caller
        if self.access.kind == "admin":
            raise PermissionDenied("only an admin may do this")
        required: Access | None = self.access
        while required is not None:
            await self._check(request, caller, required)
            required = required.also
        return caller

    async def _check(self, request: Request, caller: Caller, required: Access) -> None:
        """Check ``level`` on what the scopes name: model names (and references to model versions) against
        the models' permissions, everything else against the experiment that governs it."""
        state = request.app.state
        if required.level is None:
            return
        models: list[str] = []
        experiment_ids: list[str] = []
        shared = False
        for scope in required.scopes:
            for value in await self._values(request, scope):
                if scope.kind == "ref" and value.startswith(state.shared_refs):
                    shared = True
                    continue
                governed = _governed_by_models(state.model_scopes, scope.kind, value)
                if governed is not None:
                    resolver, key = governed
                    models += await run_in_threadpool(resolver, key)
                    continue
                model = value if required.kind == "model" else _model_of(scope.kind, value)
                if model is not None:
                    models.append(model)
                else:
                    experiment_ids.append(await run_in_threadpool(resolve, state.scopes, scope.kind, value))
        if models:
            await run_in_threadpool(state.guard.check_model_access, caller.user, models, required.level)
        if shared and not (models or experiment_ids):
            return
        if experiment_ids or not models:
            await run_in_threadpool(state.guard.check_access, caller.user, experiment_ids, required.level)

    async def _values(self, request: Request, scope: Scope) -> list[str]:
        if scope.source == "path":
            return [request.path_params[scope.field]]
        if scope.source == "query":
            return request.query_params.getlist(scope.field)
        if self.body is None:
            raise ConfigError(
                f"a scope reads the body field {scope.field!r}, but the route has no body model"
            )
        try:
            body = self.body.model_validate_json(await request.body())
        except ValidationError as error:
            raise RequestValidationError(error.errors(include_input=False)) from error
        found = getattr(body, scope.field)
        if found is None:
            return []
        return [str(v) for v in found] if isinstance(found, list) else [str(found)]


def _governed_by_models(
    resolvers: ModelResolvers, kind: ScopeKind, value: str
) -> tuple[Callable[[str], list[str]], str] | None:
    """How to find the registered models governing what ``value`` names, when models govern it (a
    deployment, by its name or by ``deployment:<name>``); None for anything else."""
    if kind in resolvers:
        return resolvers[kind], value
    if kind != "ref":
        return None
    try:
        ref = Ref.parse(value)
    except InvalidRef:
        return None  # refused, saying why, where the reference is resolved
    return next(((resolver, ref.id) for scoped, resolver in resolvers.items() if scoped == ref.kind), None)


def _model_of(kind: ScopeKind, value: str) -> str | None:
    """The registered model a typed reference names (``models:/<name>/<version>``), if it names one."""
    if kind != "ref" or not value.startswith(ModelVersionRef.prefix):
        return None
    try:
        ref = Ref.parse(value)
    except InvalidRef as error:
        raise InvalidInput(str(error)) from None
    return ref.name if isinstance(ref, (ModelVersionRef, ModelAliasRef)) else None


def resolve(resolvers: Resolvers, kind: ScopeKind, value: str) -> str:
    """The experiment id behind one named object; a typed reference is resolved by its own kind."""
    if kind == "experiment":
        return value
    if kind == "ref":
        try:
            ref = Ref.parse(value)
        except InvalidRef as error:
            raise InvalidInput(str(error)) from None
        if ref.kind not in resolvers:
            raise InvalidInput(f"{value!r} does not name an object that belongs to an experiment")
        return resolve(resolvers, ref.kind, ref.id)  # type: ignore[arg-type]
    return resolvers[kind](value)


# --- the requirements hand-written routes use -------------------------------------------------------------

PUBLIC_ROUTE = Requirement(PUBLIC)
SIGNED_IN_ROUTE = Requirement(SIGNED_IN)
ADMIN_ROUTE = Requirement(ADMIN)
READ_RUN = Requirement(on("READ", in_path("run", "run_id")))
EDIT_RUN = Requirement(on("EDIT", in_path("run", "run_id")))
READ_EXPERIMENT = Requirement(on("READ", in_path("experiment", "experiment_id")))

SignedIn = Annotated[Caller, Depends(SIGNED_IN_ROUTE)]


@dataclass(frozen=True)
class DeclaredRoute:
    """One route of an app, as a client reaches it, with the requirement it declares (None: nothing)."""

    methods: frozenset[str]
    path: str
    requirement: Requirement | None

    def __str__(self) -> str:
        return f"{','.join(sorted(self.methods))} {self.path}"


def declared_routes(app: FastAPI) -> list[DeclaredRoute]:
    """Every API route of ``app`` (routers included), each with its one declared requirement."""
    found = []
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute):
            continue
        declared = [d.call for d in context.dependant.dependencies if isinstance(d.call, Requirement)]
        route = DeclaredRoute(frozenset(context.methods or ()), str(context.path_format), None)
        if len(declared) > 1:
            raise ConfigError(f"route {route} declares {len(declared)} access requirements; keep one")
        found.append(DeclaredRoute(route.methods, route.path, declared[0] if declared else None))
    return found


def require_declared(app: FastAPI, documentation: Sequence[str]) -> None:
    """Refuse an app in which any route lacks an access requirement (deny by default).

    ``documentation`` lists the paths FastAPI adds itself (the OpenAPI document and its viewer), which are
    public by nature: they describe the API and serve no data.
    """
    for route in declared_routes(app):
        if route.requirement is None:
            raise ConfigError(
                f"route {route} declares no access requirement; add one from tether.server.access"
            )
    for context in iter_route_contexts(app.routes):
        if not isinstance(context.original_route, APIRoute) and context.path not in documentation:
            raise ConfigError(f"route {context.path!r} is not an API route, so it cannot declare its access")


SECURITY_SCHEMES = {
    "bearerToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token (tth_...) from `tether tokens create`, sent as `Authorization: Bearer`.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The browser session from POST /api/v1/auth/login; writes also need X-CSRF-Token.",
    },
}


def document_security(app: FastAPI) -> None:
    """Say in the OpenAPI document how to sign in, and which operations need it (all but public ones).

    Only for a server with ``--auth``: without it nothing is checked, and the document says nothing.
    """
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = SECURITY_SCHEMES
        either: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
        for route in declared_routes(app):
            if route.requirement is None or route.requirement.access.kind == "public":
                continue
            for method in route.methods:
                operation = schema["paths"].get(route.path, {}).get(method.lower())
                if operation is not None:
                    operation["security"] = either
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
