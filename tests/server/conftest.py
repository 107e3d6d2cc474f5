"""A real tether server in a subprocess on a free loopback port, once per test module and database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.support import free_port, pg_schema_url

SERVE = (
    "import sys; from tether.config import Settings; from tether.server.run import serve; "
    "serve(Settings.from_env(), port=int(sys.argv[1]), log_level='warning')"
)


class ServerProcess:
    """A server subprocess that can be stopped, killed and started again on the same store and port."""

    def __init__(self, home: Path, db_url: str) -> None:
        self.home = home
        self.db_url = db_url
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        env = {**os.environ, "TETHER_HOME": str(self.home), "TETHER_DB_URL": self.db_url}
        env.pop("TETHER_URI", None)
        self.process = subprocess.Popen([sys.executable, "-c", SERVE, str(self.port)], env=env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited with {self.process.returncode}")
            try:
                if httpx.get(f"{self.url}/health", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("the server did not become healthy in 60 s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait()


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerProcess]:
    home = tmp_path_factory.mktemp("server-home")
    if request.param == "sqlite":
        db_url = f"sqlite:///{home / 'tether.db'}"
    else:
        db_url = pg_schema_url(request.getfixturevalue("pg_database"))
    process = ServerProcess(home, db_url)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def api(server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client
