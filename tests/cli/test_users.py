"""``tether users`` on a store: passwords from stdin or a hidden prompt, never from the command line."""

from __future__ import annotations

import pytest
from tests.cli.runner import Cli, env_for
from typer.testing import CliRunner, Result

from tether.auth.guard import Guard
from tether.auth.service import AuthService
from tether.cli.main import app
from tether.config import Settings
from tether.storage.db import Database

PASSWORD = "a-long-enough-password"


@pytest.fixture
def store_cli(settings: Settings) -> Cli:
    """The CLI on a store of the test's own, as an operator runs it on the server's machine."""
    return Cli(env_for(settings))


def typed(cli: Cli, *args: str, stdin: str) -> Result:
    """``tether ARGS`` with ``stdin`` as what the user types or pipes in."""
    return CliRunner().invoke(app, list(args), env=cli.env, input=stdin)


def users(cli: Cli, *args: str, password: str = PASSWORD) -> tuple[int, str, str]:
    result = typed(cli, "users", *args, stdin=f"{password}\n")
    return result.exit_code, result.stdout, result.stderr


def test_create_reads_the_password_from_stdin_and_stores_only_a_hash(
    store_cli: Cli, settings: Settings
) -> None:
    code, out, err = users(store_cli, "create", "Alice", "--role", "admin", "--password-stdin")
    assert (code, out, err) == (0, "created admin 'alice'\n", "")
    db = Database(settings.db_url)
    try:
        assert Guard(AuthService(db)).login("alice", PASSWORD, "127.0.0.1").user.role == "admin"
    finally:
        db.dispose()


def test_create_prompts_twice_on_stderr_and_keeps_stdout_clean(store_cli: Cli) -> None:
    result = typed(store_cli, "users", "create", "bob", "--json", stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.stderr
    assert "Password" in result.stderr and PASSWORD not in result.stderr + result.stdout
    assert store_cli.json("users", "ls")["users"][0]["username"] == "bob"


def test_a_password_is_never_taken_from_the_command_line(store_cli: Cli) -> None:
    result = store_cli("users", "create", "bob", "--password", PASSWORD)
    assert result.exit_code == 2
    assert result.stderr.startswith("error: No such option: --password")


def test_bad_passwords_and_empty_stdin_are_refused(store_cli: Cli) -> None:
    code, _, err = users(store_cli, "create", "bob", "--password-stdin", password="short")
    assert (code, err) == (1, "error: a password must have between 8 and 1024 characters\n")
    code, _, err = users(store_cli, "create", "bob", "--password-stdin", password="")
    assert code == 2 and "stdin held no password" in err
    assert store_cli.json("users", "ls") == {"users": []}


def test_ls_update_and_delete(store_cli: Cli) -> None:
    users(store_cli, "create", "root", "--role", "admin", "--password-stdin")
    users(store_cli, "create", "bob", "--password-stdin")
    table = store_cli("users", "ls")
    assert table.exit_code == 0
    rows = [line.split()[:3] for line in table.stdout.splitlines()[2:]]
    assert rows == [["bob", "user", "active"], ["root", "admin", "active"]]

    document = store_cli.json("users", "update", "bob", "--role", "admin", "--disable")
    assert (document["role"], document["disabled"]) == ("admin", True)
    assert document["created_time_iso"].endswith("+00:00")
    code, out, _ = users(
        store_cli, "update", "bob", "--enable", "--password-stdin", password="another-password"
    )
    assert (code, out) == (0, "updated 'bob': admin, active\n")

    assert store_cli("users", "delete", "BOB").stdout == "deleted user 'bob'\n"
    gone = store_cli("users", "delete", "bob")
    assert (gone.exit_code, gone.stderr) == (1, "error: no user named 'bob'\n")
    last = store_cli("users", "delete", "root")
    assert (last.exit_code, last.stderr) == (
        1,
        "error: 'root' is the last admin; make another user admin first\n",
    )


def test_every_verb_has_help_with_examples(store_cli: Cli) -> None:
    for noun, verbs in {
        "users": ["create", "ls", "update", "delete"],
        "tokens": ["create", "ls", "revoke"],
        "permissions": ["grant", "revoke", "ls"],
    }.items():
        for verb in verbs:
            result = store_cli(noun, verb, "--help")
            assert result.exit_code == 0 and "Example" in result.stdout, (noun, verb)
            assert f"tether {noun} {verb}" in result.stdout, (noun, verb)
