"""Every REST route against a real server, on SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid

import httpx
import pytest

API = "/api/v1"


def unique(prefix: str = "e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(response: httpx.Response) -> tuple[int, str]:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message"} <= set(body["error"])
    return response.status_code, body["error"]["code"]


@pytest.fixture
def run_id(api: httpx.Client) -> str:
    created = api.post(f"{API}/runs", json={"experiment_id": "0", "run_name": unique("run")})
    assert created.status_code == 201
    return str(created.json()["run_id"])


def test_health_version_and_openapi(api: httpx.Client) -> None:
    assert api.get("/health").json() == {"status": "ok"}
    assert "version" in api.get("/version").json()
    spec = api.get(f"{API}/openapi.json").json()
    assert f"{API}/runs/search" in spec["paths"] and f"{API}/experiments" in spec["paths"]


def test_experiment_routes(api: httpx.Client) -> None:
    name = unique()
    created = api.post(f"{API}/experiments", json={"name": name, "tags": {"team": "a"}})
    assert created.status_code == 201
    exp = created.json()["experiment_id"]
    assert api.get(f"{API}/experiments/{exp}").json()["tags"] == {"team": "a"}
    assert api.get(f"{API}/experiments/by-name", params={"name": name}).json()["experiment_id"] == exp
    assert error_of(api.post(f"{API}/experiments", json={"name": name})) == (409, "ALREADY_EXISTS")
    renamed = unique()
    assert api.patch(f"{API}/experiments/{exp}", json={"name": renamed}).json()["name"] == renamed
    assert api.post(f"{API}/experiments/{exp}/tags", json={"key": "k", "value": "v"}).status_code == 204
    assert api.get(f"{API}/experiments/{exp}").json()["tags"] == {"team": "a", "k": "v"}
    assert api.post(f"{API}/experiments/run-counts", json={"experiment_ids": [exp]}).json() == {exp: 0}
    assert api.delete(f"{API}/experiments/{exp}").status_code == 204
    names = [e["name"] for e in api.get(f"{API}/experiments", params={"view": "deleted"}).json()["items"]]
    assert renamed in names
    assert api.post(f"{API}/experiments/{exp}/restore").status_code == 204
    page = api.get(f"{API}/experiments", params={"max_results": 1}).json()
    assert len(page["items"]) == 1 and page["next_page_token"]


def test_run_routes(api: httpx.Client, run_id: str) -> None:
    got = api.get(f"{API}/runs/{run_id}").json()
    assert got["status"] == "RUNNING" and got["experiment_id"] == "0"
    batch = {
        "metrics": {"keys": ["loss", "loss"], "values": [0.5, 0.25], "steps": [0, 1], "timestamps": [1, 2]},
        "params": {"lr": "0.1"},
        "tags": {"t": "x"},
    }
    assert api.post(f"{API}/runs/{run_id}/batch", json=batch).status_code == 204
    got = api.get(f"{API}/runs/{run_id}").json()
    assert (got["metrics"], got["params"], got["tags"]) == ({"loss": 0.25}, {"lr": "0.1"}, {"t": "x"})
    history = api.get(f"{API}/runs/{run_id}/metric-history", params={"key": "loss"}).json()
    assert history == {"key": "loss", "steps": [0, 1], "timestamps": [1, 2], "values": [0.5, 0.25]}
    assert api.delete(f"{API}/runs/{run_id}/tags", params={"key": "t"}).status_code == 204
    updated = api.patch(f"{API}/runs/{run_id}", json={"status": "FINISHED", "run_name": "renamed"}).json()
    assert updated["status"] == "FINISHED" and updated["run_name"] == "renamed" and updated["end_time"]
    child = api.post(f"{API}/runs", json={"parent_run_id": run_id}).json()["run_id"]
    assert api.get(f"{API}/runs/{run_id}/children").json() == [child]
    assert api.delete(f"{API}/runs/{run_id}").status_code == 204
    assert error_of(api.post(f"{API}/runs/{run_id}/batch", json={"params": {"a": "1"}})) == (409, "CONFLICT")
    assert api.post(f"{API}/runs/{run_id}/restore").status_code == 204


def test_nan_and_infinity_travel_as_strings(api: httpx.Client, run_id: str) -> None:
    body = '{"metrics": {"keys": ["a", "b", "c"], "values": ["NaN", "Infinity", "-Infinity"],'
    body += ' "steps": [0, 0, 0], "timestamps": [1, 1, 1]}}'
    response = api.post(
        f"{API}/runs/{run_id}/batch", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 204
    assert api.get(f"{API}/runs/{run_id}").json()["metrics"] == {
        "a": "NaN",
        "b": "Infinity",
        "c": "-Infinity",
    }


def test_search_route(api: httpx.Client) -> None:
    exp = api.post(f"{API}/experiments", json={"name": unique()}).json()["experiment_id"]
    for i in range(3):
        run = api.post(f"{API}/runs", json={"experiment_id": exp, "run_name": f"r{i}"}).json()["run_id"]
        metrics = {"keys": ["m"], "values": [float(i)], "steps": [0], "timestamps": [1]}
        api.post(f"{API}/runs/{run}/batch", json={"metrics": metrics})
    body = {
        "experiment_ids": [exp],
        "filter": "metrics.m >= 1",
        "order_by": ["metrics.m DESC"],
        "max_results": 1,
    }
    first = api.post(f"{API}/runs/search", json=body).json()
    assert [r["run_name"] for r in first["items"]] == ["r2"]
    second = api.post(f"{API}/runs/search", json={**body, "page_token": first["next_page_token"]}).json()
    assert [r["run_name"] for r in second["items"]] == ["r1"] and second["next_page_token"] is None
    bad = api.post(f"{API}/runs/search", json={"filter": "metrics.m ~ 1"})
    assert error_of(bad) == (400, "INVALID_FILTER") and "^" in bad.json()["error"]["message"]
    assert bad.json()["error"] | {"message": ""} == {
        "code": "INVALID_FILTER",
        "message": "",
        "text": "metrics.m ~ 1",
        "position": 10,
    }


def test_artifact_routes(api: httpx.Client, run_id: str) -> None:
    payload = bytes(range(256)) * 1000
    stored = api.put(f"{API}/runs/{run_id}/artifacts/data/blob.bin", content=payload)
    assert stored.status_code == 201 and stored.json() == {
        "path": "data/blob.bin",
        "is_dir": False,
        "size": 256000,
    }
    listing = api.get(f"{API}/runs/{run_id}/artifacts").json()
    assert listing == [{"path": "data", "is_dir": True, "size": None}]
    assert api.get(f"{API}/runs/{run_id}/artifact-info", params={"path": "data"}).json()["is_dir"] is True
    full = api.get(f"{API}/runs/{run_id}/artifacts/data/blob.bin")
    assert full.status_code == 200 and full.content == payload and full.headers["accept-ranges"] == "bytes"
    part = api.get(f"{API}/runs/{run_id}/artifacts/data/blob.bin", headers={"range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == payload[10:20]
    assert part.headers["content-range"] == "bytes 10-19/256000"
    tail = api.get(f"{API}/runs/{run_id}/artifacts/data/blob.bin", headers={"range": "bytes=-5"})
    assert tail.content == payload[-5:]
    beyond = api.get(f"{API}/runs/{run_id}/artifacts/data/blob.bin", headers={"range": "bytes=999999-"})
    assert error_of(beyond) == (416, "RANGE_NOT_SATISFIABLE")
    assert error_of(api.get(f"{API}/runs/{run_id}/artifacts/data")) == (400, "INVALID_INPUT")
    assert error_of(api.get(f"{API}/runs/{run_id}/artifacts/missing.txt")) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/runs/ffffffffffffffffffffffffffffffff"),
        ("GET", "/runs/not-a-run-id"),
        ("GET", "/experiments/424242"),
        ("GET", "/experiments/by-name?name=nope-never"),
        ("PATCH", "/runs/ffffffffffffffffffffffffffffffff"),
        ("GET", "/runs/ffffffffffffffffffffffffffffffff/artifacts"),
        ("GET", "/no/such/route"),
    ],
)
def test_missing_things_are_404_json(api: httpx.Client, method: str, path: str) -> None:
    response = api.request(method, API + path, json={} if method == "PATCH" else None)
    assert error_of(response) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"name": 5}', "application/json"),
        ('{"name": "x", "surprise": 1}', "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("name=x", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ],
)
def test_malformed_bodies_are_400(api: httpx.Client, body: str, content_type: str) -> None:
    response = api.post(f"{API}/experiments", content=body, headers={"content-type": content_type})
    assert error_of(response)[0] == 400


def test_wrong_method_is_405_json(api: httpx.Client) -> None:
    assert error_of(api.delete("/health")) == (405, "METHOD_NOT_ALLOWED")


def test_oversize_body_is_413_and_stores_nothing(api: httpx.Client, run_id: str) -> None:
    huge = '{"params": {"a": "' + "x" * (33 * 1024 * 1024) + '"}}'
    response = api.post(
        f"{API}/runs/{run_id}/batch", content=huge, headers={"content-type": "application/json"}
    )
    assert error_of(response) == (413, "TOO_LARGE")
    assert api.get(f"{API}/runs/{run_id}").json()["params"] == {}


def test_oversize_field_is_400(api: httpx.Client, run_id: str) -> None:
    response = api.post(f"{API}/runs/{run_id}/batch", json={"params": {"p": "v" * 7000}})
    assert error_of(response) == (400, "INVALID_INPUT")


def test_without_auth_everyone_may_do_everything_but_there_is_no_one_to_sign_in(api: httpx.Client) -> None:
    assert api.get(f"{API}/auth/me").json() == {"auth_enabled": False, "user": None, "csrf_token": None}
    login = api.post(f"{API}/auth/login", json={"username": "alice", "password": "whatever-it-is"})
    assert error_of(login) == (409, "CONFLICT")
    assert error_of(api.post(f"{API}/tokens", json={})) == (409, "CONFLICT")
    assert api.get(f"{API}/experiments/0/permissions").status_code == 200
