"""What the serving tests share: two packaged versions of a small model and a server over them in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
from sklearn.linear_model import LinearRegression

from tether.models.package import load_package, save_package
from tether.serving.app import ModelServer, create_app
from tether.serving.config import ServedModelConfig, ServingConfig
from tether.serving.source import LoadedVersion

FRAME = pd.DataFrame({"age": [30.0, 40.0, 50.0, 60.0], "visits": [1.0, 2.0, 3.0, 4.0]})


def package(folder: Path, slope: float) -> Path:
    model = LinearRegression().fit(FRAME, FRAME.age * slope + FRAME.visits)
    save_package(model, folder, FRAME.head(2))
    return folder


class VersionedSource:
    """Two registry versions as package folders; ``current`` is what the alias points at, and ``aliases``
    what other URIs (a canary's, a shadow's) resolve to."""

    def __init__(self, tmp_path: Path) -> None:
        self.folders = {1: package(tmp_path / "v1", 1.0), 2: package(tmp_path / "v2", 2.0)}
        self.current = 1
        self.aliases: dict[str, int] = {"models:/churn@challenger": 2}
        self.loads: list[int | None] = []

    def resolve(self, uri: str) -> int | None:
        return self.aliases.get(uri, self.current)

    def load(self, model: ServedModelConfig, version: int | None) -> LoadedVersion:
        self.loads.append(version)
        return LoadedVersion(version, load_package(self.folders[version or 1]))


Scenario = Callable[[httpx.AsyncClient, ModelServer, VersionedSource], Coroutine[Any, Any, None]]


def serve(
    tmp_path: Path,
    test: Scenario,
    limits: dict[str, Any] | None = None,
    prepare: Callable[[VersionedSource], None] = lambda _source: None,
    **model: Any,
) -> None:
    """Run ``test`` against a server of one model, "churn", with ``model`` settings and server ``limits``;
    ``prepare`` may add versions to the source first."""

    async def scenario() -> None:
        source = VersionedSource(tmp_path)
        prepare(source)
        models = [ServedModelConfig(uri="models:/churn@champion", **model)]
        config = ServingConfig(models=models, **(limits or {}))
        server = ModelServer(config, source)
        await server.start()
        transport = httpx.ASGITransport(app=create_app(server))
        try:
            async with httpx.AsyncClient(transport=transport, base_url="http://serving") as client:
                await test(client, server, source)
        finally:
            await server.stop()

    asyncio.run(scenario())


def expected(rows: pd.DataFrame, slope: float = 1.0) -> list[float]:
    return list(rows.age * slope + rows.visits)
