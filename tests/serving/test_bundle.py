"""``tether deploy build``: a bundle for a real logged model, its manifests checked against the Kubernetes
schemas, its Dockerfile linted, its serving settings served, and clear refusals."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import sysconfig
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import kubernetes_validate
import numpy as np
import pandas as pd
import pytest
import yaml
from pydantic import ValidationError
from sklearn.linear_model import LogisticRegression
from tests.cli.runner import Cli
from tests.support import Target, free_port, unique

import tether as tt
from tether.cli.deploy import BackendPackages
from tether.cli.serve import BackendSource
from tether.client import Backend
from tether.config import Settings
from tether.errors import AlreadyExists, InvalidInput, NotFound, UnsafeModel
from tether.models.package import load_package
from tether.serving.bundle import Bundle, BundleOptions, build_bundle, merged, serving_config
from tether.serving.config import read_config
from tether.version import __version__

K8S_VERSIONS = ["1.30", "1.37"]
"""An older release clusters still run and the newest that kubernetes-validate ships schemas for."""
HADOLINT = Path(sysconfig.get_path("scripts")) / "hadolint"
FRAME = pd.DataFrame({"tenure": np.arange(8.0), "spend": np.arange(8.0)[::-1] * 3})
LABELS = [0, 0, 0, 0, 1, 1, 1, 1]
MANIFESTS = ("deployment.yaml", "service.yaml", "hpa.yaml")


@dataclass
class Logged:
    """A registered sklearn model with a ``champion`` alias, in a store reached through ``client``."""

    client: tt.Client
    name: str
    run_uri: str
    expected: list[int]

    @property
    def backend(self) -> Backend:
        return self.client.backend


def _log(client: tt.Client, model: Any = None, name: str | None = None) -> Logged:
    model = model or LogisticRegression().fit(FRAME, LABELS)
    name = name or unique("churn")
    run = client.create_run(experiment_id="0").run_id
    info = client.log_model(run, model, input_example=FRAME.head(3), registered_model_name=name)
    assert info.version is not None
    client.registry.set_alias(name, "champion", info.version)
    return Logged(client, name, info.model_uri, list(model.predict(FRAME)))


@pytest.fixture
def logged(tmp_path: Path) -> Iterator[Logged]:
    """On an embedded store of the test's own."""
    with tt.Client(tmp_path / "home") as client:
        yield _log(client)


def _build(logged: Logged, out: Path, uri: str | None = None, force: bool = False, **options: Any) -> Bundle:
    config = serving_config(uri or f"models:/{logged.name}@champion")
    return build_bundle(config, out, BackendPackages(logged.backend), BundleOptions(**options), force=force)


