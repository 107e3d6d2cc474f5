"""The model server's HTTP app over real packaged models: every input format, OIP v2, MLflow scoring,
errors, metrics, and a version switch under load."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from sklearn.linear_model import LinearRegression
from tests.serving.support import FRAME, VersionedSource, expected, serve

from tether.models.package import load_package, save_package
from tether.serving.app import ModelServer, create_app
from tether.serving.config import ServedModelConfig, ServingConfig
from tether.serving.source import LoadedVersion


def test_every_input_format_gives_the_same_predictions(tmp_path: Path) -> None:
    rows = FRAME.head(2)
    arrow = io.BytesIO()
    with pa.ipc.new_stream(arrow, pa.schema([("age", pa.float64()), ("visits", pa.float64())])) as writer:
        writer.write_table(pa.Table.from_pandas(rows, preserve_index=False))
    bodies: list[dict[str, Any]] = [
        {"json": {"instances": rows.to_dict("records")}},
        {"json": {"instances": rows.to_numpy().tolist()}},
        {"json": {"inputs": rows.to_dict("list")}},
        {"json": {"dataframe_split": rows.to_dict("split") | {"index": None}}},
        {"json": {"dataframe_records": rows.to_dict("records")}},
        {"content": rows.to_csv(index=False), "headers": {"content-type": "text/csv"}},
        {"content": arrow.getvalue(), "headers": {"content-type": "application/vnd.apache.arrow.stream"}},
    ]

    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        for body in bodies:
            answer = await client.post("/v1/models/churn/predict", **body)
            assert answer.status_code == 200, (body, answer.text)
            assert answer.json()["predictions"] == pytest.approx(expected(rows))
            assert answer.json()["version"] == 1
            assert answer.headers["x-tether-model-version"] == "1"
            pinned = await client.post("/v1/models/churn/versions/1/predict", **body)
            assert pinned.status_code == 200
        mlflow = await client.post("/invocations", json={"dataframe_split": rows.to_dict("split")})
        assert mlflow.json() == {"predictions": pytest.approx(expected(rows))}

    serve(tmp_path, test)


def test_open_inference_protocol(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        assert (await client.get("/v2/health/live")).json() == {"live": True}
        assert (await client.get("/v2/health/ready")).json() == {"ready": True}
        metadata = (await client.get("/v2/models/churn")).json()
        assert metadata["versions"] == ["1"]
        assert metadata["inputs"] == [
            {"name": "age", "datatype": "FP64", "shape": [-1]},
            {"name": "visits", "datatype": "FP64", "shape": [-1]},
        ]
        request = {
            "id": "r-1",
            "inputs": [
                {"name": "age", "shape": [2], "datatype": "FP64", "data": [30, 40]},
                {"name": "visits", "shape": [2, 1], "datatype": "FP64", "data": [1, 2]},
            ],
        }
        answer = (await client.post("/v2/models/churn/versions/1/infer", json=request)).json()
        assert answer["model_name"] == "churn" and answer["model_version"] == "1" and answer["id"] == "r-1"
        assert answer["outputs"][0]["shape"] == [2]
        assert answer["outputs"][0]["data"] == pytest.approx([31.0, 42.0])
        bad = await client.post("/v2/models/churn/infer", json={"inputs": [{"name": "age", "shape": [1]}]})
        assert bad.status_code == 400 and "missing datatype, data" in bad.json()["error"]["message"]

    serve(tmp_path, test)


def test_bad_requests_get_a_4xx_naming_the_problem(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        async def error(path: str, status: int, **body: Any) -> str:
            answer = await client.post(path, **body)
            assert answer.status_code == status, answer.text
            message: str = answer.json()["error"]["message"]
            return message

        predict = "/v1/models/churn/predict"
        assert "'visits'" in await error(predict, 400, json={"instances": [{"age": 3}]})
        assert "column 'age' expects float64" in await error(
            predict, 400, json={"instances": [{"age": "old", "visits": 1}]}
        )
        assert "not valid JSON" in await error(predict, 400, content=b"{nope")
        assert "exactly one of" in await error(predict, 400, json={"rows": []})
        assert "unsupported content type" in await error(
            predict, 400, content=b"x", headers={"content-type": "image/png"}
        )
        assert "no model named 'nope'" in await error("/v1/models/nope/predict", 404, json={"instances": []})
        assert "version 7 of 'churn' is not being served" in await error(
            "/v1/models/churn/versions/7/predict", 404, json={"instances": [{"age": 1, "visits": 1}]}
        )
        assert "over this server's limit" in await error(predict, 413, content=b"x" * 2048)

    serve(tmp_path, test, {"max_request_bytes": 1024}, name="churn")


def test_a_bad_request_in_a_batch_fails_alone(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        good = {"instances": [{"age": 30.0, "visits": 1.0}]}
        bad = {"instances": [{"age": "thirty", "visits": 1.0}]}
        answers = await asyncio.gather(
            *(client.post("/v1/models/churn/predict", json=bad if i % 5 == 0 else good) for i in range(40))
        )
        for i, answer in enumerate(answers):
            assert answer.status_code == (400 if i % 5 == 0 else 200), answer.text

    serve(tmp_path, test)


def test_a_request_over_the_batch_cap_is_split_and_answered_whole(tmp_path: Path) -> None:
    rows = pd.concat([FRAME] * 10, ignore_index=True)

    async def test(client: httpx.AsyncClient, server: ModelServer, _source: VersionedSource) -> None:
        answer = await client.post("/v1/models/churn/predict", json={"inputs": rows.to_dict("list")})
        assert answer.json()["predictions"] == pytest.approx(expected(rows))
        assert max(server.models["churn"].primary.batcher.stats.sizes) <= 8

    serve(tmp_path, test, max_batch_rows=8)


def test_the_server_follows_the_alias_without_failing_a_request(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, server: ModelServer, source: VersionedSource) -> None:
        row = FRAME.head(1)
        versions: list[int] = []
        failures: list[str] = []
        stop = asyncio.Event()

        async def load() -> None:
            while not stop.is_set():
                answer = await client.post(
                    "/v1/models/churn/predict", json={"instances": row.to_dict("records")}
                )
                if answer.status_code != 200:
                    failures.append(answer.text)
                    continue
                body = answer.json()
                versions.append(body["version"])
                slope = 1.0 if body["version"] == 1 else 2.0
                assert body["predictions"] == pytest.approx(expected(row, slope))

        clients = [asyncio.create_task(load()) for _ in range(8)]
        await asyncio.sleep(0.3)
        source.current = 2
        await server.refresh()
        await asyncio.sleep(0.3)
        stop.set()
        await asyncio.gather(*clients)
        assert failures == []
        assert versions[0] == 1 and versions[-1] == 2
        assert versions == sorted(versions)  # once switched, never back
        assert source.loads == [1, 2]
        assert (await client.get("/v1/models/churn")).json()["version"] == 2

    serve(tmp_path, test)


def test_health_readiness_and_metrics(tmp_path: Path) -> None:
    async def test(client: httpx.AsyncClient, _server: ModelServer, _source: VersionedSource) -> None:
        assert (await client.get("/healthz")).status_code == 200
        assert (await client.get("/readyz")).json() == {"ready": True, "models": {"churn": True}}
        await client.post("/v1/models/churn/predict", json={"instances": [{"age": 1, "visits": 2}]})
        await client.post("/v1/models/churn/predict", json={"instances": [{"age": 1}]})
        text = (await client.get("/metrics")).text
        assert 'tether_request_latency_seconds_count{model="churn",version="1"} 1.0' in text
        assert 'tether_request_errors_total{code="SIGNATURE_MISMATCH",model="churn"} 1.0' in text
        assert 'tether_predicted_rows_total{model="churn",version="1"} 1.0' in text
        assert 'tether_queue_rows{model="churn"} 0.0' in text
        listed = (await client.get("/v1/models")).json()["models"]
        assert [m["name"] for m in listed] == ["churn"] and listed[0]["flavor"] == "sklearn"

    serve(tmp_path, test)


def test_a_tensor_model_takes_nested_lists(tmp_path: Path) -> None:
    async def scenario() -> None:
        features = np.arange(8, dtype=np.float64).reshape(4, 2)
        folder = tmp_path / "tensor"
        save_package(LinearRegression().fit(features, features.sum(axis=1)), folder, features[:2])

        class Folder:
            def resolve(self, uri: str) -> None:
                return None

            def load(self, model: ServedModelConfig, version: int | None) -> LoadedVersion:
                return LoadedVersion(None, load_package(folder))

        server = ModelServer(ServingConfig(models=[ServedModelConfig(uri=str(folder))]), Folder())
        await server.start()
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(server)), base_url="http://s"
        ) as c:
            answer = await c.post("/v1/models/tensor/predict", json={"instances": [[1, 2], [3, 4]]})
            assert answer.json()["predictions"] == pytest.approx([3.0, 7.0])
            assert answer.json()["version"] is None
            one = await c.post("/v1/models/tensor/predict", json={"inputs": [5, 6]})
            assert one.json()["predictions"] == pytest.approx([11.0])
        await server.stop()

    asyncio.run(scenario())


def test_stopping_the_server_answers_every_request_it_has_taken(tmp_path: Path) -> None:
    async def scenario() -> None:
        config = ServingConfig(models=[ServedModelConfig(uri="models:/churn@champion", max_batch_rows=1)])
        server = ModelServer(config, VersionedSource(tmp_path))
        await server.start()
        transport = httpx.ASGITransport(app=create_app(server))
        async with httpx.AsyncClient(transport=transport, base_url="http://serving") as client:
            body = {"instances": FRAME.head(1).to_dict("records")}
            sent = [
                asyncio.create_task(client.post("/v1/models/churn/predict", json=body)) for _ in range(30)
            ]
            batcher = server.models["churn"].primary.batcher
            while batcher.queued_rows < 10:  # many wait in the queue, one batch of one row at a time
                await asyncio.sleep(0)
            await server.stop()
            answers = await asyncio.gather(*sent)
        assert [answer.status_code for answer in answers] == [200] * 30

    asyncio.run(scenario())
