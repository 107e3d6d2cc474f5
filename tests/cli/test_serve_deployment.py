"""``tether serve --deployment NAME``: the running server registers with tether, reports its traffic each
interval, and is marked stopped when it stops; more than one worker is refused."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
import yaml
from tests.cli.runner import Cli
from tests.cli.test_serve import EXECUTABLE, _predict, _register, _set_alias, _wait_ready
from tests.support import Target, free_port, unique

import tether as tt
from tether.deployments.schemas import Deployment, ServedLane, ServedStats
from tether.errors import NotFound


def _serving_yaml(tmp_path: Path, name: str, **settings: object) -> Path:
    path = tmp_path / "serving.yaml"
    path.write_text(yaml.safe_dump({"models": [{"uri": f"models:/{name}@champion"}], **settings}))
    return path


def test_a_served_deployment_registers_reports_and_stops(sqlite_target: Target, tmp_path: Path) -> None:
    name, deployment = unique("churn"), unique("churn-prod")
    _set_alias(sqlite_target, name, _register(sqlite_target, name, 1.0))
    port = free_port()
    config = _serving_yaml(tmp_path, name, report_interval_s=0.2)
    command = [str(EXECUTABLE), "serve", str(config), "--port", str(port), "--deployment", deployment]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        env={**os.environ, **sqlite_target.env()},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    with sqlite_target.client() as client:
        try:
            _wait_ready(process, url)
            for _ in range(3):
                assert _predict(url, name).status_code == 200
            seen = _until_requests(client, deployment, 3)
            assert (seen.status, seen.url, seen.tether_version) == ("running", url, tt.__version__)
            assert [(m.served_name, m.model, m.version) for m in seen.models] == [(name, name, 1)]
            assert all(p.p50_ms is not None for p in seen.history if p.requests)
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = process.communicate(timeout=60)
        assert process.returncode in (0, -signal.SIGTERM) and b"Traceback" not in err, err.decode()
        assert client.deployments.get_deployment(deployment).status == "stopped"
        upstream = client.lineage.graph(f"deployment:{deployment}", depth=1)
        assert [edge.src for edge in upstream.edges] == [f"models:/{name}/1"]


def _until_requests(client: tt.Client, deployment: str, requests: int) -> Deployment:
    """The deployment once its reports add up to ``requests`` requests (60 s at most)."""
    deadline = time.monotonic() + 60
    while True:
        try:
            seen = client.deployments.get_deployment(deployment)
        except NotFound:
            seen = None
        if seen is not None and sum(p.requests for p in seen.history) >= requests:
            return seen
        assert time.monotonic() < deadline, "the deployment did not report its requests in 60 s"
        time.sleep(0.1)


def test_a_deployment_with_several_workers_is_refused(sqlite_target: Target, tmp_path: Path) -> None:
    name = unique("churn")
    _set_alias(sqlite_target, name, _register(sqlite_target, name, 1.0))
    done = subprocess.run(
        [str(EXECUTABLE), "serve", str(_serving_yaml(tmp_path, name, deployment="d", workers=2))],
        env={**os.environ, **sqlite_target.env()},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.splitlines()[-1] == (
        "error: a deployment reports the numbers of one process: serve it with one worker"
    )


@pytest.mark.parametrize("bad", ["no spaces", "a/b"])
def test_a_deployment_name_outside_the_rule_is_a_usage_error(sqlite_target: Target, bad: str) -> None:
    done = subprocess.run(
        [str(EXECUTABLE), "serve", "models:/churn@champion", "--deployment", bad],
        env={**os.environ, **sqlite_target.env()},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 2 and "deployment" in done.stderr, done.stderr


def test_the_deployments_commands_list_show_and_forget_one(sqlite_target: Target) -> None:
    name, deployment = unique("churn"), unique("churn-api")
    version = _register(sqlite_target, name, 1.0)
    lanes = [ServedLane(served_name="churn", uri=f"models:/{name}@champion", model=name, version=version)]
    with sqlite_target.client() as client:
        client.deployments.register_deployment(
            deployment, lanes, "http://10.0.0.5:8080", "pod-1", "0.1.0", 15.0
        )
        stats = [ServedStats(served_name="churn", requests=30, request_rate=2.0, p50_ms=3.5, p99_ms=9.0)]
        client.deployments.report_stats(deployment, 15.0, stats, None)
    cli = Cli({**sqlite_target.env(), "COLUMNS": "240"})

    listed = cli("deployments", "ls")
    assert listed.exit_code == 0, listed.stderr
    row = next(line for line in listed.stdout.splitlines() if line.startswith(deployment))
    assert "running" in row and f"churn {version}" in row and "9" in row
    document = cli.json("deployments", "ls")
    mine = next(d for d in document["deployments"] if d["name"] == deployment)
    assert mine["status"] == "running" and mine["last_seen_at_iso"].endswith("+00:00")
    stopped = cli.json("deployments", "ls", "--status", "stopped")["deployments"]
    assert deployment not in [d["name"] for d in stopped]

    shown = cli("deployments", "show", deployment)
    assert shown.exit_code == 0 and "http://10.0.0.5:8080" in shown.stdout and "latest window" in shown.stdout
    assert cli.json("deployments", "show", deployment)["models"][0]["version"] == version

    assert cli("deployments", "rm", deployment).exit_code == 0
    missing = cli("deployments", "show", deployment)
    assert missing.exit_code == 1 and missing.stderr.startswith("error: ") and missing.stderr.count("\n") == 1
    assert cli("deployments", "ls", "--status", "elsewhere").exit_code == 2