def _manifest(out: Path, file: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((out / "k8s" / file).read_text())
    return document


def test_the_cli_bundles_a_registered_model_through_either_backend(
    sqlite_target: Target, tmp_path: Path
) -> None:
    with sqlite_target.client() as client:
        logged = _log(client)
    out = tmp_path / "build"
    cli = Cli(sqlite_target.env())
    result = cli("deploy", "build", f"models:/{logged.name}@champion", "-o", str(out), "--json")
    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    k8s_name = logged.name.lower()
    assert report["name"] == k8s_name and report["image"] == f"{k8s_name}:1"
    assert report["models"] == [
        {"name": logged.name, "uri": f"models:/{logged.name}@champion", "version": 1, "folder": "model"}
    ]
    files = [".dockerignore", "Dockerfile", "k8s/deployment.yaml", "k8s/hpa.yaml", "k8s/service.yaml"]
    assert report["files"] == [*files, "model/", "requirements.txt", "serving.yaml"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [".dockerignore", "Dockerfile", "k8s", "model", "requirements.txt", "serving.yaml"]
    )
    assert all((out / file).is_file() for file in files)
    package = load_package(out / "model")  # the files as logged: every digest matches the manifest
    assert list(package.predict(FRAME)) == logged.expected
    requirements = (out / "requirements.txt").read_text().splitlines()
    assert requirements[1] == f"tether=={__version__}"
    assert set(package.manifest.requirements) <= set(requirements)
    assert all("==" in line for line in requirements if not line.startswith("#"))

    text = cli("deploy", "build", f"models:/{logged.name}/1", "-o", str(out), "--force")
    assert text.exit_code == 0, text.stderr
    assert f"bundled {logged.name} from models:/{logged.name}/1 (version 1) into {out}/model" in text.stdout
    assert f"docker build -t {k8s_name}:1 {out}" in text.stdout


def test_the_bundled_settings_point_tether_serve_at_the_bundled_model(
    logged: Logged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "build"
    _build(logged, out, port=9000)
    monkeypatch.chdir(out)  # the image's working directory
    config = read_config(Path("serving.yaml"))
    assert (config.host, config.port) == ("0.0.0.0", 9000)
    [model] = config.models
    assert (model.uri, model.served_as, model.follow) == ("model", logged.name, False)
    loaded = BackendSource(logged.backend).load(model, None)
    assert list(loaded.model.predict(FRAME)) == logged.expected


def test_tether_serve_runs_the_bundle(logged: Logged, tmp_path: Path) -> None:
    out = tmp_path / "build"
    _build(logged, out)
    port = free_port()
    env = {**os.environ, "TETHER_HOME": str(tmp_path / "container-home")}
    command = [sys.executable, "-m", "tether.cli.main", "serve", "serving.yaml", "--host", "127.0.0.1"]
    process = subprocess.Popen(
        [*command, "--port", str(port)], cwd=out, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(f"{base}/healthz").status_code == 200
        rows = FRAME.head(4).to_dict("records")
        answer = httpx.post(f"{base}/v1/models/{logged.name}/predict", json={"instances": rows})
        assert answer.status_code == 200, answer.text
        assert answer.json()["predictions"] == logged.expected[:4]
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=30)
    assert process.returncode in (0, -signal.SIGTERM), stderr.decode()
    assert "Application shutdown complete" in stderr.decode()


@pytest.mark.parametrize("version", K8S_VERSIONS)
def test_every_manifest_is_valid_kubernetes(logged: Logged, tmp_path: Path, version: str) -> None:
    out = tmp_path / "build"
    options = {"replicas": 3, "min_replicas": 2, "max_replicas": 8, "port": 9000, "target_cpu": 60}
    resources = {"cpu": "250m", "cpu_limit": "1", "memory": "256Mi", "memory_limit": "512Mi"}
    bundle = _build(
        logged, out, name="churn-api", image="registry.example.com/churn:7", **options, **resources
    )
    for file in MANIFESTS:
        kubernetes_validate.validate(_manifest(out, file), version, strict=True)

    deployment = _manifest(out, "deployment.yaml")
    assert deployment["metadata"]["name"] == bundle.name == "churn-api"
    assert deployment["spec"]["replicas"] == 3
    [container] = deployment["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.example.com/churn:7"
    assert container["ports"] == [{"name": "http", "containerPort": 9000, "protocol": "TCP"}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["resources"] == {
        "requests": {"cpu": "250m", "memory": "256Mi"},
        "limits": {"cpu": "1", "memory": "512Mi"},
    }
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    service = _manifest(out, "service.yaml")
    assert service["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    hpa = _manifest(out, "hpa.yaml")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "churn-api",
    }
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 8)
    assert hpa["spec"]["metrics"][0]["resource"]["target"] == {
        "type": "Utilization",
        "averageUtilization": 60,
    }


def test_the_schema_check_does_catch_a_broken_manifest(logged: Logged, tmp_path: Path) -> None:
    _build(logged, tmp_path / "build")
    deployment = _manifest(tmp_path / "build", "deployment.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["port"] = 1.5
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)
    deployment = _manifest(tmp_path / "build", "deployment.yaml")
    deployment["spec"]["template"]["spec"]["containers"][0]["healthcheck"] = "/healthz"
    with pytest.raises(kubernetes_validate.ValidationError, match="healthcheck"):
        kubernetes_validate.validate(deployment, K8S_VERSIONS[-1], strict=True)


def _hadolint(dockerfile: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HADOLINT), "--no-color", "--failure-threshold", "style", str(dockerfile)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_dockerfile_passes_hadolint_and_runs_tether_serve_as_a_user(
    logged: Logged, tmp_path: Path
) -> None:
    out = tmp_path / "build"
    _build(logged, out, port=9000)
    linted = _hadolint(out / "Dockerfile")
    assert (linted.returncode, linted.stdout, linted.stderr) == (0, "", "")
    lines = (out / "Dockerfile").read_text().splitlines()
    instructions = [line.split(" ", 1) for line in lines]
    assert instructions[0] == ["FROM", f"python:{sys.version_info.major}.{sys.version_info.minor}-slim"]
    assert [
        "RUN",
        "pip install --no-cache-dir --disable-pip-version-check -r requirements.txt",
    ] in instructions
    assert ["EXPOSE", "9000"] in instructions
    assert instructions[-1] == ["ENTRYPOINT", '["tether", "serve", "serving.yaml"]']
    user = [argument for instruction, argument in instructions if instruction == "USER"]
    assert user == ["10001:10001"]
    [health] = [argument for instruction, argument in instructions if instruction == "HEALTHCHECK"]
    assert "http://127.0.0.1:9000/healthz" in health
    ignored = (out / ".dockerignore").read_text().splitlines()
    assert ignored[1:] == ["*", "!model", "!requirements.txt", "!serving.yaml"]


def test_the_linter_does_flag_a_careless_dockerfile(tmp_path: Path) -> None:
    careless = tmp_path / "Dockerfile"
    careless.write_text("FROM python\nRUN pip install tether\nCMD tether serve serving.yaml\n")
    linted = _hadolint(careless)
    assert linted.returncode != 0
    assert {"DL3006", "DL3013", "DL3042", "DL3025"} <= {
        word for word in linted.stdout.split() if word[:2] == "DL"
    }


def test_a_folder_that_is_not_empty_is_replaced_only_with_force(logged: Logged, tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "NOTES.md").write_text("keep me")
    with pytest.raises(AlreadyExists, match="not empty; pass --force"):
        _build(logged, out)
    assert [p.name for p in out.iterdir()] == ["NOTES.md"]
    _build(logged, out, force=True)
    _build(logged, out, force=True, image="registry.example.com/churn:2")
    assert _manifest(out, "deployment.yaml")["spec"]["template"]["spec"]["containers"][0]["image"] == (
        "registry.example.com/churn:2"
    )
    assert (out / "NOTES.md").read_text() == "keep me"
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".")) == [".dockerignore"]
    load_package(out / "model")  # replaced whole: no file of the earlier copy is left to fail the manifest


def test_a_missing_model_is_not_found_and_leaves_nothing_behind(logged: Logged, tmp_path: Path) -> None:
    out = tmp_path / "build"
    for uri in (f"models:/{unique('nobody')}@champion", f"models:/{logged.name}/9", str(tmp_path / "none")):
        with pytest.raises(NotFound):
            _build(logged, out, uri=uri)
        assert not out.exists()
    with pytest.raises(NotFound):
        _build(logged, out, uri=f"runs:/{'0' * 32}/model")
    with pytest.raises(InvalidInput, match="names no path"):
        _build(logged, out, uri=logged.run_uri.rsplit("/", 1)[0], name="churn")


def test_a_missing_model_on_the_command_line_is_one_line_and_exit_1(tmp_path: Path) -> None:
    cli = Cli(_local_env(tmp_path))
    result = cli("deploy", "build", "models:/nobody@champion", "-o", str(tmp_path / "build"))
    assert result.exit_code == 1
    assert result.stderr == "error: no registered model named 'nobody'\n"


def _local_env(tmp_path: Path) -> dict[str, str]:
    settings = Settings.at(tmp_path / "home")
    return {"TETHER_HOME": str(settings.home), "TETHER_DB_URL": settings.db_url, "COLUMNS": "240"}


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ([], "Missing option '--output'"),
        (["-o", "build", "--replicas", "0"], "'--replicas'"),
        (["-o", "build", "--min-replicas", "5", "--max-replicas", "2"], "must lie between"),
        (["-o", "build", "--cpu", "lots"], "'lots' is not a Kubernetes quantity"),
        (["-o", "build", "--memory", "1Gi", "--memory-limit", "512Mi"], "memory_limit (512Mi) is below"),
        (["-o", "build", "--name", "Churn_API"], "must be a Kubernetes name"),
        (["-o", "build", "--target-cpu", "150"], "'--target-cpu'"),
    ],
)
def test_usage_errors_exit_2_with_one_line(tmp_path: Path, arguments: list[str], says: str) -> None:
    result = Cli(_local_env(tmp_path))("deploy", "build", "models:/churn@champion", *arguments)
    assert result.exit_code == 2, result.stdout
    assert result.stderr.startswith("error: ") and says in result.stderr
    assert result.stderr.endswith("(see 'tether deploy build --help')\n") and result.stderr.count("\n") == 1


