"""A server with ``--auth``, over HTTP: deny by default, the permission levels, tokens, browser sessions,
the login limit, and that a refused request changes nothing."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tests.server.conftest import PASSWORD, SecuredServer

from tether.config import Settings
from tether.models.package import save_package
from tether.server import access
from tether.server.app import create_app

API = "/api/v1"


def unique(prefix: str = "e") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def error_of(response: httpx.Response) -> tuple[int, str]:
    """The status and code of an error in tether's envelope, or in MLflow's on its API's routes."""
    body = response.json()
    if "error_code" in body:
        assert set(body) == {"error_code", "message"}
        return response.status_code, body["error_code"]
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    return response.status_code, body["error"]["code"]


@dataclass
class Private:
    """An experiment of ``owner`` with one run, a metric, an artifact and a report, a registered model of
    ``owner`` whose version 1 (alias ``champion``) is the run's model package, and a deployment named like
    the model that serves it."""

    experiment_id: str
    name: str
    run_id: str
    report_id: str
    model: str


def upload_package(client: httpx.Client, run_id: str, folder: Path, name: str = "model") -> str:
    """Store a package folder as the run's artifacts, as the SDK does; returns its ``runs:/`` URI."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        target = f"{API}/runs/{run_id}/artifacts/{name}/{path.relative_to(folder).as_posix()}"
        assert client.put(target, content=path.read_bytes()).status_code == 201
    return f"runs:/{run_id}/{name}"


def a_package(folder: Path) -> Path:
    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0]})
    save_package(LogisticRegression().fit(frame, [0, 0, 1, 1]), folder, frame.head(2))
    return folder


@pytest.fixture(scope="module")
def private(secured: SecuredServer, tmp_path_factory: pytest.TempPathFactory) -> Private:
    package = a_package(tmp_path_factory.mktemp("package") / "model")
    with secured.client("owner") as owner:
        name = unique("private")
        experiment = owner.post(f"{API}/experiments", json={"name": name}).json()["experiment_id"]
        run = owner.post(f"{API}/runs", json={"experiment_id": experiment}).json()["run_id"]
        metrics = {"keys": ["loss"], "values": [0.5], "steps": [0], "timestamps": [1]}
        assert (
            owner.post(f"{API}/runs/{run}/batch", json={"metrics": metrics, "tags": {"t": "1"}}).status_code
            == 204
        )
        assert owner.put(f"{API}/runs/{run}/artifacts/notes.txt", content=b"hello").status_code == 201
        report = owner.post(f"{API}/reports", json=report_body(run)).json()["report_id"]
        model = unique("model")
        assert owner.post(f"{API}/models", json={"name": model}).status_code == 201
        source = upload_package(owner, run, package)
        created = owner.post(f"{API}/models/{model}/versions", json={"source": source})
        assert created.status_code == 201 and created.json()["version"] == 1
        assert owner.put(f"{API}/models/{model}/aliases/champion", json={"version": 1}).status_code == 200
        deployment = {
            "models": deployed_lanes(model),
            "url": "http://127.0.0.1:8080",
            "report_interval_s": 3600,
        }
        assert owner.put(f"{API}/deployments/{model}", json=deployment).status_code == 200
    return Private(experiment, name, run, report, model)


def deployed_lanes(model: str) -> list[dict[str, Any]]:
    return [{"served_name": "churn", "uri": f"models:/{model}@champion", "model": model, "version": 1}]


def report_body(run_id: str) -> dict[str, Any]:
    document = {"kind": "report", "created_at": 1, "reference_rows": 1, "current_rows": 1, "columns": {}}
    return {"subject": f"run:{run_id}", "document": {**document, "metrics": []}}


@pytest.fixture
def clients(secured: SecuredServer) -> Iterator[dict[str | None, httpx.Client]]:
    made = {who: secured.client(who) for who in (None, *secured.tokens)}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> list[access.DeclaredRoute]:
    """Every route the server has, read from an app built the same way."""
    return access.declared_routes(create_app(Settings.at(tmp_path_factory.mktemp("routes")), auth=True))


def call(client: httpx.Client, route: access.DeclaredRoute, private: Private) -> httpx.Response:
    """One request to ``route`` that names the private experiment wherever the route takes one."""
    (method,) = route.methods
    values = {
        "experiment_id": private.experiment_id,
        "run_id": private.run_id,
        "path": "notes.txt",
        "username": "owner",
        "token_id": "1",
        "report_id": private.report_id,
        "name": private.model,
        "version": "1",
        "alias": "champion",
        "webhook_id": "1",
        "ref": "main",
        "digest": "0" * 64,
    }
    url = route.path.format(**values)
    params = {
        "name": private.name,
        "path": "notes.txt",
        "key": "loss",
        "experiment_id": private.experiment_id,
        "ref": f"run:{private.run_id}",
    }
    if "/mlflow" in route.path:  # MLflow's shapes: the ids travel in the query or body
        named = {
            "path": f"{private.experiment_id}/{private.run_id}/artifacts",
            "run_id": private.run_id,
            "experiment_id": private.experiment_id,
            "experiment_ids": [private.experiment_id],
            "experiment_name": private.name,
            "metric_key": "loss",
            "key": "loss",
            "value": "9",
            "timestamp": 1,
            "new_name": "stolen",
        }
        if method == "GET":
            return client.get(url, params={k: v for k, v in named.items() if k != "experiment_ids"})
        return client.request(method, url, json=named)
    if method == "PUT" and route.path.endswith(("/artifacts/{path}", "/data/objects/{digest}")):
        return client.request(method, url, params=params, content=b"overwritten")
    bodies: dict[str, Any] = {
        f"{API}/runs": {"experiment_id": private.experiment_id},
        f"{API}/runs/search": {"experiment_ids": [private.experiment_id]},
        f"{API}/experiments/run-counts": {"experiment_ids": [private.experiment_id]},
        f"{API}/experiments/activity": {"experiment_ids": [private.experiment_id]},
        f"{API}/experiments/{{experiment_id}}/permissions/{{username}}": {"level": "MANAGE"},
        f"{API}/experiments/{{experiment_id}}": {"name": "renamed"},
        f"{API}/users/{{username}}": {"role": "admin"},
        f"{API}/reports": report_body(private.run_id),
        f"{API}/models": {"name": "stolen"},
        f"{API}/models/{{name}}": {"description": "changed"},
        f"{API}/models/{{name}}/tags": {"key": "k", "value": "v"},
        f"{API}/models/{{name}}/versions": {"source": f"runs:/{private.run_id}/model"},
        f"{API}/models/{{name}}/versions/{{version}}": {"description": "changed"},
        f"{API}/models/{{name}}/versions/{{version}}/tags": {"key": "k", "value": "v"},
        f"{API}/models/{{name}}/aliases/{{alias}}": {"version": 1},
        f"{API}/models/{{name}}/permissions/{{username}}": {"level": "MANAGE"},
        f"{API}/deployments/{{name}}": {"models": deployed_lanes(private.model), "url": "http://stolen"},
        f"{API}/deployments/{{name}}/stats": {"window_s": 15, "stats": []},
    }
    if method in ("POST", "PUT", "PATCH"):
        return client.request(method, url, params=params, json=bodies.get(route.path, {}))
    return client.request(method, url, params=params)


def snapshot(admin: httpx.Client, private: Private) -> list[Any]:
    """Everything a refused request could have changed, as the admin sees it."""
    experiment, run = private.experiment_id, private.run_id
    tokens = admin.get(f"{API}/users/owner/tokens").json()
    return [
        admin.get(f"{API}/experiments", params={"view": "all"}).json(),
        admin.get(f"{API}/experiments/{experiment}").json(),
        admin.post(f"{API}/runs/search", json={"experiment_ids": [experiment], "view": "all"}).json(),
        admin.get(f"{API}/runs/{run}/artifacts", params={"recursive": True}).json(),
        admin.get(f"{API}/runs/{run}/artifacts/notes.txt").content,
        admin.get(f"{API}/runs/{run}/metric-history", params={"key": "loss"}).json(),
        admin.get(f"{API}/experiments/{experiment}/permissions").json(),
        admin.get(f"{API}/reports", params={"experiment_id": experiment}).json(),
        admin.get(f"{API}/users").json(),
        [{k: v for k, v in t.items() if k != "last_used_time"} for t in tokens],
        admin.get(f"{API}/models", params={"name_like": private.model}).json(),
        admin.get(f"{API}/models/{private.model}/versions").json(),
        admin.get(f"{API}/models/{private.model}/history").json(),
        admin.get(f"{API}/models/{private.model}/permissions").json(),
        admin.get(f"{API}/deployments/{private.model}").json(),
    ]


def test_every_route_refuses_anonymous_and_unprivileged_callers_and_changes_nothing(
    clients: dict[str | None, httpx.Client], routes: list[access.DeclaredRoute], private: Private
) -> None:
    before = snapshot(clients["admin"], private)
    anonymous = unprivileged = 0
    for route in routes:
        if route.requirement is not None and route.requirement.access.kind == "public":
            continue
        answered = call(clients[None], route, private)
        assert error_of(answered) == (401, "UNAUTHENTICATED"), route
        anonymous += 1
        if route.requirement is not None and route.requirement.access.kind in (
            "experiment",
            "admin",
            "model",
        ):
            answered = call(clients["stranger"], route, private)
            assert error_of(answered) == (403, "PERMISSION_DENIED"), route
            unprivileged += 1
    assert anonymous == len(routes) - 3
    assert unprivileged >= 30
    assert snapshot(clients["admin"], private) == before


def test_public_routes_answer_anyone(clients: dict[str | None, httpx.Client]) -> None:
    anyone = clients[None]
    assert anyone.get("/health").json() == {"status": "ok"}
    assert "version" in anyone.get("/version").json()
    assert f"{API}/auth/login" in anyone.get(f"{API}/openapi.json").json()["paths"]


def test_a_bad_authorization_header_is_refused_with_a_reason(secured: SecuredServer) -> None:
    with httpx.Client(base_url=secured.url) as client:
        for header, reason in (
            ("Basic dXNlcjpwYXNz", "must read 'Bearer <token>'"),
            ("Bearer", "must read 'Bearer <token>'"),
            ("Bearer tth_not-a-real-token", "not valid"),
        ):
            answered = client.get(f"{API}/experiments", headers={"authorization": header})
            assert error_of(answered) == (401, "UNAUTHENTICATED")
            assert reason in answered.json()["error"]["message"]
            assert answered.headers["www-authenticate"] == 'Bearer realm="tether"'


def test_read_edit_and_manage_each_allow_what_they_say(
    secured: SecuredServer, clients: dict[str | None, httpx.Client]
) -> None:
    owner = clients["owner"]
    experiment = owner.post(f"{API}/experiments", json={"name": unique()}).json()["experiment_id"]
    run = owner.post(f"{API}/runs", json={"experiment_id": experiment}).json()["run_id"]
    assert owner.put(f"{API}/runs/{run}/artifacts/a.txt", content=b"a").status_code == 201
    for who in ("reader", "editor", "manager"):
        level = {"reader": "READ", "editor": "EDIT", "manager": "MANAGE"}[who]
        granted = owner.put(f"{API}/experiments/{experiment}/permissions/{who}", json={"level": level})
        assert granted.json() == {"experiment_id": experiment, "username": who, "level": level}
    exp, runs = f"{API}/experiments/{experiment}", f"{API}/runs/{run}"
    batch = {"metrics": {"keys": ["m"], "values": [1.0], "steps": [0], "timestamps": [1]}}
    actions: list[tuple[str, str, Any, int]] = [
        ("READ", "GET", (exp,), 200),
        ("READ", "GET", (f"{exp}/keys",), 200),
        ("READ", "GET", (f"{exp}/access",), 200),
        ("READ", "GET", (f"{API}/experiments/by-name",), 200),
        ("READ", "GET", (runs,), 200),
        ("READ", "GET", (f"{runs}/artifacts",), 200),
        ("READ", "GET", (f"{runs}/artifacts/a.txt",), 200),
        ("READ", "POST", (f"{API}/runs/search", {"experiment_ids": [experiment]}), 200),
        ("EDIT", "POST", (f"{API}/runs", {"experiment_id": experiment}), 201),
        ("EDIT", "POST", (f"{runs}/batch", batch), 204),
        ("EDIT", "PATCH", (runs, {"run_name": "renamed"}), 200),
        ("EDIT", "PUT", (f"{runs}/artifacts/b.txt", b"b"), 201),
        ("EDIT", "POST", (f"{exp}/tags", {"key": "k", "value": "v"}), 204),
        ("EDIT", "DELETE", (runs,), 204),
        ("EDIT", "POST", (f"{runs}/restore",), 204),
        ("MANAGE", "GET", (f"{exp}/permissions",), 200),
        ("MANAGE", "PUT", (f"{exp}/permissions/stranger", {"level": "READ"}), 200),
        ("MANAGE", "DELETE", (f"{exp}/permissions/stranger",), 204),
        ("MANAGE", "PATCH", (exp, {"name": None}), 200),
        ("MANAGE", "DELETE", (exp,), 204),
        ("MANAGE", "POST", (f"{exp}/restore",), 204),
    ]
    rank = {"stranger": 0, "reader": 1, "editor": 2, "manager": 3, "owner": 3, "admin": 3}
    needed = {"READ": 1, "EDIT": 2, "MANAGE": 3}
    name = owner.get(exp).json()["name"]
    for who in ("stranger", "reader", "editor", "manager", "owner", "admin"):
        client = clients[who]
        for level, method, args, ok in actions:
            url, *rest = args
            body = rest[0] if rest else None
            if method == "PATCH" and url == exp:
                body = {"name": unique()}
            params = {"name": name}
            if isinstance(body, bytes):
                answered = client.request(method, url, content=body)
            else:
                answered = client.request(method, url, json=body, params=params)
            if rank[who] >= needed[level]:
                assert answered.status_code == ok, (who, method, url, answered.text)
                if method == "PATCH" and url == exp:
                    name = answered.json()["name"]
            else:
                assert error_of(answered) == (403, "PERMISSION_DENIED"), (who, method, url)


def test_access_tells_each_caller_their_own_level(
    secured: SecuredServer, clients: dict[str | None, httpx.Client]
) -> None:
    owner = clients["owner"]
    experiment = owner.post(f"{API}/experiments", json={"name": unique()}).json()["experiment_id"]
    for who, level in (("reader", "READ"), ("editor", "EDIT")):
        owner.put(f"{API}/experiments/{experiment}/permissions/{who}", json={"level": level})
    expected = {"reader": "READ", "editor": "EDIT", "owner": "MANAGE", "admin": "MANAGE"}
    for who, level in expected.items():
        answer = clients[who].get(f"{API}/experiments/{experiment}/access")
        assert answer.json() == {"experiment_id": experiment, "auth_enabled": True, "level": level}, who
    assert error_of(clients["stranger"].get(f"{API}/experiments/{experiment}/access")) == (
        403,
        "PERMISSION_DENIED",
    )
    default = clients["stranger"].get(f"{API}/experiments/0/access").json()
    assert default["level"] == "EDIT"


def test_listing_shows_only_what_the_caller_may_read(
    clients: dict[str | None, httpx.Client], private: Private
) -> None:
    def listed(who: str) -> set[str]:
        return {e["experiment_id"] for e in clients[who].get(f"{API}/experiments").json()["items"]}

    assert private.experiment_id in listed("owner") and private.experiment_id in listed("admin")
    assert private.experiment_id not in listed("stranger")
    assert "0" in listed("stranger")
    mine = (
        clients["stranger"].post(f"{API}/experiments", json={"name": unique("mine")}).json()["experiment_id"]
    )
    assert mine in listed("stranger") and mine not in listed("owner")
    grant = {"level": "READ"}
    clients["owner"].put(f"{API}/experiments/{private.experiment_id}/permissions/stranger", json=grant)
    assert private.experiment_id in listed("stranger")
    assert (
        clients["owner"].delete(f"{API}/experiments/{private.experiment_id}/permissions/stranger").status_code
        == 204
    )
    assert private.experiment_id not in listed("stranger")


def test_everyone_logs_into_the_default_experiment_under_their_own_name(
    clients: dict[str | None, httpx.Client], private: Private
) -> None:
    stranger = clients["stranger"]
    created = stranger.post(f"{API}/runs", json={"experiment_id": "0", "user_id": "someone-else"})
    assert created.status_code == 201 and created.json()["user_id"] == "stranger"
    assert (
        stranger.post(f"{API}/runs/{created.json()['run_id']}/batch", json={"tags": {"a": "b"}}).status_code
        == 204
    )
    assert stranger.post(f"{API}/runs/search", json={"experiment_ids": ["0"]}).status_code == 200
    assert error_of(stranger.patch(f"{API}/experiments/0", json={"name": "mine now"})) == (
        403,
        "PERMISSION_DENIED",
    )
    mixed = stranger.post(f"{API}/runs/search", json={"experiment_ids": ["0", private.experiment_id]})
    assert error_of(mixed) == (403, "PERMISSION_DENIED")
    assert f"experiment {private.experiment_id}" in mixed.json()["error"]["message"]


def test_a_revoked_token_stops_working_at_once(
    secured: SecuredServer, clients: dict[str | None, httpx.Client]
) -> None:
    owner = clients["owner"]
    created = owner.post(f"{API}/tokens", json={"name": "temporary", "expires_days": 7})
    assert created.status_code == 201
    token, token_id = created.json()["token"], created.json()["token_id"]
    listed = owner.get(f"{API}/tokens").json()
    assert token_id in [t["token_id"] for t in listed] and all("token" not in t for t in listed)
    with httpx.Client(base_url=secured.url, headers={"authorization": f"Bearer {token}"}) as fresh:
        assert fresh.get(f"{API}/auth/me").json()["user"]["username"] == "owner"
        assert error_of(clients["stranger"].delete(f"{API}/tokens/{token_id}")) == (404, "NOT_FOUND")
        assert owner.delete(f"{API}/tokens/{token_id}").status_code == 204
        refused = fresh.get(f"{API}/auth/me")
        assert (
            error_of(refused) == (401, "UNAUTHENTICATED") and "revoked" in refused.json()["error"]["message"]
        )
    other = owner.post(f"{API}/tokens", json={}).json()["token_id"]
    assert clients["admin"].delete(f"{API}/tokens/{other}").status_code == 204


def test_browser_login_sets_a_strict_httponly_cookie_and_writes_need_the_csrf_token(
    secured: SecuredServer, clients: dict[str | None, httpx.Client]
) -> None:
    with httpx.Client(base_url=secured.url) as browser:
        signed_in = browser.post(f"{API}/auth/login", json={"username": "Owner", "password": PASSWORD})
        assert signed_in.status_code == 200, signed_in.text
        cookie = signed_in.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
        csrf = signed_in.json()["csrf_token"]
        assert set(signed_in.json()) == {"user", "csrf_token", "expires_time"}
        me = browser.get(f"{API}/auth/me").json()
        assert (me["auth_enabled"], me["user"]["username"], me["csrf_token"]) == (True, "owner", csrf)

        name = unique("cookie")
        for headers in ({}, {"x-csrf-token": "guessed"}):
            refused = browser.post(f"{API}/experiments", json={"name": name}, headers=headers)
            assert error_of(refused) == (403, "PERMISSION_DENIED")
        absent = clients["admin"].get(f"{API}/experiments/by-name", params={"name": name})
        assert error_of(absent) == (404, "NOT_FOUND")
        made = browser.post(f"{API}/experiments", json={"name": name}, headers={"x-csrf-token": csrf})
        assert made.status_code == 201

        assert error_of(browser.post(f"{API}/auth/logout")) == (403, "PERMISSION_DENIED")
        assert browser.post(f"{API}/auth/logout", headers={"x-csrf-token": csrf}).status_code == 204
        assert error_of(browser.get(f"{API}/auth/me")) == (401, "UNAUTHENTICATED")


def test_failed_logins_are_rate_limited(
    secured: SecuredServer, clients: dict[str | None, httpx.Client]
) -> None:
    name = unique("limited")
    created = clients["admin"].post(f"{API}/users", json={"username": name, "password": PASSWORD})
    assert created.status_code == 201 and "password" not in created.text
    with httpx.Client(base_url=secured.url) as browser:
        for _ in range(5):
            failed = browser.post(
                f"{API}/auth/login", json={"username": name, "password": "not-the-password"}
            )
            assert error_of(failed) == (401, "UNAUTHENTICATED")
        for password in ("not-the-password", PASSWORD):
            limited = browser.post(f"{API}/auth/login", json={"username": name, "password": password})
            assert error_of(limited) == (429, "TOO_MANY_REQUESTS")
            assert 0 < int(limited.headers["retry-after"]) <= 900
        assert (
            browser.post(f"{API}/auth/login", json={"username": "owner", "password": PASSWORD}).status_code
            == 200
        )


def test_users_are_managed_by_admins_and_passwords_never_come_back(
    clients: dict[str | None, httpx.Client],
) -> None:
    admin = clients["admin"]
    name = unique("user")
    made = admin.post(f"{API}/users", json={"username": name, "password": PASSWORD, "role": "user"})
    assert made.status_code == 201
    extra = admin.post(f"{API}/users", json={"username": unique(), "password": PASSWORD, "shell": "/bin/sh"})
    assert error_of(extra) == (400, "INVALID_INPUT")
    short = admin.post(f"{API}/users", json={"username": unique(), "password": "short"})
    assert error_of(short) == (400, "INVALID_INPUT") and "short" not in short.text
    assert admin.patch(f"{API}/users/{name}", json={"role": "admin"}).json()["role"] == "admin"
    assert admin.patch(f"{API}/users/{name}", json={"password": "a-new-password"}).status_code == 200
    everyone = admin.get(f"{API}/users").text
    assert "password" not in everyone and "argon2" not in everyone
    assert admin.delete(f"{API}/users/{name}").status_code == 204
    assert error_of(admin.get(f"{API}/users/{name}")) == (404, "NOT_FOUND")
