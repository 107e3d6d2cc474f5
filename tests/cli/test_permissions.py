"""``tether permissions`` on a store: grant, list and revoke by experiment id or name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.cli.runner import Cli, env_for

from tether.client.local import LocalBackend
from tether.config import Settings


@pytest.fixture
def churn(settings: Settings) -> Iterator[str]:
    """An experiment "churn" and a user "bob" on the test's store; yields the experiment id."""
    backend = LocalBackend(settings)
    try:
        backend.auth.create_user("bob", "a-long-enough-password")
        yield backend.tracking.create_experiment("churn")
    finally:
        backend.close()


def test_grant_ls_and_revoke(settings: Settings, churn: str) -> None:
    cli = Cli(env_for(settings))
    granted = cli("permissions", "grant", "churn", "bob", "edit")
    assert (granted.exit_code, granted.stdout) == (0, f"granted EDIT on 'churn' (id {churn}) to 'bob'\n")
    assert cli.json("permissions", "grant", churn, "bob", "READ") == {
        "experiment_id": churn,
        "username": "bob",
        "level": "READ",
    }
    listed = cli("permissions", "ls", "churn")
    assert [line.split() for line in listed.stdout.splitlines()[2:]] == [["bob", "READ"]]
    assert cli.json("permissions", "ls", churn)["permissions"] == [
        {"experiment_id": churn, "username": "bob", "level": "READ"}
    ]
    revoked = cli("permissions", "revoke", "churn", "bob")
    assert revoked.stdout == f"revoked the permission of 'bob' on 'churn' (id {churn})\n"
    again = cli("permissions", "revoke", "churn", "bob")
    assert (again.exit_code, again.stderr) == (1, f"error: bob has no permission on experiment {churn}\n")


def test_bad_levels_users_and_experiments_are_clear_errors(settings: Settings, churn: str) -> None:
    cli = Cli(env_for(settings))
    bad = cli("permissions", "grant", "churn", "bob", "OWNER")
    assert bad.exit_code == 2 and "'OWNER' is not one of READ, EDIT, MANAGE" in bad.stderr
    nobody = cli("permissions", "grant", "churn", "nobody", "READ")
    assert (nobody.exit_code, nobody.stderr) == (1, "error: no user named 'nobody'\n")
    missing = cli("permissions", "ls", "no-such-experiment")
    assert (missing.exit_code, missing.stderr) == (1, "error: no experiment named 'no-such-experiment'\n")


def test_a_user_s_permissions_are_listed_by_experiment(settings: Settings, churn: str) -> None:
    cli = Cli(env_for(settings))
    assert cli.json("users", "permissions", "bob")["permissions"] == []
    cli("permissions", "grant", "churn", "bob", "MANAGE")
    listed = cli("users", "permissions", "bob")
    assert [line.split() for line in listed.stdout.splitlines()[2:]] == [[churn, "churn", "MANAGE"]]
    assert cli.json("users", "permissions", "bob") == {
        "username": "bob",
        "permissions": [{"experiment_id": churn, "username": "bob", "level": "MANAGE"}],
    }
    nobody = cli("users", "permissions", "nobody")
    assert (nobody.exit_code, nobody.stderr) == (1, "error: no user named 'nobody'\n")