def test_the_group_alone_shows_its_help_and_pickle_goes_in_the_file(tmp_path: Path) -> None:
    cli = Cli(_local_env(tmp_path))
    alone = cli("deploy")
    assert alone.exit_code == 2 and "build" in alone.stderr + alone.stdout
    helped = cli("deploy", "build", "--help")
    assert helped.exit_code == 0 and "tether deploy build models:/churn@champion -o build/" in helped.stdout
    pickled = cli("deploy", "build", "serving.yaml", "-o", "build", "--allow-pickle")
    assert pickled.exit_code == 2 and "allow_pickle per model" in pickled.stderr


def test_a_serving_yaml_bundles_each_model_in_a_folder_of_its_own(logged: Logged, tmp_path: Path) -> None:
    fraud = _log(logged.client, name=unique("fraud"))
    settings = {
        "workers": 2,
        "models": [
            {"uri": f"models:/{logged.name}@champion", "name": "churn", "max_batch_rows": 64},
            {"uri": fraud.run_uri, "name": "fraud"},
        ],
    }
    (tmp_path / "serving.yaml").write_text(yaml.safe_dump(settings))
    out = tmp_path / "build"
    with pytest.raises(InvalidInput, match="several models needs a name"):
        _build(logged, out, uri=str(tmp_path / "serving.yaml"))
    bundle = _build(logged, out, uri=str(tmp_path / "serving.yaml"), name="scoring")
    assert [(m.name, m.version, m.folder) for m in bundle.models] == [
        ("churn", 1, "model/churn"),
        ("fraud", None, "model/fraud"),
    ]
    assert bundle.image == "scoring:latest"
    config = read_config(out / "serving.yaml")
    assert config.workers == 2
    assert [(m.uri, m.follow, m.max_batch_rows) for m in config.models] == [
        ("model/churn", False, 64),
        ("model/fraud", False, 256),
    ]
    for model in bundle.models:
        load_package(out / model.folder)
    requirements = [line.split("==")[0] for line in bundle.requirements]
    assert requirements[0] == "tether" and len(requirements) == len(set(requirements))


