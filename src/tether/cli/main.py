"""The ``tether`` root command and its entry point, which decides how every failure reaches the terminal.

The handling sits in the root group's ``main`` rather than around ``app()``, so a command run in-process
(``typer.testing.CliRunner``) fails exactly as the installed executable does.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from tether.cli import (
    artifacts,
    data,
    deploy,
    deployments,
    experiments,
    imports,
    lineage,
    models,
    monitor,
    permissions,
    runs,
    serve,
    server,
    tokens,
    users,
    webhooks,
)
from tether.errors import InvalidFilter, TetherError


class RootGroup(TyperGroup):
    """The root group: errors become one line on stderr and an exit code, never a traceback."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        try:
            result = super().main(
                args,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
            code = result if isinstance(result, int) else 0
        except TetherError as error:
            code = _fail(_error_message(error), 1)
        except typer.TyperException as error:
            code = _fail(_usage_message(error), error.exit_code)
        except typer.Abort:
            code = _fail("error: aborted", 1)
        except KeyboardInterrupt:
            code = 130
        if standalone_mode:
            sys.exit(code)
        return code


def _fail(message: str, code: int) -> int:
    sys.stderr.write(message + "\n")
    return code


def _error_message(error: TetherError) -> str:
    """One line, whatever a lower layer put in the message; a filter error keeps its caret lines."""
    if isinstance(error, InvalidFilter):
        return f"error: {error.message}"
    return "error: " + " ".join(error.message.split())


def _usage_message(error: typer.TyperException) -> str:
    """Click's message on one line, plus where to look: the failing command's own --help.

    A group given no command raises a usage error whose message is the group's help; that is shown whole.
    """
    if type(error).__name__ == "NoArgsIsHelpError":
        return error.format_message()
    message = " ".join(error.format_message().split())
    context = getattr(error, "ctx", None)
    command = getattr(context, "command_path", "") or "tether"
    return f"error: {message} (see '{command} --help')"


def _show_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"tether {version('tether')}")
        raise typer.Exit()


app = typer.Typer(
    cls=RootGroup,
    name="tether",
    epilog="\b\nRun 'tether <command> --help' for a command's options and examples.\nDocs: docs/cli.md",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app.add_typer(experiments.app, name="experiments")
app.add_typer(runs.app, name="runs")
app.add_typer(artifacts.app, name="artifacts")
app.add_typer(models.app, name="models")
app.add_typer(webhooks.app, name="webhooks")
app.command("server", epilog=server.EPILOG)(server.server)
app.command("serve", epilog=serve.EPILOG)(serve.serve)
app.add_typer(deploy.app, name="deploy")
app.add_typer(deployments.app, name="deployments")
app.add_typer(data.app, name="data")
app.add_typer(imports.app, name="import")
app.add_typer(users.app, name="users")
app.add_typer(tokens.app, name="tokens")
app.add_typer(permissions.app, name="permissions")
app.add_typer(monitor.app, name="monitor")
app.command("lineage", epilog=lineage.EPILOG)(lineage.lineage)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Print tether's version and exit."
        ),
    ] = False,
) -> None:
    """Track machine-learning experiments: runs, params, metrics and artifacts.

    The store comes from the environment: TETHER_HOME (default ~/.tether), or TETHER_DB_URL and
    TETHER_BLOB_URL for a shared database and object store, or TETHER_URI (with TETHER_TOKEN) for a
    tether server.
    """


def run() -> None:
    """The installed ``tether`` executable."""
    app(prog_name="tether")


if __name__ == "__main__":
    run()
