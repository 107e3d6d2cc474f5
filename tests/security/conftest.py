"""Attacks sent to a real ``tether server --auth`` on SQLite and PostgreSQL, as an outside probe sends
them. Each module gets servers of its own (``secured`` is module-scoped), so what one module does to a
server (its peak memory, say) is that module's alone."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from tests.server.conftest import SecuredServer, secured

__all__ = ["Experiment", "SecuredServer", "experiment", "secured"]

API = "/api/v1"


@dataclass
class Experiment:
    """An experiment of ``owner`` that ``reader`` may read and ``editor`` may edit."""

    server: SecuredServer
    experiment_id: str

    def new_run(self) -> str:
        with self.server.client("owner") as owner:
            made = owner.post(f"{API}/runs", json={"experiment_id": self.experiment_id})
            assert made.status_code == 201, made.text
            return str(made.json()["run_id"])

    def artifacts_dir(self, run_id: str) -> Path:
        """Where the server keeps the run's artifacts on its disk."""
        return self.server.server.home / "blobs" / "runs" / run_id / "artifacts"


@pytest.fixture(scope="module")
def experiment(secured: SecuredServer) -> Experiment:
    with secured.client("owner") as owner:
        name = f"probe-{uuid.uuid4().hex[:8]}"
        experiment_id = owner.post(f"{API}/experiments", json={"name": name}).json()["experiment_id"]
        for who, level in (("reader", "READ"), ("editor", "EDIT")):
            granted = owner.put(f"{API}/experiments/{experiment_id}/permissions/{who}", json={"level": level})
            assert granted.status_code == 200, granted.text
    return Experiment(secured, str(experiment_id))


def error_code(response: httpx.Response) -> str:
    """The code of a JSON error answer; fails on anything else."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:200])
    return str(response.json()["error"]["code"])
