"""The same commands through a tether server (TETHER_URI) and straight on the server's own store: one code
path, the same output and the same errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.cli.runner import Cli, Store, env_for
from tests.support import Target

pytestmark = pytest.mark.parametrize("target", ["remote-sqlite", "remote-postgres"], indirect=True)


@pytest.fixture
def beside(target: Target) -> Cli:
    """A CLI that opens the server's store directly, beside the running server."""
    assert target.server is not None
    return Cli(env_for(target.server.store))


def test_the_cli_reads_a_server_like_a_local_store(
    cli: Cli, beside: Cli, store: Store, tmp_path: Path
) -> None:
    churn = store.churn_name
    assert cli.json("runs", "ls", "-e", churn) == beside.json("runs", "ls", "-e", churn)
    shown = cli.json("experiments", "show", store.numbered_name)
    assert shown == beside.json("experiments", "show", store.numbered_name)
    compared = cli.json("runs", "compare", store.runs["a"], store.runs["c"])
    assert compared == beside.json("runs", "compare", store.runs["a"], store.runs["c"])

    downloaded = cli.json("artifacts", "get", store.runs["a"], "data", "-o", str(tmp_path / "out"))
    assert downloaded["bytes"] == 16
    assert (tmp_path / "out" / "data" / "nested" / "part-1.csv").read_text() == "a,b\n3,4\n"
    assert cli("artifacts", "cat", store.runs["a"], "model.txt").stdout == "weights\n"


def test_server_errors_read_the_same(cli: Cli, beside: Cli, store: Store) -> None:
    for args in (
        ["runs", "show", "0" * 32],
        ["runs", "ls", "--filter", "metrics.loss <<< 3"],
        ["artifacts", "get", store.runs["a"], "../../etc/passwd"],
        ["experiments", "create", store.churn_name],
    ):
        over_http, in_process = cli(*args), beside(*args)
        assert (over_http.exit_code, over_http.stderr) == (in_process.exit_code, in_process.stderr), args
        assert over_http.exit_code == 1
