"""Artifacts through MLflow's client on a tether server: uploads of files, folders, text and dicts, a
large binary file, listings, downloads checked byte for byte, and what tether's own API sees."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import httpx
import mlflow
import pytest
from mlflow.exceptions import MlflowException
from mlflow.tracking import MlflowClient
from tests.support import ServerProcess, unique

import tether as tt
from tether.client.remote import RemoteBackend


def test_files_folders_text_and_a_large_file_round_trip(
    client: MlflowClient, server: ServerProcess, tmp_path: Path
) -> None:
    experiment = client.create_experiment(unique("artifacts"))
    run_id = client.create_run(experiment).info.run_id
    (tmp_path / "tree" / "nested").mkdir(parents=True)
    (tmp_path / "tree" / "a.txt").write_text("alpha")
    (tmp_path / "tree" / "nested" / "b.csv").write_text("x,y\n1,2\n")
    big = os.urandom(11 * 1024 * 1024)
    (tmp_path / "big.bin").write_bytes(big)

    client.log_artifact(run_id, str(tmp_path / "big.bin"))
    client.log_artifact(run_id, str(tmp_path / "tree" / "a.txt"), artifact_path="notes")
    client.log_artifacts(run_id, str(tmp_path / "tree"), artifact_path="tree")
    client.log_text(run_id, "hello", "texts/hello.txt")
    client.log_dict(run_id, {"depth": 6}, "config.json")

    root = {(f.path, f.is_dir, f.file_size) for f in client.list_artifacts(run_id)}
    assert root == {
        ("big.bin", False, len(big)),
        ("config.json", False, len('{\n  "depth": 6\n}')),
        ("notes", True, None),
        ("texts", True, None),
        ("tree", True, None),
    }
    assert [(f.path, f.is_dir) for f in client.list_artifacts(run_id, "tree")] == [
        ("tree/a.txt", False),
        ("tree/nested", True),
    ]
    assert client.list_artifacts(run_id, "missing") == []

    folder = Path(client.download_artifacts(run_id, "tree", str(tmp_path / "down")))
    assert (folder / "nested" / "b.csv").read_text() == "x,y\n1,2\n" and (
        folder / "a.txt"
    ).read_text() == "alpha"
    assert Path(client.download_artifacts(run_id, "big.bin", str(tmp_path / "one"))).read_bytes() == big
    assert mlflow.artifacts.load_text(f"runs:/{run_id}/texts/hello.txt") == "hello"
    assert mlflow.artifacts.load_dict(f"runs:/{run_id}/config.json") == {"depth": 6}
    with pytest.raises(MlflowException):
        client.download_artifacts(run_id, "no-such-file.txt", str(tmp_path / "none"))

    with tt.Client(backend=RemoteBackend(server.url)) as tether:  # the same files, through tether's API
        with tether.tracking.open_artifact(run_id, "notes/a.txt") as stream:
            assert stream.read() == b"alpha"
        assert json.loads(tether.tracking.open_artifact(run_id, "config.json").__enter__().read()) == {
            "depth": 6
        }


def test_paths_that_climb_out_are_refused(client: MlflowClient, server: ServerProcess) -> None:
    run = client.create_run(client.create_experiment(unique("climb")))
    base = f"{server.url}/api/2.0/mlflow-artifacts/artifacts"
    answer = httpx.get(base, params={"path": f"{run.info.experiment_id}/{run.info.run_id}/artifacts/../.."})
    assert answer.status_code == 400 and answer.json()["error_code"] == "INVALID_PARAMETER_VALUE"
    put = httpx.put(f"{base}/{run.info.experiment_id}/{run.info.run_id}/artifacts/%2E%2E/x.txt", content=b"x")
    assert put.status_code in (400, 404) and "error_code" in put.json()


def test_a_300_mb_artifact_goes_up_and_down_whole(
    sqlite_server: ServerProcess, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed both ways: the MLflow client sends it as one PUT, and tether never holds it in memory."""
    source, digest = tmp_path / "weights.bin", hashlib.sha256()
    block = os.urandom(4 * 1024 * 1024)
    with open(source, "wb") as out:
        for i in range(75):  # 300 MiB, each block made distinct so a lost or repeated block shows
            chunk = i.to_bytes(4, "big") + block[4:]
            out.write(chunk)
            digest.update(chunk)
    monkeypatch.setenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN", raising=False)
    mlflow_client = MlflowClient(sqlite_server.url)  # once, on SQLite: the database plays no part here
    run_id = mlflow_client.create_run(mlflow_client.create_experiment(unique("large"))).info.run_id
    mlflow_client.log_artifact(run_id, str(source), artifact_path="model")
    source.unlink()
    back = Path(mlflow_client.download_artifacts(run_id, "model/weights.bin", str(tmp_path / "down")))
    received = hashlib.sha256()
    with open(back, "rb") as stream:
        while chunk := stream.read(8 * 1024 * 1024):
            received.update(chunk)
    assert back.stat().st_size == 300 * 1024 * 1024 and received.hexdigest() == digest.hexdigest()
