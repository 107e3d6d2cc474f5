"""The web UI as the server serves it: SPA fallback, cache headers, the API's 404s kept, public files only.

Most tests serve a small stand-in build from a temporary folder, so they do not need npm; one starts a
real server on the package's own ``ui_dist`` (built by ``pip install -e .``, or the not-built page).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from scripts import openapi
from tests.support import ServerProcess

from tether.config import Settings
from tether.server import ui
from tether.server.app import create_app

INDEX = "<!doctype html><html><body><div id=root></div><script src=/assets/index-abc123.js></script></body>"
SCRIPT = "console.log('tether')"


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    root = tmp_path / "ui_dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text(INDEX)
    (root / "assets" / "index-abc123.js").write_text(SCRIPT)
    (root / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return root


class Client:
    """Requests straight into the ASGI app, in-process (Starlette's TestClient warns about httpx)."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app

    def request(self, method: str, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://ui.test") as client:
                response = await client.request(method, path, headers=headers)
                await response.aread()
                return response

        return asyncio.run(send())

    def get(self, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
        return self.request("GET", path, headers)

    def head(self, path: str) -> httpx.Response:
        return self.request("HEAD", path)

    def close(self) -> None:
        self.app.state.services.close()


@pytest.fixture
def serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Client]]:
    """Makes an app that serves the UI from a given folder."""
    made: list[Client] = []

    def make(dist: Path, *, auth: bool = False) -> Client:
        monkeypatch.setattr(ui, "UI_DIST", dist)
        made.append(Client(create_app(Settings.at(tmp_path / f"home{len(made)}"), auth=auth)))
        return made[-1]

    yield make
    for client in made:
        client.close()


@pytest.fixture
def client(serve: Callable[..., Client], dist: Path) -> Client:
    return serve(dist)


def test_the_index_is_served_at_the_root_and_revalidated(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["cache-control"] == "no-cache"


@pytest.mark.parametrize(
    "path",
    [
        "/experiments/3",
        "/experiments/3/runs/abc?filter=metrics.auc%20%3E%200.9",
        "/compare?runs=a,b",
        "/login",
    ],
)
def test_the_app_s_own_urls_get_the_index(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.text == INDEX
    assert response.headers["cache-control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(client: Client) -> None:
    response = client.get("/assets/index-abc123.js")
    assert response.status_code == 200
    assert response.text == SCRIPT
    assert "javascript" in response.headers["content-type"]
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_text_files_go_gzipped_to_browsers_that_accept_it(client: Client) -> None:
    packed = client.get("/assets/index-abc123.js", headers={"accept-encoding": "gzip, br"})
    assert packed.headers["content-encoding"] == "gzip" and packed.text == SCRIPT
    assert packed.headers["vary"] == "accept-encoding"
    assert "javascript" in packed.headers["content-type"]
    plain = client.get("/assets/index-abc123.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == SCRIPT
    page = client.get("/experiments/3", headers={"accept-encoding": "gzip"})
    assert page.headers["content-encoding"] == "gzip" and page.text == INDEX


def test_other_files_at_the_root_are_served_and_revalidated(client: Client) -> None:
    response = client.get("/favicon.svg")
    assert response.status_code == 200
    assert response.text == "<svg/>"
    assert response.headers["cache-control"] == "no-cache"


def test_a_missing_asset_is_a_404_not_the_index(client: Client) -> None:
    response = client.get("/assets/index-old999.js")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_head_requests_are_answered(client: Client) -> None:
    assert client.head("/").status_code == 200
    assert client.head("/assets/index-abc123.js").status_code == 200


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/experiments/0/nothing", "/api", "/api/"])
def test_unknown_api_paths_keep_the_json_404(client: Client, method: str, path: str) -> None:
    response = client.request(method, path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


def test_the_api_still_answers_beside_the_ui(client: Client) -> None:
    assert client.get("/api/v1/experiments").status_code == 200
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/api/v1/openapi.json").status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt", "/..%5csecret.txt", "/%00"],
)
def test_nothing_outside_the_build_is_served(client: Client, path: str) -> None:
    response = client.get(path)
    assert "not for the web" not in response.text
    assert response.status_code in (200, 400, 404)


def test_the_ui_loads_signed_out_while_the_api_refuses(serve: Callable[..., Client], dist: Path) -> None:
    secured = serve(dist, auth=True)
    assert secured.get("/").text == INDEX
    assert secured.get("/login").text == INDEX
    assert secured.get("/assets/index-abc123.js").status_code == 200
    refused = secured.get("/api/v1/experiments")
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "UNAUTHENTICATED"


def test_without_a_build_the_root_says_how_to_build_it(serve: Callable[..., Client], tmp_path: Path) -> None:
    bare = serve(tmp_path / "missing")
    for path in ("/", "/experiments/1"):
        response = bare.get(path)
        assert response.status_code == 200
        assert "The web UI was not built" in response.text
        assert "pip install -e ." in response.text


def test_a_real_server_serves_the_ui_at_the_root(tmp_path: Path) -> None:
    server = ServerProcess(tmp_path, f"sqlite:///{tmp_path / 'tether.db'}")
    server.start()
    try:
        response = httpx.get(f"{server.url}/", timeout=10)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert '<div id="root">' in response.text or "The web UI was not built" in response.text
        assert httpx.get(f"{server.url}/api/v1/nope", timeout=10).json()["error"]["code"] == "NOT_FOUND"
    finally:
        server.stop()


def test_the_committed_api_types_match_the_server() -> None:
    stale = openapi.problems()
    assert not stale, (
        "; ".join(stale)
        + f". Regenerate them with '{openapi.REGENERATE}' (needs ui/node_modules) and commit "
        "ui/openapi.json and ui/src/api/schema.d.ts."
    )
