"""What each route needs, declared on the route itself, and denied by default.

Every route carries exactly one :class:`Requirement` as a dependency: ``PUBLIC`` (health, version, login),
``SIGNED_IN`` (any user), ``ADMIN``, or an experiment permission (``READ``/``EDIT``/``MANAGE``) on the
experiments the request touches, found in its path, query or body by a locator. ``require_declared``
walks the app at creation and refuses to build one with a route that declares nothing, so a new route
cannot be left open by forgetting. On a server without ``--auth`` every requirement is met (the caller has
no user), but the declarations stay, so turning authentication on changes no code path.

Order of refusals: no or bad credentials 401, then a run or experiment name that does not exist 404, then
403 (also for an experiment id the caller holds nothing on, so ids reveal nothing to a stranger).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Literal, TypeVar

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from tether.auth.schemas import Level
from tether.errors import ConfigError, PermissionDenied
from tether.monitoring.schemas import ReportLog
from tether.server.credentials import SESSION_COOKIE, Caller, identify
from tether.tracking.schemas import RunCountsRequest, RunCreate, SearchRunsRequest
from tether.tracking.service import TrackingService

Locator = Callable[[Request, TrackingService], Awaitable[list[str]]]
"""Finds the ids of the experiments a request touches."""
Kind = Literal["public", "signed-in", "admin", "experiment"]
M = TypeVar("M", bound=BaseModel)

OPEN = Caller(user=None)


@dataclass(frozen=True, eq=False)
class Requirement:
    """A dependency that lets the request through or raises Unauthenticated / PermissionDenied."""

    kind: Kind
    level: Level | None = None
    locate: Locator | None = None

    async def __call__(self, request: Request) -> Caller:
        state = request.app.state
        if self.kind == "public" or not state.auth_enabled:
            return OPEN
        caller = await run_in_threadpool(identify, request, state.auth)
        if caller.is_admin:
            return caller
        if self.kind == "admin":
            raise PermissionDenied("only an admin may do this")
        if self.level is not None and self.locate is not None:
            experiment_ids = await self.locate(request, state.tracking)
            await run_in_threadpool(state.auth.check_access, caller.user, experiment_ids, self.level)
        return caller


# --- locators: where a request names its experiments ----------------------------------------------------


async def experiment_in_path(request: Request, tracking: TrackingService) -> list[str]:
    return [request.path_params["experiment_id"]]


async def run_in_path(request: Request, tracking: TrackingService) -> list[str]:
    return [await run_in_threadpool(tracking.experiment_of_run, request.path_params["run_id"])]


async def experiment_named_in_query(request: Request, tracking: TrackingService) -> list[str]:
    name = request.query_params.get("name")
    if name is None:
        return []
    found = await run_in_threadpool(tracking.get_experiment_by_name, name)
    return [found.experiment_id]


def in_body(model: type[M], ids: Callable[[M], Sequence[str]]) -> Locator:
    """Experiment ids read from the JSON body, parsed with the same model the route uses."""

    async def locate(request: Request, tracking: TrackingService) -> list[str]:
        try:
            body = model.model_validate_json(await request.body())
        except ValidationError as error:
            raise RequestValidationError(error.errors(include_input=False)) from error
        return list(ids(body))

    return locate


async def report_in_path(request: Request, tracking: TrackingService) -> list[str]:
    monitoring = request.app.state.monitoring
    return [await run_in_threadpool(monitoring.experiment_of_report, request.path_params["report_id"])]


async def report_subject_in_body(request: Request, tracking: TrackingService) -> list[str]:
    subject = (await in_body(ReportLog, lambda body: [body.subject])(request, tracking))[0]
    return [await run_in_threadpool(request.app.state.monitoring.experiment_of_subject, subject)]


async def reports_in_query(request: Request, tracking: TrackingService) -> list[str]:
    """The experiment a report listing asks about, named directly or through its subject."""
    query = request.query_params
    if "experiment_id" in query:
        return [query["experiment_id"]]
    if "subject" in query:
        return [await run_in_threadpool(request.app.state.monitoring.experiment_of_subject, query["subject"])]
    return []


# --- the declarations routes use ------------------------------------------------------------------------

PUBLIC = Requirement("public")
SIGNED_IN = Requirement("signed-in")
ADMIN = Requirement("admin")


def on_experiment(level: Level, locate: Locator = experiment_in_path) -> Requirement:
    return Requirement("experiment", level, locate)


def on_run(level: Level) -> Requirement:
    return Requirement("experiment", level, run_in_path)


READ_EXPERIMENT = on_experiment("READ")
EDIT_EXPERIMENT = on_experiment("EDIT")
MANAGE_EXPERIMENT = on_experiment("MANAGE")
READ_NAMED_EXPERIMENT = on_experiment("READ", experiment_named_in_query)
READ_RUN = on_run("READ")
EDIT_RUN = on_run("EDIT")
SEARCH_RUNS = on_experiment("READ", in_body(SearchRunsRequest, lambda body: body.experiment_ids))
COUNT_RUNS = on_experiment("READ", in_body(RunCountsRequest, lambda body: body.experiment_ids))
CREATE_RUN = on_experiment("EDIT", in_body(RunCreate, lambda body: [body.experiment_id]))
LOG_REPORT = on_experiment("EDIT", report_subject_in_body)
LIST_REPORTS = on_experiment("READ", reports_in_query)
READ_REPORT = on_experiment("READ", report_in_path)
DELETE_REPORT = on_experiment("EDIT", report_in_path)

SignedIn = Annotated[Caller, Depends(SIGNED_IN)]
Admin = Annotated[Caller, Depends(ADMIN)]
RunCreator = Annotated[Caller, Depends(CREATE_RUN)]


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
    """Say in the OpenAPI document how to sign in, and which operations need it (all but PUBLIC ones).

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
            if route.requirement is PUBLIC:
                continue
            for method in route.methods:
                operation = schema["paths"].get(route.path, {}).get(method.lower())
                if operation is not None:
                    operation["security"] = either
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
