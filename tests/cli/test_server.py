"""``tether server``: options reach ``serve``; an unsafe bind is refused before anything starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.cli.runner import Cli
from tests.support import free_port

from tether.server import run

EXECUTABLE = Path(sys.executable).parent / "tether"


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Calls of ``serve``, recorded instead of serving."""
    calls: list[dict[str, Any]] = []

    def record(settings: Any, host: str, port: int, **options: Any) -> None:
        calls.append({"settings": settings, "host": host, "port": port, **options})

    monkeypatch.setattr(run, "serve", record)
    return calls


def test_options_reach_the_server(sqlite_cli: Cli, served: list[dict[str, Any]], tmp_path: Path) -> None:
    result = sqlite_cli(
        "server",
        "--host",
        "0.0.0.0",
        "--port",
        "6123",
        "--auth",
        "--workers",
        "3",
        "--db",
        f"sqlite:///{tmp_path / 'elsewhere.db'}",
        "--blobs",
        str(tmp_path / "blobs-elsewhere"),
        "--log-level",
        "warning",
    )
    assert result.exit_code == 0, result.stderr
    (call,) = served
    assert (call["host"], call["port"], call["workers"], call["auth"], call["log_level"]) == (
        "0.0.0.0",
        6123,
        3,
        True,
        "warning",
    )
    assert call["settings"].db_url == f"sqlite:///{tmp_path / 'elsewhere.db'}"
    assert call["settings"].blob_url == str(tmp_path / "blobs-elsewhere")
    assert "authentication on" in result.stderr


def test_defaults_are_loopback_without_auth(sqlite_cli: Cli, served: list[dict[str, Any]]) -> None:
    assert sqlite_cli("server").exit_code == 0
    (call,) = served
    assert (call["host"], call["port"], call["workers"], call["auth"]) == ("127.0.0.1", 5050, 1, False)


def test_a_public_bind_without_auth_is_a_one_line_usage_error(
    sqlite_cli: Cli, served: list[dict[str, Any]]
) -> None:
    result = sqlite_cli("server", "--host", "0.0.0.0")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: refusing to listen on 0.0.0.0 without authentication")
    assert result.stderr.count("\n") == 1
    assert served == []
    assert sqlite_cli("server", "--host", "0.0.0.0", "--insecure-no-auth").exit_code == 0
    both = sqlite_cli("server", "--auth", "--insecure-no-auth")
    assert both.exit_code == 2 and "use one of them, not both" in both.stderr


def test_the_executable_refuses_a_public_bind_without_listening(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(EXECUTABLE), "server", "--host", "0.0.0.0", "--port", str(free_port())],
        env={**os.environ, "TETHER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("error: refusing to listen on 0.0.0.0") and done.stderr.count("\n") == 1
    assert not (tmp_path / "tether.db").exists()


def test_the_executable_serves_with_auth_until_interrupted(tmp_path: Path) -> None:
    port = free_port()
    env = {**os.environ, "TETHER_HOME": str(tmp_path)}
    env.pop("TETHER_DB_URL", None)
    process = subprocess.Popen(
        [str(EXECUTABLE), "server", "--auth", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "the server did not start in 60 s"
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(f"{url}/api/v1/experiments", timeout=5).status_code == 401
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert b"no users yet" in err


def test_quota_flags_reach_the_store_s_settings(sqlite_cli: Cli, served: list[dict[str, Any]]) -> None:
    result = sqlite_cli(
        "server",
        "--max-artifact-size",
        "20GiB",
        "--max-experiment-artifacts",
        "none",
        "--max-keys-per-run",
        "500",
    )
    assert result.exit_code == 0, result.stderr
    quotas = served[0]["settings"].quotas
    assert (quotas.max_artifact_bytes, quotas.max_experiment_artifact_bytes, quotas.max_keys_per_run) == (
        20 * 1024**3,
        None,
        500,
    )


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--max-artifact-size", "lots"), ("--max-keys-per-run", "0"), ("--max-artifact-size", "0B")],
)
def test_a_bad_quota_is_a_usage_error(
    sqlite_cli: Cli, served: list[dict[str, Any]], flag: str, value: str
) -> None:
    result = sqlite_cli("server", flag, value)
    assert result.exit_code == 2 and flag in result.stderr and served == []
