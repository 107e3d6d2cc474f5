"""Canary and shadow traffic: the canary answers its share of requests, a pinned version reaches the model
serving it, and the shadow's answers are logged but never returned, nor able to fail a request."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import httpx
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression
from tests.serving.support import FRAME, VersionedSource, expected, serve

from tether.models.package import save_package
from tether.monitoring import read_predictions
from tether.serving.app import ModelServer

ROW = {"instances": FRAME.head(1).to_dict("records")}
CANARY = {"canary": {"uri": "models:/churn@challenger", "weight": 0.2}}


def _shadow_count(server: ModelServer, outcome: str) -> float:
    labels = {"model": "churn", "outcome": outcome}
    return server.metrics.registry.get_sample_value("tether_shadow_requests_total", labels) or 0.0


def test_the_canary_answers_its_share_of_requests(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        versions: Counter[str] = Counter()
        for _ in range(500):
            answer = await client.post("/v1/models/churn/predict", json=ROW)
            assert answer.status_code == 200
            version = answer.headers["x-tether-model-version"]
            slope = 2.0 if version == "2" else 1.0
            assert answer.json()["predictions"] == pytest.approx(expected(FRAME.head(1), slope))
            versions[version] += 1
        assert set(versions) == {"1", "2"}
        assert 60 <= versions["2"] <= 140  # 100 expected; the bounds are more than four deviations away

    serve(tmp_path, test, **CANARY)


def test_a_pinned_version_reaches_the_model_serving_it(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        for version in ("1", "2"):
            answer = await client.post(f"/v1/models/churn/versions/{version}/predict", json=ROW)
            assert answer.headers["x-tether-model-version"] == version
        missing = await client.post("/v1/models/churn/versions/3/predict", json=ROW)
        assert (
            missing.status_code == 404 and "answers with version 1, 2" in missing.json()["error"]["message"]
        )
        described = (await client.get("/v1/models/churn")).json()["traffic"]
        assert [(lane["role"], lane["version"], lane["weight"]) for lane in described] == [
            ("primary", 1, pytest.approx(0.8)),
            ("canary", 2, pytest.approx(0.2)),
        ]
        oip = await client.get("/v2/models/churn/versions/2")
        assert oip.status_code == 200 and oip.json()["versions"] == ["2"]

    serve(tmp_path, test, **CANARY)


def test_the_shadow_gets_copies_whose_answers_are_logged_not_returned(tmp_path: Path) -> None:
    url = str(tmp_path / "log")

    async def test(client: httpx.AsyncClient, server: ModelServer, _source: VersionedSource) -> None:
        for number in range(20):
            answer = await client.post(
                "/v1/models/churn/predict", json=ROW, headers={"x-request-id": f"r{number}"}
            )
            assert answer.headers["x-tether-model-version"] == "1"
            assert answer.json()["predictions"] == pytest.approx(expected(FRAME.head(1)))
        await server.stop()  # copies already sent finish before the shadow stops
        assert _shadow_count(server, "answered") == 20

    serve(tmp_path, test, {"prediction_log": {"url": url}}, shadow="models:/churn@challenger")

    answered = read_predictions(url, "churn").to_pandas()
    assert len(answered) == 20 and set(answered.role) == {"primary"} and set(answered.model_version) == {"1"}
    shadowed = read_predictions(url, "churn", roles=["shadow"]).to_pandas()
    assert set(shadowed.model_version) == {"2"} and sorted(shadowed.request_id) == sorted(answered.request_id)
    assert list(shadowed.prediction) == pytest.approx(expected(FRAME.head(1), 2.0) * 20)


def test_a_failing_shadow_never_fails_a_request(tmp_path: Path) -> None:
    other = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    broken = tmp_path / "other-inputs"
    save_package(LinearRegression().fit(other, other.x), broken, other.head(2))

    async def test(client: httpx.AsyncClient, server: ModelServer, source: VersionedSource) -> None:
        for _ in range(5):
            answer = await client.post("/v1/models/churn/predict", json=ROW)
            assert answer.status_code == 200
        await server.models["churn"].close()
        assert _shadow_count(server, "failed") == 5 and _shadow_count(server, "answered") == 0

    def with_broken(source: VersionedSource) -> None:
        source.folders[3] = broken
        source.aliases["models:/other@champion"] = 3

    serve(tmp_path, test, prepare=with_broken, shadow="models:/other@champion")
