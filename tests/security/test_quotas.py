"""Quotas on a real server: a run with 300,000 keys, an upload past its size, an experiment past its
bytes. Each is refused with a clear 4xx, and what was stored stays as it was."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.security.conftest import API, error_code
from tests.server.conftest import SecuredServer, serve_secured

LIMITS = {
    "TETHER_MAX_ARTIFACT_SIZE": "1MiB",
    "TETHER_MAX_EXPERIMENT_ARTIFACTS": "3MiB",
    "TETHER_MAX_KEYS_PER_RUN": "1000",
}
MIB = 1024 * 1024


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def secured(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SecuredServer]:
    yield from serve_secured(request, tmp_path_factory, env=LIMITS)


def new_run(server: SecuredServer, experiment: str) -> str:
    with server.client("owner") as owner:
        return str(owner.post(f"{API}/runs", json={"experiment_id": experiment}).json()["run_id"])


def test_a_run_cannot_collect_unbounded_keys(secured: SecuredServer) -> None:
    with secured.client("owner") as owner:
        run = new_run(secured, "0")
        many = {f"k{i}": "v" for i in range(1000)}
        assert owner.post(f"{API}/runs/{run}/batch", json={"params": many}).status_code == 204
        refused = owner.post(f"{API}/runs/{run}/batch", json={"params": {"one-more": "v"}})
        assert error_code(refused) == "INVALID_INPUT" and "at most 1000" in refused.text
        keys = [f"m{i}" for i in range(1001)]
        metrics = {"keys": keys, "values": [1.0] * 1001, "steps": [0] * 1001, "timestamps": [1] * 1001}
        assert error_code(owner.post(f"{API}/runs/{run}/batch", json={"metrics": metrics})) == "INVALID_INPUT"
        stored = owner.get(f"{API}/runs/{run}").json()
        assert len(stored["params"]) == 1000 and stored["metrics"] == {}


def test_uploads_past_the_artifact_and_experiment_limits_are_413(secured: SecuredServer) -> None:
    with secured.client("owner") as owner:
        experiment = owner.post(f"{API}/experiments", json={"name": "quota"}).json()["experiment_id"]
        run = new_run(secured, experiment)
        declared = owner.put(f"{API}/runs/{run}/artifacts/big.bin", content=b"x" * (MIB + 1))
        assert declared.status_code == 413 and error_code(declared) == "TOO_LARGE"

        def chunks(total: int) -> Iterator[bytes]:  # no Content-Length: the limit is met while streaming
            for _ in range(total // 65536):
                yield b"x" * 65536

        streamed = owner.put(f"{API}/runs/{run}/artifacts/stream.bin", content=chunks(2 * MIB))
        assert streamed.status_code == 413 and error_code(streamed) == "TOO_LARGE"
        for name in ("a", "b", "c"):
            assert owner.put(f"{API}/runs/{run}/artifacts/{name}", content=b"x" * MIB).status_code == 201
        full = owner.put(f"{API}/runs/{new_run(secured, experiment)}/artifacts/d", content=b"x")
        assert full.status_code == 413 and "may hold at most" in full.json()["error"]["message"]
        listed = owner.get(f"{API}/runs/{run}/artifacts").json()
        assert sorted(entry["path"] for entry in listed) == ["a", "b", "c"]
