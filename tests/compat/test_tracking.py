"""The unmodified MLflow client logging to a tether server: experiments, runs, params, metrics, tags,
batches, history, search and errors, checked through the MLflow client and through tether's own API.

The client runs in this process against the session's server (SQLite and PostgreSQL) with retries off,
so a 5xx would fail at once instead of being retried for minutes.
"""

from __future__ import annotations

import math

import httpx
import mlflow
import pytest
from mlflow.entities import Metric, Param, RunTag, ViewType
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from tests.server.conftest import PASSWORD, SecuredServer
from tests.support import ServerProcess, unique

import tether as tt


def _code(error: pytest.ExceptionInfo[MlflowException]) -> str:
    return str(error.value.error_code)


def test_set_experiment_creates_then_finds_and_errors_use_mlflow_codes(client: MlflowClient) -> None:
    name = unique("compat")
    created = mlflow.set_experiment(name)
    assert created.lifecycle_stage == "active" and created.name == name
    assert mlflow.set_experiment(name).experiment_id == created.experiment_id
    assert client.get_experiment_by_name(unique("missing")) is None  # RESOURCE_DOES_NOT_EXIST maps to None
    with pytest.raises(MlflowException) as taken:
        client.create_experiment(name)
    assert _code(taken) == "RESOURCE_ALREADY_EXISTS"
    client.set_experiment_tag(created.experiment_id, "team", "growth")
    assert client.get_experiment(created.experiment_id).tags["team"] == "growth"
    client.delete_experiment(created.experiment_id)
    with pytest.raises(MlflowException, match="deleted"):
        mlflow.set_experiment(name)  # the client refuses a deleted experiment: lifecycle_stage came back
    client.restore_experiment(created.experiment_id)
    assert mlflow.set_experiment(name).lifecycle_stage == "active"
    listed = client.search_experiments(view_type=ViewType.ALL, max_results=50000)
    assert name in {e.name for e in listed}
    found = client.search_experiments(filter_string=f"name = '{name}' and tags.team = 'growth'")
    assert [e.experiment_id for e in found] == [created.experiment_id]
    with pytest.raises(MlflowException) as bad:
        client.search_experiments(filter_string="metrics.loss > 1")
    assert _code(bad) == "INVALID_PARAMETER_VALUE"
    for letter in "ba":
        client.create_experiment(f"{name}-{letter}")
    ordered = client.search_experiments(filter_string=f"name LIKE '{name}-%'", order_by=["name DESC"])
    assert [e.name for e in ordered] == [f"{name}-b", f"{name}-a"]
    newest = mlflow.search_experiments(filter_string=f"name LIKE '{name}%'", order_by=["creation_time DESC"])
    assert [e.creation_time for e in newest] == sorted((e.creation_time for e in newest), reverse=True)
    with pytest.raises(MlflowException) as unsorted:
        client.search_experiments(order_by=["metrics.loss"])
    assert _code(unsorted) == "INVALID_PARAMETER_VALUE"


def test_the_fluent_api_logs_a_run_that_tether_reads_back(
    client: MlflowClient, server: ServerProcess
) -> None:
    mlflow.set_experiment(unique("fluent"))
    with mlflow.start_run(run_name="trial") as run:
        mlflow.log_param("lr", 0.01)
        mlflow.log_params({"depth": 6, "loss": "log"})
        for step, value in enumerate([0.9, 0.5, float("nan"), 0.2]):
            mlflow.log_metric("loss", value, step=step, timestamp=1_000 + step)
        mlflow.log_metrics({"auc": 0.8, "f1": 0.7}, step=1)
        for step in range(20):  # asynchronous logging: one batch per call, arriving in any order
            mlflow.log_metric("lr", 0.1 / (step + 1), step=step, synchronous=False)
        mlflow.set_tag("stage", "dev")
        mlflow.set_tags({"owner": "ana"})
    run_id = run.info.run_id

    got = client.get_run(run_id)
    assert got.info.status == "FINISHED" and got.info.end_time >= got.info.start_time
    assert got.info.run_name == "trial" and got.data.tags["mlflow.runName"] == "trial"
    assert got.data.params == {"lr": "0.01", "depth": "6", "loss": "log"}
    assert got.data.metrics["loss"] == 0.2 and got.data.metrics["auc"] == 0.8
    assert got.data.tags["stage"] == "dev" and got.data.tags["owner"] == "ana"
    history = client.get_metric_history(run_id, "loss")
    assert [(m.step, m.timestamp) for m in history] == [(0, 1_000), (1, 1_001), (2, 1_002), (3, 1_003)]
    assert math.isnan(history[2].value) and history[3].value == 0.2
    assert [m.step for m in client.get_metric_history(run_id, "lr")] == list(range(20))

    with _tether(server) as tether:  # the same run, through tether's own API
        stored = tether.tracking.get_run(run_id)
        assert stored.params["lr"] == "0.01" and stored.metrics["f1"] == 0.7 and stored.status == "FINISHED"


