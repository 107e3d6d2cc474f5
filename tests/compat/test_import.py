"""``tether import mlflow``: a real MLflow store (made by the MLflow client in a subprocess) copied into
tether on every backend, then imported again (nothing twice) and after an interruption (only the rest)."""

from __future__ import annotations

import json
import math
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from tests.cli.runner import Cli
from tests.support import Target, free_port, unique

import tether as tt
from tether.errors import InvalidInput, NotFound
from tether.sdk.mlflow_import import MlflowImport, mlflow_client

MAKE_STORE = """
import json, math, os, sys
import mlflow
from mlflow.tracking import MlflowClient

uri, artifacts, churn, gone = sys.argv[1:5]
client = MlflowClient(uri)
exp = client.create_experiment(churn, artifact_location=artifacts, tags={"team": "growth"})
parent = client.create_run(exp, run_name="parent", tags={"stage": "train"}, start_time=1_000)
pid = parent.info.run_id
client.log_batch(pid, params=[mlflow.entities.Param("lr", "0.01"), mlflow.entities.Param("depth", "6")])
for step, value in enumerate([0.9, 0.7, float("nan"), 0.4]):
    client.log_metric(pid, "loss", value, timestamp=2_000 + step, step=step)
client.log_metric(pid, "auc", 0.81, timestamp=3_000, step=0)
os.makedirs("files/nested", exist_ok=True)
open("files/notes.txt", "w").write("hello")
open("files/nested/weights.bin", "wb").write(bytes(range(256)) * 4000)
client.log_artifacts(pid, "files")
client.set_terminated(pid, "FINISHED", end_time=9_000)
child = client.create_run(exp, run_name="child", tags={"mlflow.parentRunId": pid}, start_time=1_500)
client.log_metric(child.info.run_id, "loss", 0.5, timestamp=2_500, step=0)
client.set_terminated(child.info.run_id, "FAILED", end_time=8_000)
dropped = client.create_run(exp, run_name="dropped", start_time=1_700)
client.set_terminated(dropped.info.run_id, "KILLED", end_time=7_000)
client.delete_run(dropped.info.run_id)
other = client.create_experiment(gone, artifact_location=artifacts + "-gone")
client.set_terminated(client.create_run(other, run_name="old", start_time=500).info.run_id, end_time=600)
client.delete_experiment(other)
print(json.dumps({"parent": pid, "child": child.info.run_id, "dropped": dropped.info.run_id}))
"""

MORE = """
import sys
from mlflow.tracking import MlflowClient

uri, run_id = sys.argv[1:3]
client = MlflowClient(uri)
client.log_metric(run_id, "loss", 0.3, timestamp=2_010, step=4)
open("late.txt", "w").write("added later")
client.log_artifact(run_id, "late.txt")
"""


def _mlflow(script: str, folder: Path, *args: str, **extra: str) -> str:
    env = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin", **extra}
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def store(tmp_path: Path) -> dict[str, Any]:
    """An MLflow SQLite store with two experiments (one deleted), nested runs, NaN metrics and artifacts."""
    folder = tmp_path / "mlflow"
    folder.mkdir()
    uri = f"sqlite:///{folder / 'mlflow.db'}"
    names = {"churn": unique("churn"), "gone": unique("gone")}
    made = _mlflow(MAKE_STORE, folder, uri, (folder / "artifacts").as_uri(), names["churn"], names["gone"])
    return {"uri": uri, "folder": folder, **names, **json.loads(made.splitlines()[-1])}


