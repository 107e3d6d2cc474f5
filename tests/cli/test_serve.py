"""``tether serve`` as a user runs it: the executable serves a registered alias, follows it when it moves,
logs predictions, and stops cleanly on SIGTERM; mistakes are one-line errors with the right exit code."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from sklearn.linear_model import LinearRegression
from tests.cli.runner import Cli
from tests.support import Target, free_port, unique

EXECUTABLE = Path(sys.executable).parent / "tether"
FRAME = pd.DataFrame({"age": [30.0, 40.0, 50.0, 20.0], "visits": [1.0, 5.0, 2.0, 7.0]})


def _register(target: Target, name: str, slope: float) -> int:
    """A new version of ``name`` predicting ``slope * age + visits``, logged with a run of its own."""
    with target.client() as client:
        run = client.tracking.create_run(client.tracking.create_experiment(unique("serve")))
        model = LinearRegression().fit(FRAME, FRAME.age * slope + FRAME.visits)
        info = client.log_model(run.run_id, model, input_example=FRAME.head(2), registered_model_name=name)
        assert info.version is not None
        return info.version


def _set_alias(target: Target, name: str, version: int) -> None:
    with target.client() as client:
        client.registry.set_alias(name, "champion", version)


def _wait_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 90
    while True:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the model server did not get ready in 90 s"
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)


def _predict(url: str, name: str) -> httpx.Response:
    body = {"instances": [{"age": 10.0, "visits": 1.0}]}
    return httpx.post(f"{url}/v1/models/{name}/predict", json=body, timeout=10)


def test_the_executable_serves_an_alias_follows_it_and_stops_on_sigterm(
    sqlite_target: Target, tmp_path: Path
) -> None:
    name = unique("churn")
    _set_alias(sqlite_target, name, _register(sqlite_target, name, 1.0))
    port, log = free_port(), tmp_path / "predictions"
    command = [str(EXECUTABLE), "serve", f"models:/{name}@champion", "--port", str(port)]
    command += ["--poll-interval", "0.2", "--log-predictions", str(log), "--log-level", "warning"]
    process = subprocess.Popen(
        command, env={**os.environ, **sqlite_target.env()}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, url)
        first = _predict(url, name)
        assert first.status_code == 200 and first.json()["predictions"] == pytest.approx([11.0])
        assert first.headers["x-tether-model-version"] == "1"

        _set_alias(sqlite_target, name, _register(sqlite_target, name, 2.0))
        deadline = time.monotonic() + 60
        while _predict(url, name).headers["x-tether-model-version"] != "2":
            assert time.monotonic() < deadline, "the server did not follow the alias in 60 s"
            time.sleep(0.1)
        assert _predict(url, name).json()["predictions"] == pytest.approx([21.0])
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    # uvicorn finishes the requests it holds, then lets the signal end the process as a supervisor expects
    assert process.returncode in (0, -signal.SIGTERM) and b"Traceback" not in err, err.decode()
    logged = pq.read_table(log / name / "predictions").to_pandas()  # written when the server stopped
    assert set(logged.model_version) == {"1", "2"} and (logged.age == 10.0).all()


def test_an_unknown_model_is_a_one_line_error_and_nothing_listens(sqlite_target: Target) -> None:
    port = free_port()
    done = subprocess.run(
        [str(EXECUTABLE), "serve", f"models:/{unique('missing')}@champion", "--port", str(port)],
        env={**os.environ, **sqlite_target.env()},
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )
    assert done.returncode == 1
    *before, last = done.stderr.splitlines()
    assert last.startswith("error: no registered model named") and len(before) <= 1, done.stderr
    assert " on http://" not in done.stderr  # never announced as serving
    with pytest.raises(httpx.TransportError):
        httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["serving.yaml", "--max-batch-rows", "8"], "go in the file when serving a serving.yaml"),
        (["missing.yaml"], "no such file: missing.yaml"),
        (["models:/churn@champion", "--log-sample-rate", "0.5"], "--log-sample-rate needs --log-predictions"),
        (["models:/churn@champion", "--max-batch-rows", "0"], "--max-batch-rows"),
        (["models:/churn@champion", "--name", "no spaces"], "served name"),
        (["models:/churn@champion", "--auth"], "--auth checks tokens against a tether server"),
        (["models:/churn@champion", "--canary-weight", "0.5"], "--canary-weight needs --canary URI"),
        (["models:/churn@champion", "--canary", "models:/churn@b", "--canary-weight", "1"], "weight"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    sqlite_cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "serving.yaml").write_text("models:\n  - uri: models:/churn@champion\n")
    result = sqlite_cli("serve", *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr


def test_a_bad_serving_yaml_names_the_setting(sqlite_cli: Cli, tmp_path: Path) -> None:
    config = tmp_path / "serving.yaml"
    config.write_text("models:\n  - uri: models:/churn@champion\n    max_batch_rows: many\n")
    result = sqlite_cli("serve", str(config))
    assert result.exit_code != 0 and "max_batch_rows" in result.stderr
    assert result.stderr.count("\n") == 1


def test_help_shows_examples(sqlite_cli: Cli) -> None:
    result = sqlite_cli("serve", "--help")
    assert result.exit_code == 0
    assert "tether serve models:/churn@champion --port 8080" in result.stdout
    assert "--log-predictions" in result.stdout
