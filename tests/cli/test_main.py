"""The root command: version, help, exit codes, and the installed executable as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from tests.cli.runner import Cli, Store
from tests.support import SQLITE_TARGETS, free_port

from tether.cli import runs

EXECUTABLE = Path(sys.executable).parent / "tether"
HEAVY = (
    "sqlalchemy",
    "pydantic",
    "pandas",
    "rich",
    "fsspec",
    "tether.client",
    "tether.storage",
    "tether.tracking.service",
    "tether.tracking.schemas",
)


def test_version(sqlite_cli: Cli) -> None:
    result = sqlite_cli("--version")
    assert result.exit_code == 0
    assert result.stdout.startswith("tether ")


def test_help_lists_the_nouns_and_every_verb_has_examples(sqlite_cli: Cli) -> None:
    top = sqlite_cli("--help")
    assert top.exit_code == 0
    for noun in ("experiments", "runs", "artifacts"):
        assert noun in top.stdout
    verbs = {
        "experiments": ["ls", "create", "rename", "delete", "restore", "show"],
        "runs": ["ls", "show", "compare", "delete", "restore", "history"],
        "artifacts": ["ls", "get", "cat"],
    }
    for noun, names in verbs.items():
        for verb in names:
            result = sqlite_cli(noun, verb, "-h")
            assert result.exit_code == 0, (noun, verb)
            assert "Example" in result.stdout, (noun, verb)
            assert f"tether {noun} {verb}" in result.stdout, (noun, verb)


def test_a_bare_group_shows_its_help(sqlite_cli: Cli) -> None:
    result = sqlite_cli("runs")
    assert result.exit_code == 2
    assert "Usage: tether runs" in result.stderr
    assert "compare" in result.stderr


def test_an_unknown_command_is_a_one_line_usage_error(sqlite_cli: Cli) -> None:
    result = sqlite_cli("runz")
    assert result.exit_code == 2
    assert result.stderr == "error: No such command 'runz'. Did you mean 'runs'? (see 'tether --help')\n"


def test_ctrl_c_exits_130_quietly(sqlite_cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    @contextmanager
    def interrupted() -> Iterator[None]:
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(runs, "tracking", interrupted)
    result = sqlite_cli("runs", "ls")
    assert (result.exit_code, result.stdout, result.stderr) == (130, "", "")


def test_a_multi_line_storage_error_is_still_one_line(sqlite_cli: Cli) -> None:
    down = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    result = sqlite_cli("experiments", "ls", TETHER_DB_URL=down)
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1


def run_executable(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(EXECUTABLE), *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("target", SQLITE_TARGETS, indirect=True)
def test_the_executable_reports_an_unknown_run_in_one_line(cli: Cli, store: Store) -> None:
    missing = "a" * 32
    done = run_executable(["runs", "show", missing], cli.env)
    assert done.returncode == 1
    assert done.stderr == f"error: no run with id '{missing}'\n"
    assert done.stdout == ""


@pytest.mark.parametrize("target", SQLITE_TARGETS, indirect=True)
def test_the_executable_exits_2_on_a_bad_option_without_a_traceback(cli: Cli, store: Store) -> None:
    done = run_executable(["experiments", "ls", "--colour"], cli.env)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert done.stderr.startswith("error: No such option: --colour")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("target", SQLITE_TARGETS, indirect=True)
def test_the_executable_lists_experiments(cli: Cli, store: Store) -> None:
    done = run_executable(["experiments", "ls"], cli.env)
    assert done.returncode == 0, done.stderr
    assert store.churn_name in done.stdout


def test_python_dash_m_runs_the_cli() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tether.cli.main", "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stdout.startswith("tether ")) == (0, True)


def test_help_loads_nothing_heavy() -> None:
    """``tether --help`` stays fast because the store, pydantic and rich load only inside commands."""
    code = (
        "import sys\n"
        "from tether.cli.main import app\n"
        "try:\n"
        "    app(['--help'], prog_name='tether')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('\\n'.join(sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = done.stdout.split("\n")
    assert "Usage: tether" in done.stdout
    assert [m for m in loaded if m.startswith(HEAVY)] == []
