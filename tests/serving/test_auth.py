"""Bearer tokens on the model server: checked by a real tether server with --auth against the model's READ
permission, remembered for a while, never passed when the tether server cannot say."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.server.conftest import SecuredServer, serve_secured
from tests.serving.support import FRAME, VersionedSource
from tests.support import free_port, unique

from tether.cli.serve import ServerTokens
from tether.client.local import LocalBackend
from tether.errors import PermissionDenied, StorageError, TetherError, Unauthenticated
from tether.serving.app import ModelServer, create_app
from tether.serving.auth import BearerAuth
from tether.serving.config import ServedModelConfig, ServingConfig

ROW = {"instances": FRAME.head(1).to_dict("records")}


class Tokens:
    """A token check over a table of which token may read which URIs, counting the questions asked."""

    def __init__(self, allowed: dict[str, set[str]]) -> None:
        self.allowed = allowed
        self.asked = 0
        self.failure: TetherError | None = None

    def check(self, token: str, uri: str) -> None:
        self.asked += 1
        if self.failure is not None:
            raise self.failure
        if token not in self.allowed:
            raise Unauthenticated("unknown token")
        if uri not in self.allowed[token]:
            raise PermissionDenied("no")


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_verdict_is_remembered_until_it_expires() -> None:
    tokens, clock = Tokens({"good": {"models:/churn@champion"}}), Clock()
    auth = BearerAuth(tokens, ttl_s=60, clock=clock)

    async def scenario() -> None:
        for _ in range(3):
            await auth.authorize("Bearer good", "models:/churn@champion")
        assert tokens.asked == 1
        tokens.allowed.clear()  # the token is revoked on the tether server
        clock.now = 59.0
        await auth.authorize("bearer good", "models:/churn@champion")  # still remembered
        clock.now = 61.0
        with pytest.raises(Unauthenticated, match="expired or revoked"):
            await auth.authorize("Bearer good", "models:/churn@champion")
        assert tokens.asked == 2

    asyncio.run(scenario())


def test_refusals_name_what_is_missing_and_the_table_stays_bounded() -> None:
    tokens = Tokens({"reader": {"models:/a@x"}})
    auth = BearerAuth(tokens, max_entries=2)

    async def scenario() -> None:
        for header in (None, "", "Basic abc", "Bearer "):
            with pytest.raises(Unauthenticated, match="Authorization: Bearer"):
                await auth.authorize(header, "models:/a@x")
        with pytest.raises(PermissionDenied, match="may not read models:/b@x"):
            await auth.authorize("Bearer reader", "models:/b@x")
        await auth.authorize("Bearer reader", "models:/a@x")
        for uri in ("models:/c@x", "models:/d@x"):
            with pytest.raises(PermissionDenied):
                await auth.authorize("Bearer reader", uri)
        assert len(auth._verdicts) == 2
        assert tokens.asked == 4  # header mistakes never reach the tether server

    asyncio.run(scenario())


def test_a_tether_server_that_cannot_answer_lets_nobody_in_and_is_asked_again() -> None:
    tokens = Tokens({"good": {"models:/a@x"}})
    tokens.failure = StorageError("the tether server is unreachable")
    auth = BearerAuth(tokens)

    async def scenario() -> None:
        for _ in range(2):
            with pytest.raises(StorageError):
                await auth.authorize("Bearer good", "models:/a@x")
        tokens.failure = None
        await auth.authorize("Bearer good", "models:/a@x")
        assert tokens.asked == 3

    asyncio.run(scenario())


@pytest.fixture(scope="module", params=["sqlite"])
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecuredServer]:
    yield from serve_secured(request, tmp_path_factory)


def _serve_with_auth(tmp_path: Path, tokens: Any, uri: str, test: Any) -> None:
    async def scenario() -> None:
        config = ServingConfig(models=[ServedModelConfig(uri=uri, name="churn")], auth=True)
        server = ModelServer(config, VersionedSource(tmp_path), tokens)
        await server.start()
        transport = httpx.ASGITransport(app=create_app(server))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://serving") as client:
                await test(client)
        finally:
            await server.stop()

    asyncio.run(scenario())


def test_tokens_of_the_tether_server_open_the_models_they_may_read(
    secured: SecuredServer, tmp_path: Path
) -> None:
    name = unique("churn")
    with secured.client("owner") as owner:
        assert owner.post("/api/v1/models", json={"name": name}).status_code in (200, 201)
    backend = LocalBackend(secured.server.store)
    try:
        backend.auth.grant_model_permission(name, "reader", "READ")
    finally:
        backend.close()

    def bearer(who: str) -> dict[str, str]:
        return {"authorization": f"Bearer {secured.tokens[who]}"}

    async def test(client: httpx.AsyncClient) -> None:
        for who in ("owner", "reader", "admin"):
            answer = await client.post("/v1/models/churn/predict", json=ROW, headers=bearer(who))
            assert answer.status_code == 200, (who, answer.text)
        refused = await client.post("/v1/models/churn/predict", json=ROW, headers=bearer("stranger"))
        assert refused.status_code == 403 and refused.json()["error"]["code"] == "PERMISSION_DENIED"
        anonymous = await client.post("/v1/models/churn/predict", json=ROW)
        assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
        forged = await client.post(
            "/v1/models/churn/predict", json=ROW, headers={"authorization": "Bearer tth_x"}
        )
        assert forged.status_code == 401
        assert (await client.get("/v1/models", headers=bearer("stranger"))).json() == {"models": []}
        listed = (await client.get("/v1/models", headers=bearer("reader"))).json()["models"]
        assert [model["name"] for model in listed] == ["churn"]
        assert (await client.get("/v2/models/churn", headers=bearer("stranger"))).status_code == 403
        for open_path in ("/healthz", "/readyz", "/metrics", "/v2/health/ready"):
            assert (await client.get(open_path)).status_code == 200, open_path

    _serve_with_auth(tmp_path, ServerTokens(secured.url), f"models:/{name}@champion", test)


def test_a_tether_server_that_is_away_gets_callers_a_503(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient) -> None:
        answer = await client.post(
            "/v1/models/churn/predict", json=ROW, headers={"authorization": "Bearer t"}
        )
        assert answer.status_code == 503 and answer.json()["error"]["code"] == "UNREACHABLE"

    tokens = ServerTokens(f"http://127.0.0.1:{free_port()}")
    _serve_with_auth(tmp_path, tokens, "models:/churn@champion", test)
