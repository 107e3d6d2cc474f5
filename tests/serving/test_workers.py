"""Per-model worker counts: which workers load which model, slots claimed by lock, and requests for a
model held elsewhere forwarded to its worker, checked on the real executable with two workers."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from tests.cli.runner import Cli
from tests.serving.support import FRAME, expected, package
from tests.support import free_port

from tether.errors import ConfigError
from tether.serving.config import ServingConfig
from tether.serving.peers import ForwardingApp, Peers
from tether.serving.placement import claim_slot, is_split, placement

EXECUTABLE = Path(sys.executable).parent / "tether"


def _config(workers: int, *counts: int | None) -> ServingConfig:
    models = [{"uri": f"/models/m{i}", "workers": count} for i, count in enumerate(counts)]
    return ServingConfig.model_validate({"workers": workers, "models": models})


def test_models_with_worker_counts_are_laid_out_around_the_slots() -> None:
    assert placement(_config(3, 1, 1, None, 2)) == {
        "m0": (0,),
        "m1": (1,),
        "m2": (0, 1, 2),  # no count: every worker
        "m3": (0, 2),  # continues at slot 2 and wraps round
    }
    assert is_split(_config(3, 1, None))
    assert not is_split(_config(3, None, 3)) and not is_split(_config(1, 1))


def test_a_model_asking_for_more_workers_than_the_server_runs_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="model 'm0' asks for 3 workers, but the server runs 2"):
        _config(2, 3)
    config = tmp_path / "serving.yaml"
    config.write_text("models:\n  - uri: models:/churn@champion\n    workers: 2\n")
    result = Cli({"TETHER_HOME": str(tmp_path)})("serve", str(config))
    assert result.exit_code == 1 and "asks for 2 workers, but the server runs 1" in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    ray = Cli({"TETHER_HOME": str(tmp_path)})("serve", str(config), "--on", "ray", "--workers", "2")
    assert ray.exit_code == 2 and "use --replicas" in ray.stderr, ray.output


def test_a_worker_takes_the_first_free_slot_and_a_freed_slot_is_taken_again(tmp_path: Path) -> None:
    first, second = claim_slot(tmp_path, 2), claim_slot(tmp_path, 2)
    assert (first.index, second.index) == (0, 1)
    with pytest.raises(ConfigError, match="all 2 worker slots"):
        claim_slot(tmp_path, 2, wait_s=0.1)
    first.release()  # as when the worker dies: its lock goes with its open file
    assert claim_slot(tmp_path, 2).index == 0


def test_a_model_whose_workers_are_all_away_is_a_503_that_says_to_retry(tmp_path: Path) -> None:
    async def local(scope: object, receive: object, send: object) -> None:
        raise AssertionError("a model held elsewhere must not reach the local app")

    config = _config(2, 1, 1)
    peers = Peers(tmp_path, placement(config), claim_slot(tmp_path, 2), config.max_request_bytes)
    app = ForwardingApp(local, peers)  # slot 0: m1 is held by slot 1, whose socket does not exist

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://serving") as client:
            return await client.post("/v1/models/m1/predict", json={"instances": [{"age": 1.0}]})

    answer = asyncio.run(call())
    assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
    assert answer.json()["error"]["code"] == "UNAVAILABLE"
    assert "no worker holding model 'm1' is up" in answer.json()["error"]["message"]


def _until_both_answer(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        assert time.monotonic() < deadline, "the two workers did not both answer in 120 s"
        try:
            codes = {_predict(url, name).status_code for name in ("a", "b")}
        except httpx.TransportError:
            codes = set()
        if codes == {200}:
            return
        time.sleep(0.2)


def _predict(url: str, name: str) -> httpx.Response:
    body = {"instances": FRAME.head(2).to_dict(orient="records")}
    return httpx.post(f"{url}/v1/models/{name}/predict", json=body, timeout=30)  # a new connection each


def test_each_model_is_answered_by_its_own_worker_whichever_worker_takes_the_request(tmp_path: Path) -> None:
    a, b = package(tmp_path / "a", 1.0), package(tmp_path / "b", 2.0)
    config = tmp_path / "serving.yaml"
    config.write_text(
        f"models:\n  - uri: {a}\n    name: a\n    workers: 1\n  - uri: {b}\n    name: b\n    workers: 1\n"
    )
    port = free_port()
    command = [str(EXECUTABLE), "serve", str(config), "--workers", "2", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--log-level", "warning"],
        env={**os.environ, "TETHER_HOME": str(tmp_path / "home")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _until_both_answer(process, url)
        answered: dict[str, set[str]] = {"a": set(), "b": set()}
        for _ in range(20):
            for name, slope in (("a", 1.0), ("b", 2.0)):
                answer = _predict(url, name)
                assert answer.status_code == 200, answer.text
                assert answer.json()["predictions"] == pytest.approx(expected(FRAME.head(2), slope))
                answered[name].add(answer.headers["x-tether-worker"])
            listed = httpx.get(f"{url}/v1/models", timeout=30).json()["models"]
            assert [model["name"] for model in listed] == ["a", "b"]
        # each model only ever answered from one slot, and not the same one: a worker without the model
        # that took the connection passed the request on
        assert len(answered["a"]) == len(answered["b"]) == 1 and answered["a"] != answered["b"]
        missing = httpx.post(f"{url}/v1/models/nope/predict", json={"instances": []}, timeout=30)
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "NOT_FOUND"
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=60)
    assert process.returncode in (0, -signal.SIGTERM) and b"Traceback" not in err, err.decode()
