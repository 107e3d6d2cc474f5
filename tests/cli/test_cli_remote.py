"""The same commands through a tether server (TETHER_URI): one code path, the same output and errors."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.cli.runner import Cli, Store, env_for
from tests.support import free_port

from tether.config import Settings

SERVE = (
    "import sys; from tether.config import Settings; from tether.server.run import serve; "
    "serve(Settings.from_env(), port=int(sys.argv[1]), log_level='warning')"
)


@pytest.fixture
def remote(settings: Settings, store: Store, tmp_path: Path) -> Iterator[Cli]:
    """A server on the filled store, and a CLI that reaches it only through TETHER_URI."""
    port = free_port()
    server_env = {**os.environ, **env_for(settings)}
    server_env.pop("TETHER_URI", None)
    process = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=server_env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while not _healthy(url):
            assert process.poll() is None, f"the server exited with {process.returncode}"
            assert time.monotonic() < deadline, "the server did not become healthy in 60 s"
            time.sleep(0.1)
        elsewhere = tmp_path / "client-home"
        yield Cli({"TETHER_URI": url, "TETHER_HOME": str(elsewhere), "TETHER_DB_URL": "", "COLUMNS": "240"})
    finally:
        process.terminate()
        process.wait(timeout=15)


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def test_the_cli_reads_a_server_like_a_local_store(
    remote: Cli, cli: Cli, store: Store, tmp_path: Path
) -> None:
    assert remote.json("runs", "ls", "-e", "churn") == cli.json("runs", "ls", "-e", "churn")
    assert remote.json("experiments", "show", "2024") == cli.json("experiments", "show", "2024")
    compared = remote.json("runs", "compare", store.runs["a"], store.runs["c"])
    assert compared == cli.json("runs", "compare", store.runs["a"], store.runs["c"])

    downloaded = remote.json("artifacts", "get", store.runs["a"], "data", "-o", str(tmp_path / "out"))
    assert downloaded["bytes"] == 16
    assert (tmp_path / "out" / "data" / "nested" / "part-1.csv").read_text() == "a,b\n3,4\n"
    assert remote("artifacts", "cat", store.runs["a"], "model.txt").stdout == "weights\n"


def test_server_errors_read_the_same(remote: Cli, cli: Cli, store: Store) -> None:
    for args in (
        ["runs", "show", "0" * 32],
        ["runs", "ls", "--filter", "metrics.loss <<< 3"],
        ["artifacts", "get", store.runs["a"], "../../etc/passwd"],
        ["experiments", "create", "churn"],
    ):
        over_http, in_process = remote(*args), cli(*args)
        assert (over_http.exit_code, over_http.stderr) == (in_process.exit_code, in_process.stderr), args
        assert over_http.exit_code == 1