def _tether(server: ServerProcess) -> tt.Client:
    from tether.client.remote import RemoteBackend

    return tt.Client(backend=RemoteBackend(server.url))


def test_params_are_immutable_and_batches_arrive_whole(client: MlflowClient) -> None:
    experiment = client.create_experiment(unique("batch"))
    run_id = client.create_run(experiment).info.run_id
    client.log_param(run_id, "lr", "0.1")
    client.log_param(run_id, "lr", "0.1")  # the same value again is fine
    with pytest.raises(MlflowException) as changed:
        client.log_param(run_id, "lr", "0.2")
    assert _code(changed) == "INVALID_PARAMETER_VALUE"
    mlflow.set_experiment(experiment_id=experiment)
    mlflow.start_run(run_id=run_id)  # resumes it
    mlflow.log_metrics({f"m{i}": float(i) for i in range(2500)})  # split by the client into 3 batches
    mlflow.log_params({f"p{i}": str(i) for i in range(250)})
    mlflow.end_run()
    client.log_batch(
        run_id,
        metrics=[Metric("x", 1.5, 10, 3)],
        params=[Param("kind", "gbm")],
        tags=[RunTag("note", "mixed")],
    )
    data = client.get_run(run_id).data
    assert len(data.metrics) == 2501 and len(data.params) == 252 and data.tags["note"] == "mixed"


def test_nested_runs_failures_lifecycle_and_search(client: MlflowClient) -> None:
    experiment_id = mlflow.set_experiment(unique("search")).experiment_id
    with mlflow.start_run(run_name="parent") as parent:
        for i in range(2):
            with mlflow.start_run(run_name=f"child-{i}", nested=True):
                mlflow.log_metric("score", i)
                mlflow.log_param("model", "gbm" if i else "forest")
    with pytest.raises(RuntimeError), mlflow.start_run(run_name="broken") as broken:
        raise RuntimeError("training failed")
    assert client.get_run(broken.info.run_id).info.status == "FAILED"

    children = mlflow.search_runs(
        [experiment_id],
        filter_string=f"tags.mlflow.parentRunId = '{parent.info.run_id}'",
        output_format="list",
    )
    assert sorted(r.info.run_name for r in children) == ["child-0", "child-1"]
    found = client.search_runs(
        [experiment_id],
        "metrics.score >= 0 and params.model LIKE 'g%' and attributes.run_name ILIKE 'CHILD%'",
        order_by=["metrics.score DESC"],
    )
    assert [r.info.run_name for r in found] == ["child-1"]
    seen, token = [], None
    while True:  # paging one run at a time: no duplicates, no gaps
        page = client.search_runs([experiment_id], max_results=1, page_token=token)
        seen += [r.info.run_id for r in page]
        token = page.token
        if not token:
            break
    assert len(seen) == len(set(seen)) == 4
    with pytest.raises(MlflowException) as bad:
        client.search_runs([experiment_id], "metrics.score >>> 1")
    assert _code(bad) == "INVALID_PARAMETER_VALUE"

    run_id = broken.info.run_id
    client.update_run(run_id, name="renamed")
    assert client.get_run(run_id).data.tags["mlflow.runName"] == "renamed"
    client.delete_run(run_id)
    assert run_id not in {r.info.run_id for r in client.search_runs([experiment_id])}
    deleted = client.search_runs([experiment_id], run_view_type=ViewType.DELETED_ONLY)
    assert [r.info.run_id for r in deleted] == [run_id]
    with pytest.raises(MlflowException) as refused:
        client.log_metric(run_id, "late", 1.0)
    assert _code(refused) == "INVALID_PARAMETER_VALUE"
    client.restore_run(run_id)
    client.log_metric(run_id, "late", 1.0)


