"""``create_app``: the FastAPI application over one metadata database and one blob store."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from tether.auth import routes as auth_routes
from tether.auth.ratelimit import LoginLimits
from tether.config import Quotas, Settings
from tether.data import routes as data_routes
from tether.deployments import routes as deployment_routes
from tether.endpoints import Domain, ScopeKind
from tether.lineage import routes as lineage_routes
from tether.monitoring import routes as monitoring_routes
from tether.registry import routes as registry_routes
from tether.registry.webhooks.sender import WebhookSender
from tether.server.access import ModelResolvers, Resolvers, document_security, require_declared
from tether.server.errors import install_error_handlers
from tether.server.limits import BodyLimit, RequestLimits
from tether.server.mlflow_compat.api import ROUTERS as MLFLOW_ROUTERS
from tether.server.mount import mount
from tether.server.routers import artifacts, data_objects, experiment_access, meta, sessions
from tether.server.ui import mount_ui
from tether.services import Services, open_services
from tether.tracking import routes as tracking_routes
from tether.version import __version__

API_PREFIX = "/api/v1"
ENV_SETTINGS = "TETHER_SERVER_SETTINGS"
"""How ``tether server --workers N`` hands the same settings to each worker process."""

DOMAINS: tuple[Domain, ...] = (
    tracking_routes.DOMAIN,
    auth_routes.DOMAIN,
    monitoring_routes.DOMAIN,
    lineage_routes.DOMAIN,
    registry_routes.DOMAIN,
    deployment_routes.DOMAIN,
    data_routes.DOMAIN,
)
"""Every domain whose declared endpoints the server mounts; each is an attribute of ``Services``."""

log = logging.getLogger("tether.server")


def create_app(
    settings: Settings,
    limits: RequestLimits | None = None,
    *,
    auth: bool = False,
    login_limits: LoginLimits | None = None,
) -> FastAPI:
    """The whole API, with its services opened on ``settings`` (migrating the database if needed).

    With ``auth`` every request but health, version and login must be signed in and is checked against
    the route's declared requirement (see ``tether.server.access``); without it, everything is allowed.
    """
    services = open_services(settings, login_limits=login_limits)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        sender = WebhookSender(services.db)  # registry events reach their webhooks while the server runs
        sender.start()
        try:
            yield
        finally:
            sender.stop()
            services.close()

    app = FastAPI(
        title="tether",
        version=__version__,
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=f"{API_PREFIX}/docs",
        redoc_url=None,
        swagger_ui_oauth2_redirect_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    app.state.guard = services.guard
    app.state.scopes = scope_resolvers(services)
    app.state.model_scopes = model_scope_resolvers(services)
    app.state.shared_refs = tuple(prefix for domain in DOMAINS for prefix in domain.shared_refs)
    app.state.auth_enabled = auth
    install_error_handlers(app)
    app.add_middleware(BodyLimit, limits=limits or RequestLimits.of(settings.quotas))
    app.include_router(meta.router)
    app.include_router(experiment_access.router, prefix=API_PREFIX)
    for domain in DOMAINS:
        mount(app, domain, getattr(services, domain.name), services.guard, API_PREFIX)
    app.include_router(artifacts.router, prefix=API_PREFIX)
    app.include_router(data_objects.router, prefix=API_PREFIX)
    app.include_router(sessions.router, prefix=API_PREFIX)
    for router in MLFLOW_ROUTERS:  # MLflow's client, on MLflow's paths (see mlflow_compat)
        app.include_router(router)
    require_declared(app, documentation=[f"{API_PREFIX}/openapi.json", f"{API_PREFIX}/docs"])
    if auth:
        document_security(app)
    mount_ui(app)  # last, and after the API's access check: public static files, never /api/ (see ui.py)
    if auth and services.guard.count_users() == 0:
        log.warning(
            "authentication is on but there are no users yet: create the first admin on this store with "
            "'tether users create NAME --role admin'"
        )
    return app


def scope_resolvers(services: Services) -> Resolvers:
    """Every domain's way from an object's id to the experiment that governs it, bound to its service."""
    return _bound(services, lambda domain: domain.scopes)


def model_scope_resolvers(services: Services) -> ModelResolvers:
    """Every domain's way from an object's id to the registered models that govern it."""
    return _bound(services, lambda domain: domain.model_scopes)


def _bound(services: Services, scopes: Callable[[Domain], Mapping[ScopeKind, str]]) -> dict[ScopeKind, Any]:
    resolvers = {}
    for domain in DOMAINS:
        service = getattr(services, domain.name)
        resolvers.update({kind: getattr(service, method) for kind, method in scopes(domain).items()})
    return resolvers


def settings_to_env(settings: Settings, *, auth: bool = False) -> str:
    return json.dumps(
        {
            "home": str(settings.home),
            "db_url": settings.db_url,
            "blob_url": settings.blob_url,
            "blob_options": settings.blob_options,
            "quotas": dataclasses.asdict(settings.quotas),
            "auth": auth,
        }
    )


def app_from_env() -> FastAPI:
    """The factory each worker process calls: settings come from the parent through the environment."""
    raw = os.environ.get(ENV_SETTINGS)
    if not raw:
        return create_app(Settings.from_env())
    data = json.loads(raw)
    settings = Settings(
        home=data["home"],
        db_url=data["db_url"],
        blob_url=data["blob_url"],
        blob_options=data["blob_options"],
        quotas=Quotas(**data.get("quotas", {})),
    )
    return create_app(settings, auth=bool(data.get("auth", False)))