class Doubler:
    """A plain object with ``predict``: it is stored with cloudpickle."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return np.asarray(frame["tenure"]) * 2


def test_a_package_that_loads_with_pickle_needs_an_opt_in(logged: Logged, tmp_path: Path) -> None:
    pickled = _log(logged.client, Doubler())
    uri = f"models:/{pickled.name}@champion"
    with pytest.raises(UnsafeModel, match="--allow-pickle"):
        _build(pickled, tmp_path / "build", uri=uri)
    config = serving_config(uri, allow_pickle=True)
    build_bundle(config, tmp_path / "build", BackendPackages(pickled.backend), BundleOptions())
    assert read_config(tmp_path / "build" / "serving.yaml").models[0].allow_pickle is True


def test_options_are_checked_together_and_default_sensibly() -> None:
    defaults = BundleOptions(replicas=4)
    assert (defaults.min_replicas, defaults.max_replicas) == (4, 10)
    assert (defaults.cpu_limit, defaults.memory_limit) == (defaults.cpu, defaults.memory)
    assert BundleOptions(replicas=30).max_replicas == 30
    assert BundleOptions(cpu="1.5", cpu_limit="1500m", memory="1Gi", memory_limit="1024Mi").cpu == "1.5"
    for wrong in (
        {"cpu": "2", "cpu_limit": "1"},
        {"memory": "1G", "memory_limit": "1Gi", "cpu": "-1"},
        {"replicas": 5, "max_replicas": 3},
        {"name": "9lives"},
        {"unknown": 1},
    ):
        with pytest.raises(ValidationError):
            BundleOptions(**wrong)


def test_requirements_merge_once_each_and_refuse_two_pins_of_one_distribution() -> None:
    assert merged(["tether==0.1.0", "numpy==2.0.1", "NumPy==2.0.1", "scikit_learn==1.5", ""]) == [
        "tether==0.1.0",
        "numpy==2.0.1",
        "scikit_learn==1.5",
    ]
    with pytest.raises(InvalidInput, match="different versions of scikit-learn"):
        merged(["scikit-learn==1.5.0", "scikit_learn==1.4.2"])