def test_unknown_objects_and_routes_are_4xx_in_mlflow_s_envelope(
    client: MlflowClient, server: ServerProcess
) -> None:
    with pytest.raises(MlflowException) as missing:
        client.get_run("0" * 32)
    assert _code(missing) == "RESOURCE_DOES_NOT_EXIST"
    info = httpx.get(f"{server.url}/api/3.0/mlflow/server-info", timeout=10).json()
    assert info["multipart_uploads_enabled"] is False and info["multipart_downloads_enabled"] is False
    answer = httpx.get(f"{server.url}/api/2.0/mlflow/no-such-endpoint", timeout=10)
    assert answer.status_code == 404 and answer.json()["error_code"] == "ENDPOINT_NOT_FOUND"
    bad = httpx.post(f"{server.url}/api/2.0/mlflow/runs/log-batch", content=b"{not json", timeout=10)
    assert bad.status_code == 400 and bad.json()["error_code"] in ("INVALID_PARAMETER_VALUE", "BAD_REQUEST")
    unnamed = httpx.post(f"{server.url}/api/2.0/mlflow/experiments/create", json={}, timeout=10)
    assert unnamed.status_code == 400 and "'name'" in unnamed.json()["message"]


def test_with_auth_the_client_signs_in_with_a_tether_token_and_permissions_hold(
    secured: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", secured.tokens["owner"])
    owner = MlflowClient(secured.url)
    experiment = owner.create_experiment(unique("private"))
    run_id = owner.create_run(experiment).info.run_id
    owner.log_metric(run_id, "loss", 0.5)
    assert owner.get_run(run_id).info.user_id == "owner"

    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", secured.tokens["stranger"])
    stranger = MlflowClient(secured.url)
    with pytest.raises(MlflowException) as denied:
        stranger.get_run(run_id)
    assert _code(denied) == "PERMISSION_DENIED"
    with pytest.raises(MlflowException) as refused:
        stranger.log_metric(run_id, "loss", 9.0)
    assert _code(refused) == "PERMISSION_DENIED"
    assert experiment not in {e.experiment_id for e in stranger.search_experiments()}

    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    with pytest.raises(MlflowException) as anonymous:
        MlflowClient(secured.url).get_run(run_id)
    assert _code(anonymous) == "UNAUTHENTICATED"


def test_with_auth_the_client_may_sign_in_with_a_user_name_and_password(
    secured: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "editor")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", PASSWORD)
    editor = MlflowClient(secured.url)
    experiment = editor.create_experiment(unique("basic"))
    run_id = editor.create_run(experiment).info.run_id
    for step in range(5):  # the password is hashed once, then remembered against the stored hash
        editor.log_metric(run_id, "loss", 1.0 / (step + 1), step=step)
    assert len(editor.get_metric_history(run_id, "loss")) == 5

    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "not-the-password")
    with pytest.raises(MlflowException) as wrong:
        MlflowClient(secured.url).get_run(run_id)
    assert _code(wrong) == "UNAUTHENTICATED"
    with secured.client("admin") as admin:  # tether's own API keeps to tokens and sessions
        basic = httpx.get(f"{secured.url}/api/v1/experiments", auth=("editor", PASSWORD))
        assert basic.status_code == 401 and "Bearer" in basic.json()["error"]["message"]
        assert admin.get(f"/api/v1/runs/{run_id}").json()["run_id"] == run_id
