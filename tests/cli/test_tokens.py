"""``tether tokens`` on a store (for any user) and through a server with ``--auth`` (for the caller)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.cli.runner import Cli, env_for
from tests.support import ServerProcess

from tether.client.local import LocalBackend
from tether.config import Settings

PASSWORD = "a-long-enough-password"


@pytest.fixture
def store_cli(settings: Settings) -> Iterator[Cli]:
    backend = LocalBackend(settings)
    try:
        backend.auth.create_user("alice", PASSWORD)
    finally:
        backend.close()
    yield Cli(env_for(settings))


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ServerProcess, dict[str, str]]]:
    """A SQLite server with --auth and an API token for "admin" and for "alice"."""
    home = tmp_path_factory.mktemp("cli-secured")
    server = ServerProcess(home, f"sqlite:///{home / 'tether.db'}", auth=True)
    backend = LocalBackend(server.store)
    try:
        backend.auth.create_user("admin", PASSWORD, "admin")
        backend.auth.create_user("alice", PASSWORD)
        tokens = {name: backend.auth.create_token(username=name).token for name in ("admin", "alice")}
    finally:
        backend.close()
    server.start()
    yield server, tokens
    server.stop()


def remote_cli(server: ServerProcess, tmp_path: Path, token: str | None) -> Cli:
    env = {
        "TETHER_URI": server.url,
        "TETHER_HOME": str(tmp_path / "client"),
        "TETHER_DB_URL": "",
        "COLUMNS": "240",
    }
    if token is not None:
        env["TETHER_TOKEN"] = token
    return Cli(env)


def test_create_prints_the_token_alone_once(store_cli: Cli) -> None:
    created = store_cli("tokens", "create", "--user", "alice", "--name", "laptop", "--expires-days", "30")
    assert created.exit_code == 0, created.stderr
    token = created.stdout.strip()
    assert token.startswith("tth_") and created.stdout == token + "\n"
    assert "not shown again" in created.stderr and token not in created.stderr
    listed = store_cli("tokens", "ls")
    assert token not in listed.stdout
    row = listed.stdout.splitlines()[2].split()
    assert (row[0], row[1], row[2], row[-1]) == ("1", "laptop", "alice", "active")


def test_create_on_a_store_needs_a_user(store_cli: Cli) -> None:
    result = store_cli("tokens", "create")
    assert result.exit_code == 2
    assert "on the store itself, name the user the token is for" in result.stderr


def test_revoke_and_json(store_cli: Cli) -> None:
    made = store_cli.json("tokens", "create", "--user", "alice")
    assert made["token"].startswith("tth_") and made["expires_time"] is None
    assert store_cli.json("tokens", "revoke", str(made["token_id"])) == {
        "token_id": made["token_id"],
        "revoked": True,
    }
    listed = store_cli.json("tokens", "ls", "--user", "alice")["tokens"]
    assert [(t["token_id"], t["revoked"]) for t in listed] == [(made["token_id"], True)]
    assert "token" not in listed[0]
    assert store_cli("tokens", "ls").stdout.splitlines()[2].split()[-1] == "revoked"
    missing = store_cli("tokens", "revoke", "99")
    assert (missing.exit_code, missing.stderr) == (1, "error: no token with id 99\n")


def test_through_a_server_the_cli_signs_in_with_tether_token(
    secured: tuple[ServerProcess, dict[str, str]], tmp_path: Path
) -> None:
    server, tokens = secured
    alice = remote_cli(server, tmp_path, tokens["alice"])
    created = alice("tokens", "create", "--name", "second")
    assert created.exit_code == 0, created.stderr
    second = remote_cli(server, tmp_path, created.stdout.strip())
    assert second("experiments", "create", "mine").exit_code == 0
    names = [t["name"] for t in second.json("tokens", "ls")["tokens"]]
    assert names == ["", "second"]
    refused = alice("users", "ls")
    assert (refused.exit_code, refused.stderr) == (1, "error: only an admin may do this\n")
    admin = remote_cli(server, tmp_path, tokens["admin"])
    assert [u["username"] for u in admin.json("users", "ls")["users"]] == ["admin", "alice"]


def test_without_a_token_the_cli_says_how_to_sign_in(
    secured: tuple[ServerProcess, dict[str, str]], tmp_path: Path
) -> None:
    server, _ = secured
    anonymous = remote_cli(server, tmp_path, None)("experiments", "ls")
    assert anonymous.exit_code == 1
    assert anonymous.stderr.startswith("error: this server requires authentication")
    assert "TETHER_TOKEN" in anonymous.stderr and anonymous.stderr.count("\n") == 1