def test_an_mlflow_store_arrives_whole_and_a_second_import_copies_nothing(
    target: Target, store: dict[str, Any]
) -> None:
    with target.client() as client:
        summary = MlflowImport(mlflow_client(store["uri"]), client.backend).run()
        assert summary.failed == []
        assert (summary.runs_created, summary.metric_points, summary.artifacts) == (4, 6, 2)
        tracking = client.tracking

        churn = tracking.get_experiment_by_name(store["churn"])
        assert churn.tags["team"] == "growth" and churn.lifecycle_stage == "active"
        assert tracking.get_experiment_by_name(store["gone"]).lifecycle_stage == "deleted"

        parent = tracking.get_run(store["parent"])  # the MLflow run id is kept
        assert (parent.experiment_id, parent.run_name, parent.status) == (
            churn.experiment_id,
            "parent",
            "FINISHED",
        )
        assert (parent.start_time, parent.end_time) == (1_000, 9_000)
        assert parent.params == {"lr": "0.01", "depth": "6"} and parent.tags["stage"] == "train"
        history = tracking.get_metric_series(store["parent"], "loss")
        assert history.steps == [0, 1, 2, 3] and history.timestamps == [2_000, 2_001, 2_002, 2_003]
        assert history.values[:2] == [0.9, 0.7] and math.isnan(history.values[2]) and history.values[3] == 0.4
        assert parent.metrics["auc"] == 0.81

        child = tracking.get_run(store["child"])
        assert child.parent_run_id == store["parent"] and child.status == "FAILED"
        assert tracking.get_run(store["dropped"]).lifecycle_stage == "deleted"

        listed = {
            a.path: a.size for a in tracking.list_artifacts(store["parent"], recursive=True) if not a.is_dir
        }
        assert listed == {"notes.txt": 5, "nested/weights.bin": 256 * 4000}
        with tracking.open_artifact(store["parent"], "nested/weights.bin") as stream:
            assert stream.read() == bytes(range(256)) * 4000

        again = MlflowImport(mlflow_client(store["uri"]), client.backend).run()
        assert (
            again.runs_created,
            again.runs_updated,
            again.metric_points,
            again.artifacts,
            again.params,
        ) == (
            0,
            0,
            0,
            0,
            0,
        )
        assert again.runs_unchanged == 4 and again.experiments_matched == 3  # with MLflow's Default
        assert len(tracking.get_metric_series(store["parent"], "loss").steps) == 4


def test_an_interrupted_import_is_finished_by_the_next_and_new_mlflow_data_follows(
    sqlite_target: Target, store: dict[str, Any]
) -> None:
    with sqlite_target.client() as client:
        tracking = client.tracking
        # what an import cut short leaves: the experiment, the run, and the first two loss points
        experiment = tracking.create_experiment(store["churn"])
        tracking.create_run(experiment, run_name="parent", start_time=1_000, run_id=store["parent"])
        client.log_batch(store["parent"], [("loss", 0.9, 0, 2_000), ("loss", 0.7, 1, 2_001)])

        summary = MlflowImport(mlflow_client(store["uri"]), client.backend).run([store["churn"]])
        assert summary.failed == [] and summary.experiments_matched == 1
        assert (summary.runs_created, summary.runs_updated) == (2, 1)
        assert tracking.get_metric_series(store["parent"], "loss").steps == [0, 1, 2, 3]
        assert tracking.get_run(store["parent"]).status == "FINISHED"

        _mlflow(MORE, store["folder"], store["uri"], store["parent"])
        later = MlflowImport(mlflow_client(store["uri"]), client.backend).run([store["churn"]])
        assert (later.runs_updated, later.runs_unchanged, later.metric_points, later.artifacts) == (
            1,
            2,
            1,
            1,
        )
        assert tracking.get_metric_series(store["parent"], "loss").steps == [0, 1, 2, 3, 4]
        assert tracking.artifact_info(store["parent"], "late.txt").size == len("added later")


def test_create_run_keeps_a_given_id_once(sqlite_target: Target) -> None:
    with sqlite_target.client() as client:
        run_id = "ab" * 16
        assert client.tracking.create_run("0", run_id=run_id).run_id == run_id
        with pytest.raises(Exception, match=f"a run with id '{run_id}' already exists"):
            client.tracking.create_run("0", run_id=run_id)
        with pytest.raises(Exception, match="run_id must be 32 lowercase hexadecimal"):
            client.tracking.create_run("0", run_id="AB" * 16)


def test_create_run_records_a_run_that_has_already_ended(target: Target) -> None:
    with target.client() as client:
        run = client.tracking.create_run("0", start_time=1_000, status="FAILED", end_time=5_000)
        stored = client.tracking.get_run(run.run_id)
        assert (stored.status, stored.start_time, stored.end_time) == ("FAILED", 1_000, 5_000)
        with pytest.raises(Exception, match="a RUNNING run has no end_time"):
            client.tracking.create_run("0", end_time=5_000)
        with pytest.raises(InvalidInput, match="status"):
            client.tracking.create_run("0", status="DONE")  # type: ignore[arg-type]


def test_the_command_imports_and_reports_and_its_mistakes_are_one_line(
    tmp_path: Path, store: dict[str, Any]
) -> None:
    cli = Cli({"TETHER_HOME": str(tmp_path / "home")})
    result = cli("import", "mlflow", "--from", store["uri"], "--experiment", store["churn"])
    assert result.exit_code == 0, result.output
    assert "runs created" in result.stdout and "metric points" in result.stdout

    missing = cli("import", "mlflow", "--from", str(tmp_path / "nowhere"))
    assert missing.exit_code == 1 and missing.stderr.startswith("error: no MLflow store at ")
    assert missing.stderr.count("\n") == 1
    unknown = cli("import", "mlflow", "--from", store["uri"], "--experiment", "no-such-experiment")
    assert unknown.exit_code == 1 and "has no experiment named 'no-such-experiment'" in unknown.stderr
    usage = cli("import", "mlflow")
    assert usage.exit_code == 2 and "--from" in usage.stderr
    with pytest.raises(NotFound):
        mlflow_client(str(tmp_path / "nowhere"))


