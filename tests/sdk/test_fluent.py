"""The fluent API against real stores and through a server, including how runs end when the program does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from tests.support import Target, unique

import tether as tt
from tether.errors import ConfigError, Conflict, InvalidInput, UnsafePath


@pytest.fixture
def client(fluent_client: tt.Client) -> tt.Client:
    return fluent_client


def test_quickstart_flow(client: tt.Client, tmp_path: Path) -> None:
    tt.set_experiment(unique("churn"))
    (tmp_path / "model.pkl").write_bytes(b"\x80model")
    with tt.start_run(run_name="gbm-1") as run:
        tt.log_params({"lr": 0.1, "depth": 6})
        for step in range(1000):
            tt.log_metric("loss", 1 / (step + 1), step=step)
        tt.log_dict({"features": ["a", "b"]}, "features.json")
        tt.log_artifact(tmp_path / "model.pkl")
    stored = client.get_run(run.run_id)
    assert stored.status == "FINISHED" and stored.run_name == "gbm-1"
    assert stored.params == {"lr": "0.1", "depth": "6"}
    assert stored.metrics["loss"] == pytest.approx(1 / 1000)
    assert len(client.get_metric_history(run.run_id, "loss")) == 1000
    assert sorted(a.path for a in client.list_artifacts(run.run_id)) == ["features.json", "model.pkl"]
    frame = tt.search_runs(filter="metrics.loss < 0.01 and params.depth = '6'", order_by=["metrics.loss ASC"])
    assert list(frame["run_id"]) == [run.run_id]
    assert {"metrics.loss", "params.lr", "tags.tether.user", "start_time"} <= set(frame.columns)


def test_system_tags_are_recorded(client: tt.Client) -> None:
    with tt.start_run() as run:
        pass
    tags = client.get_run(run.run_id).tags
    assert {"tether.source.name", "tether.user", "tether.host", "tether.python"} <= set(tags)
    assert client.get_run(run.run_id).user_id == tags["tether.user"]


def test_steps_continue_per_key(client: tt.Client) -> None:
    with tt.start_run() as run:
        for value in (3.0, 2.0, 1.0):
            tt.log_metric("auto", value)
        tt.log_metric("auto", 0.5, step=10)
        tt.log_metric("auto", 0.4)
        tt.log_metrics({"a": 1.0, "b": 2.0}, step=5)
    steps = [m.step for m in client.get_metric_history(run.run_id, "auto")]
    assert steps == [0, 1, 2, 10, 11]
    assert client.get_run(run.run_id).metrics == {"auto": 0.4, "a": 1.0, "b": 2.0}


def test_exception_marks_run_failed_and_propagates(client: tt.Client) -> None:
    with pytest.raises(ZeroDivisionError), tt.start_run() as run:
        tt.log_metric("before", 1.0)
        _ = 1 / 0
    stored = client.get_run(run.run_id)
    assert stored.status == "FAILED" and stored.metrics == {"before": 1.0}
    assert tt.active_run() is None


def test_keyboard_interrupt_marks_run_killed(client: tt.Client) -> None:
    with pytest.raises(KeyboardInterrupt), tt.start_run() as run:
        raise KeyboardInterrupt
    assert client.get_run(run.run_id).status == "KILLED"


def test_nested_runs(client: tt.Client) -> None:
    with tt.start_run(run_name="parent") as parent:
        with pytest.raises(InvalidInput, match="still active"):
            tt.start_run()
        with tt.start_run(nested=True, run_name="child") as child:
            assert tt.active_run() is child
        assert tt.active_run() is parent
    assert client.get_run(child.run_id).parent_run_id == parent.run_id
    assert client.get_run(parent.run_id).status == "FINISHED"


def test_end_run_closes_nested_children_too(client: tt.Client) -> None:
    parent = tt.start_run()
    child = tt.start_run(nested=True)
    tt.end_run()  # ends the child
    assert tt.active_run() is parent
    tt.start_run(nested=True)
    parent.__exit__(None, None, None)
    assert tt.active_run() is None
    assert client.get_run(child.run_id).status == "FINISHED"


def test_resume_a_run(client: tt.Client) -> None:
    with tt.start_run() as run:
        tt.log_param("a", 1)
    with tt.start_run(run.run_id):
        tt.log_metric("later", 2.0)
    stored = client.get_run(run.run_id)
    assert stored.status == "FINISHED" and stored.metrics == {"later": 2.0}


def test_logging_without_a_run_is_a_clear_error(client: tt.Client) -> None:
    for call in (lambda: tt.log_metric("m", 1.0), lambda: tt.log_param("p", 1), lambda: tt.set_tag("t", 1)):
        with pytest.raises(InvalidInput, match="no active run"):
            call()


def test_bad_metric_values_fail_at_the_call(client: tt.Client) -> None:
    with tt.start_run():
        with pytest.raises(InvalidInput, match="must be a number"):
            tt.log_metric("m", "high")  # type: ignore[arg-type]
        with pytest.raises(InvalidInput, match="may contain only"):
            tt.log_metric("bad key!", 1.0)
        with pytest.raises(InvalidInput, match="step"):
            tt.log_metric("m", 1.0, step=1.5)  # type: ignore[arg-type]


def test_param_conflict_is_raised_synchronously(client: tt.Client) -> None:
    with tt.start_run():
        tt.log_param("lr", 0.1)
        with pytest.raises(Conflict):
            tt.log_param("lr", 0.2)


def test_set_experiment_by_id_and_deleted(client: tt.Client) -> None:
    name = unique("x")
    exp = client.create_experiment(name)
    assert tt.set_experiment(experiment_id=exp).name == name
    client.delete_experiment(exp)
    with pytest.raises(InvalidInput, match="deleted"):
        tt.set_experiment(name)
    with pytest.raises(InvalidInput):
        tt.set_experiment()


def test_search_runs_by_experiment_name(client: tt.Client) -> None:
    one, two = unique("one"), unique("two")
    with tt.start_run(experiment=one):
        tt.log_metric("m", 1.0)
    with tt.start_run(experiment=two):
        tt.log_metric("m", 2.0)
    frame = tt.search_runs(experiment_names=[one, two], order_by=["metrics.m DESC"])
    assert list(frame["metrics.m"]) == [2.0, 1.0]
    assert tt.search_runs(filter="metrics.m > 5").empty


def test_artifact_paths_cannot_climb_out_of_their_run(client: tt.Client) -> None:
    with tt.start_run() as run:
        for path in ("../escape.txt", "a/../../escape.txt", "./../escape.txt"):
            with pytest.raises(UnsafePath):
                tt.log_text("x", path)
            with pytest.raises(UnsafePath), client.open_artifact(run.run_id, path):
                pass
    assert client.list_artifacts(run.run_id) == []


def test_configure_refuses_a_uri_that_is_not_http() -> None:
    with pytest.raises(ConfigError, match="http://"):
        tt.configure(uri="localhost:5050")


SCRIPT = """
import sys, tether as tt
tt.set_experiment(sys.argv[1])
run = tt.start_run()
for i in range(5000):
    tt.log_metric("m", float(i))
{ending}
"""


def run_script(script: str, target: Target, experiment: str) -> subprocess.CompletedProcess[str]:
    """Run a program that logs with tether, pointed at the target only through its environment."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script), experiment],
        env={**{k: v for k, v in os.environ.items() if not k.startswith("TETHER_")}, **target.env()},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("ending", "status", "code"),
    [
        ("pass", "FINISHED", 0),
        ("sys.exit(0)", "FINISHED", 0),
        ("raise RuntimeError('boom')", "FAILED", 1),
        ("raise KeyboardInterrupt", "KILLED", -2),  # Python re-raises SIGINT on an uncaught Ctrl-C
    ],
)
def test_program_exit_flushes_and_ends_runs(
    sqlite_target: Target, ending: str, status: str, code: int
) -> None:
    """Nothing logged is lost when a script ends without end_run, however it ends, locally or remotely."""
    experiment = unique("exit-test")
    done = run_script(SCRIPT.format(ending=ending), sqlite_target, experiment)
    assert done.returncode == code, done.stderr
    with sqlite_target.client() as client:
        runs = client.search_runs([client.get_experiment_by_name(experiment).experiment_id]).items
        assert [r.status for r in runs] == [status]
        assert len(client.get_metric_history(runs[0].run_id, "m")) == 5000


def test_sys_exit_inside_a_with_block(sqlite_target: Target) -> None:
    script = """
        import sys, tether as tt
        with tt.start_run(experiment=sys.argv[1]):
            tt.log_metric("m", 1.0)
            sys.exit(3)
        """
    experiment = unique("exit-test")
    done = run_script(script, sqlite_target, experiment)
    assert done.returncode == 3, done.stderr
    with sqlite_target.client() as client:
        runs = client.search_runs([client.get_experiment_by_name(experiment).experiment_id]).items
        assert [(r.status, r.metrics) for r in runs] == [("FAILED", {"m": 1.0})]
