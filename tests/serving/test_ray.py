"""Serving on Ray Serve: two replicas behind Ray's proxy give the answers one server gives, over every
protocol; replicas that cannot load their models fail the deploy with the reason; ``tether serve --on ray``
deploys on a running cluster and takes its app down on SIGTERM; Ray options where they do not belong are
one-line usage errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from ray import serve
from tests.cli.runner import Cli
from tests.serving.support import FRAME, VersionedSource, expected, package
from tests.support import free_port

from tether.errors import TetherError
from tether.serving import ray_app
from tether.serving.config import RaySettings, ServedModelConfig, ServingConfig

EXECUTABLE = Path(sys.executable).parent / "tether"
ROWS = FRAME.head(2)


def _config(port: int, replicas: int) -> ServingConfig:
    return ServingConfig(
        port=port,
        models=[ServedModelConfig(uri="models:/churn@champion", max_latency_ms=5)],
        ray=RaySettings(replicas=replicas, num_cpus_per_replica=0.5),
    )


@pytest.fixture
def replicas(on_ray: str, tmp_path: Path) -> str:
    """Two replicas of a server over the registry versions of ``VersionedSource``; the proxy's URL."""
    port = free_port()
    source = VersionedSource(tmp_path)  # the packages are written here; each replica gets a copy of it
    ray_app.deploy(_config(port, replicas=2), lambda: source)
    return f"http://127.0.0.1:{port}"


def test_two_replicas_answer_every_protocol(replicas: str) -> None:
    status = serve.status().applications[ray_app.APP]
    assert status.deployments[ray_app.APP].replica_states == {"RUNNING": 2}
    body = {"instances": ROWS.to_dict("records")}
    with httpx.Client(base_url=replicas, timeout=30) as client:
        assert client.get("/readyz").json() == {"ready": True, "models": {"churn": True}}
        answer = client.post("/v1/models/churn/predict", json=body, headers={"x-request-id": "r-1"})
        assert answer.status_code == 200, answer.text
        assert answer.json() == {"model": "churn", "version": 1, "predictions": pytest.approx(expected(ROWS))}
        assert answer.headers.get_list("x-request-id") == ["r-1"]  # once, though proxy and server both set it
        assert answer.headers["x-tether-model-version"] == "1"

        request = {
            "id": "q-1",
            "inputs": [
                {"name": "age", "shape": [2], "datatype": "FP64", "data": list(ROWS.age)},
                {"name": "visits", "shape": [2], "datatype": "FP64", "data": list(ROWS.visits)},
            ],
        }
        infer = client.post("/v2/models/churn/infer", json=request).json()
        assert infer["id"] == "q-1" and infer["model_version"] == "1"
        assert infer["outputs"][0]["data"] == pytest.approx(expected(ROWS))

        with ThreadPoolExecutor(8) as pool:  # requests at once, so Ray's router spreads them
            answers = list(pool.map(lambda _: client.post("/v1/models/churn/predict", json=body), range(48)))
    assert {response.status_code for response in answers} == {200}
    assert len({response.headers["x-tether-replica"] for response in answers}) == 2


def test_the_command_serves_on_a_running_cluster_and_takes_its_app_down(on_ray: str, tmp_path: Path) -> None:
    folder = package(tmp_path / "churn", 1.0)
    port = free_port()
    command = [str(EXECUTABLE), "serve", str(folder), "--on", "ray", "--ray-address", on_ray]
    command += ["--port", str(port), "--log-level", "warning"]
    env = {**os.environ, "TETHER_HOME": str(tmp_path / "home")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        with ThreadPoolExecutor(1) as reader:  # announced only once the app is RUNNING
            assert f"serving churn on {url}" in reader.submit(_announcement, process).result(timeout=90)
        assert httpx.get(f"{url}/readyz").status_code == 200
        answer = httpx.post(f"{url}/v1/models/churn/predict", json={"instances": ROWS.to_dict("records")})
        assert answer.json()["predictions"] == pytest.approx(expected(ROWS))
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode == 0 and "Traceback" not in err, err
    assert ray_app.APP not in serve.status().applications


def _announcement(process: subprocess.Popen[str]) -> str:
    """What the command wrote up to the line that says where it serves."""
    assert process.stderr is not None
    lines = []
    for line in process.stderr:
        lines.append(line)
        if " on http://" in line:
            return line
    raise AssertionError(f"the command ended before serving:\n{''.join(lines)}")


def test_replicas_that_cannot_load_fail_the_deploy_with_their_error(on_ray: str, tmp_path: Path) -> None:
    source = VersionedSource(tmp_path)
    source.folders[1] = tmp_path / "not-a-package"
    source.folders[1].mkdir()
    with pytest.raises(
        TetherError, match=r"did not start: tether.errors.CorruptPackage: .* not a model package"
    ):
        ray_app.deploy(_config(free_port(), replicas=1), lambda: source)


def test_replicas_are_a_fixed_count_or_autoscaling_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TETHER_URI", "http://tether.internal:5000")
    fixed = ray_app.deployment_options(RaySettings(replicas=4))
    assert fixed["num_replicas"] == 4 and "autoscaling_config" not in fixed
    assert (
        fixed["ray_actor_options"]["runtime_env"]["env_vars"]["TETHER_URI"] == "http://tether.internal:5000"
    )
    scaled = ray_app.deployment_options(
        RaySettings(min_replicas=2, max_replicas=8, target_ongoing_requests=16)
    )
    assert "num_replicas" not in scaled
    assert scaled["autoscaling_config"] == {
        "min_replicas": 2,
        "initial_replicas": 2,
        "max_replicas": 8,
        "target_ongoing_requests": 16,
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--replicas", "2"], "Invalid value for '--replicas': only with --on ray"),
        (["--on", "local", "--ray-address", "auto"], "Invalid value for '--ray-address': only with --on ray"),
        (["--on", "ray", "--workers", "2"], "use --replicas"),
        (["--on", "ray", "--min-replicas", "2"], "min_replicas needs max_replicas"),
        (["--on", "ray", "--replicas", "9", "--max-replicas", "4"], "must lie between min_replicas (1)"),
        (["--on", "elsewhere"], "'--on'"),
        (["--on", "ray", "--deployment", "churn-api"], "Ray Serve replicas do not report"),
    ],
)
def test_ray_options_out_of_place_are_usage_errors(tmp_path: Path, args: list[str], message: str) -> None:
    result = Cli({"TETHER_HOME": str(tmp_path)})("serve", "models:/churn@champion", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr and result.stderr.count("\n") == 1, result.stderr


def test_a_serving_yaml_with_a_ray_section_is_served_on_ray(tmp_path: Path) -> None:
    config = tmp_path / "serving.yaml"
    config.write_text("models:\n  - uri: models:/churn@champion\nray:\n  replicas: 2\n")
    result = Cli({"TETHER_HOME": str(tmp_path)})("serve", str(config), "--workers", "2")
    assert result.exit_code == 2 and "on Ray each replica is one process" in result.stderr, result.output
    assert (
        Cli({"TETHER_HOME": str(tmp_path)})(
            "serve", str(config), "--on", "local", "--replicas", "3"
        ).exit_code
        == 2
    )


def test_without_ray_the_error_says_what_to_install(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # what an install without the extra sees
    monkeypatch.delitem(sys.modules, "tether.serving.ray_app")
    folder = package(tmp_path / "churn", 1.0)
    result = Cli({"TETHER_HOME": str(tmp_path / "home")})("serve", str(folder), "--on", "ray")
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[-1] == "error: serving on Ray needs Ray Serve: pip install 'tether[ray]'"
    )