FILE_STORE = """
import mlflow
mlflow.set_tracking_uri("file:./mlruns")
mlflow.set_experiment("from-files")
with mlflow.start_run(run_name="old") as run:
    mlflow.log_param("lr", 0.1)
    for step in range(3):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_text("kept", "notes/readme.txt")
print(run.info.run_id)
"""


def test_a_mlruns_folder_is_read_although_mlflow_3_keeps_it_closed_by_default(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    folder.mkdir()
    env_store = {"MLFLOW_ALLOW_FILE_STORE": "true"}  # only to write it: the import opens it on its own
    run_id = _mlflow(FILE_STORE, folder, **env_store).split()[-1]
    cli = Cli({"TETHER_HOME": str(tmp_path / "home")})
    result = cli("import", "mlflow", "--from", str(folder / "mlruns"), "--no-progress")
    assert result.exit_code == 0, result.output
    with tt.Client(home=tmp_path / "home") as client:
        assert client.tracking.get_run(run_id).params == {"lr": "0.1"}
        assert client.tracking.get_metric_series(run_id, "loss").steps == [0, 1, 2]
        with client.tracking.open_artifact(run_id, "notes/readme.txt") as stream:
            assert stream.read() == b"kept"


def test_an_mlflow_server_that_cannot_be_reached_is_one_line(tmp_path: Path) -> None:
    cli = Cli({"TETHER_HOME": str(tmp_path / "home"), "MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0"})
    result = cli("import", "mlflow", "--from", f"http://127.0.0.1:{free_port()}")
    assert result.exit_code == 1 and result.stderr.startswith("error: the MLflow store at http://127.0.0.1:")
    assert result.stderr.count("\n") == 1, result.stderr


WIDE_RUN = """
import sys
import mlflow
from mlflow.entities import Metric, Param, RunTag
from mlflow.tracking import MlflowClient

client = MlflowClient(sys.argv[1])
run_id = client.create_run(client.create_experiment("wide")).info.run_id
client.log_batch(run_id, params=[Param(f"p{i:03d}", str(i)) for i in range(100)])
client.log_batch(run_id, params=[Param(f"p{i:03d}", str(i)) for i in range(100, 200)])
client.log_batch(run_id, params=[Param(f"p{i:03d}", str(i)) for i in range(200, 250)])
client.log_batch(run_id, tags=[RunTag(f"t{i:03d}", "x" * i) for i in range(100)])
client.log_batch(run_id, tags=[RunTag(f"t{i:03d}", "y") for i in range(100, 130)])
for key in ("a", "b", "c"):
    for start in range(0, 900, 300):
        points = [Metric(key, step * 0.5, 10_000 - step, step) for step in range(start, start + 300)]
        client.log_batch(run_id, metrics=points[::-1])  # out of order: the import sorts them
print(run_id)
"""


@pytest.mark.parametrize("kind", ["database", "mlruns folder"])
def test_a_run_larger_than_one_batch_arrives_whole_from_either_kind_of_store(
    tmp_path: Path, kind: str
) -> None:
    """250 params, 130 tags and 2,700 points take several calls; a database is read in bulk, a folder
    key by key, and both must give the same run."""
    folder = tmp_path / "wide"
    folder.mkdir()
    uri = f"sqlite:///{folder / 'mlflow.db'}" if kind == "database" else (folder / "mlruns").as_uri()
    run_id = _mlflow(WIDE_RUN, folder, uri, MLFLOW_ALLOW_FILE_STORE="true").split()[-1]
    with tt.Client(home=tmp_path / "home") as client:
        summary = MlflowImport(mlflow_client(uri), client.backend).run(["wide"])
        assert summary.failed == [] and (summary.params, summary.metric_points) == (250, 2_700)
        run = client.tracking.get_run(run_id)
        assert run.params == {f"p{i:03d}": str(i) for i in range(250)}
        assert {k: v for k, v in run.tags.items() if k.startswith("t")} == {
            **{f"t{i:03d}": "x" * i for i in range(100)},
            **{f"t{i:03d}": "y" for i in range(100, 130)},
        }
        for key in ("a", "b", "c"):
            series = client.tracking.get_metric_series(run_id, key)
            assert series.steps == list(range(900)) and series.values == [s * 0.5 for s in range(900)]
            assert series.timestamps == [10_000 - s for s in range(900)]
