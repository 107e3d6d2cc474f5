"""Deny by default, checked in-process: every route declares what it needs, or the app refuses to build."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import APIRouter, Depends, FastAPI
from starlette.responses import PlainTextResponse

from tether.config import Settings
from tether.errors import ConfigError
from tether.server import access
from tether.server.app import create_app
from tether.server.routers import sessions
from tether.server.run import check_bind, serve

PUBLIC = {"GET /health", "GET /version", "POST /api/v1/auth/login"}


def test_every_route_of_the_app_declares_one_requirement(tmp_path: Path) -> None:
    app = create_app(Settings.at(tmp_path), auth=True)
    routes = access.declared_routes(app)
    assert len(routes) > 30
    assert all(route.requirement is not None for route in routes)
    public = {str(route) for route in routes if route.requirement.access.kind == "public"}  # type: ignore[union-attr]
    assert public == PUBLIC
    documented = {path for path in app.openapi()["paths"]}
    ours = {route.path for route in routes if "/mlflow" not in route.path}  # MLflow's API
    assert ours == documented


def test_a_route_without_a_requirement_stops_the_app_from_being_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    forgotten = APIRouter(prefix="/auth")

    @forgotten.get("/leak")
    def leak() -> dict[str, str]:
        return {"secret": "everything"}

    monkeypatch.setattr(sessions, "router", forgotten)
    with pytest.raises(ConfigError, match=r"GET /api/v1/auth/leak declares no access requirement"):
        create_app(Settings.at(tmp_path))


def test_two_requirements_on_one_route_are_refused() -> None:
    app = FastAPI()

    @app.get("/both", dependencies=[Depends(access.PUBLIC_ROUTE), Depends(access.ADMIN_ROUTE)])
    def both() -> None:
        return None

    with pytest.raises(ConfigError, match="declares 2 access requirements"):
        access.require_declared(app, documentation=[])


def test_a_plain_starlette_route_cannot_declare_and_is_refused() -> None:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    app.add_route("/raw", lambda request: PlainTextResponse("raw"))
    with pytest.raises(ConfigError, match="'/raw' is not an API route"):
        access.require_declared(app, documentation=[])


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "localhost"])
def test_loopback_needs_no_authentication(host: str) -> None:
    check_bind(host, auth=False, insecure_no_auth=False)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_anything_else_needs_auth_or_an_explicit_opt_out(host: str) -> None:
    with pytest.raises(ConfigError, match=f"refusing to listen on {host} without authentication"):
        check_bind(host, auth=False, insecure_no_auth=False)
    check_bind(host, auth=True, insecure_no_auth=False)
    check_bind(host, auth=False, insecure_no_auth=True)


def test_serve_refuses_before_it_opens_the_store_or_binds(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="refusing to listen"):
        serve(Settings.at(tmp_path / "store"), host="0.0.0.0", port=1)
    assert not (tmp_path / "store").exists()


def test_with_auth_the_openapi_document_says_how_to_sign_in(tmp_path: Path) -> None:
    document = create_app(Settings.at(tmp_path), auth=True).openapi()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerToken"]["scheme"] == "bearer"
    assert schemes["sessionCookie"] == {**schemes["sessionCookie"], "in": "cookie", "name": "tether_session"}
    paths = document["paths"]
    assert paths["/api/v1/experiments"]["get"]["security"] == [{"bearerToken": []}, {"sessionCookie": []}]
    assert "security" not in paths["/health"]["get"]
    assert "security" not in paths["/api/v1/auth/login"]["post"]
    open_server = create_app(Settings.at(tmp_path / "open")).openapi()
    assert "securitySchemes" not in open_server.get("components", {})
