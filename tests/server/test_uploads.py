"""The upload route in-process: bodies arrive in many chunks and are streamed into the blob store.

A body that turns out (while streaming, with no Content-Length) to be over the size limit is a 413, and
nothing of it is stored. Interrupted uploads against a real server are in tests/security.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from tether.config import Settings
from tether.server.app import create_app
from tether.server.limits import RequestLimits

API = "/api/v1"
LIMIT = 256 * 1024


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.at(tmp_path / "home")


@pytest.fixture
def app(settings: Settings) -> Iterator[object]:
    app = create_app(settings, RequestLimits(max_artifact_bytes=LIMIT))
    yield app
    app.state.services.close()


def chunks(count: int, size: int = 16 * 1024) -> AsyncIterator[bytes]:
    async def body() -> AsyncIterator[bytes]:
        for index in range(count):
            yield bytes([index % 256]) * size

    return body()


def put(app: object, count: int) -> tuple[httpx.Response, str, list[dict[str, object]]]:
    async def send() -> tuple[httpx.Response, str, list[dict[str, object]]]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://tether.test") as client:
            run = (await client.post(f"{API}/runs", json={})).json()["run_id"]
            answer = await client.put(f"{API}/runs/{run}/artifacts/data.bin", content=chunks(count))
            listing = (await client.get(f"{API}/runs/{run}/artifacts")).json()
            return answer, run, listing

    return asyncio.run(send())


def test_a_body_of_many_chunks_is_stored_whole(app: object, settings: Settings) -> None:
    answer, run, listing = put(app, 10)
    assert answer.status_code == 201 and answer.json()["size"] == 10 * 16 * 1024
    stored = Path(settings.blob_url) / "runs" / run / "artifacts" / "data.bin"
    assert stored.read_bytes() == b"".join(bytes([i]) * 16 * 1024 for i in range(10))
    assert listing == [{"path": "data.bin", "is_dir": False, "size": 10 * 16 * 1024}]


def test_a_streamed_body_over_the_limit_is_413_and_leaves_nothing(app: object, settings: Settings) -> None:
    answer, run, listing = put(app, 40)
    assert answer.status_code == 413 and answer.json()["error"]["code"] == "TOO_LARGE"
    assert listing == []
    folder = Path(settings.blob_url) / "runs" / run / "artifacts"
    assert not folder.exists() or list(folder.iterdir()) == []
