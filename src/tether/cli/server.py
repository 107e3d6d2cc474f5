"""``tether server``: serve the REST API over one store, optionally with authentication.

Without ``--auth`` the server only listens on a loopback address unless ``--insecure-no-auth`` says the
network is trusted; a refused bind is a usage error (exit 2) and nothing starts.
"""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from tether.cli import output

LogLevel = Literal["critical", "error", "warning", "info", "debug"]

EPILOG = """Examples:

\b
  tether server
  tether server --port 8080 --db postgresql://ml@db/tether --blobs s3://ml-artifacts/tether
  tether server --host 0.0.0.0 --auth --workers 4
  tether server --max-artifact-size 20GiB --max-experiment-artifacts 2TiB --max-keys-per-run 5000"""


def server(
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; anything but loopback needs --auth or --insecure-no-auth."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 5050,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            help="Metadata database URL. Default: TETHER_DB_URL or TETHER_HOME/tether.db.",
        ),
    ] = None,
    blobs: Annotated[
        str | None,
        typer.Option(
            "--blobs",
            metavar="URL",
            help="Blob store folder or URL. Default: TETHER_BLOB_URL or TETHER_HOME/blobs.",
        ),
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes sharing the store.")] = 1,
    auth: Annotated[
        bool,
        typer.Option("--auth", help="Require users to sign in (tokens or sessions) and check permissions."),
    ] = False,
    insecure_no_auth: Annotated[
        bool,
        typer.Option(
            "--insecure-no-auth", help="Allow a non-loopback address without --auth (trusted networks)."
        ),
    ] = False,
    log_level: Annotated[LogLevel, typer.Option(help="How much the server logs.")] = "info",
    max_artifact_size: Annotated[
        str | None,
        typer.Option(
            metavar="SIZE",
            help="Largest artifact file, such as 20GiB, or 'none'. "
            "Default: TETHER_MAX_ARTIFACT_SIZE or 64GiB.",
            show_default=False,
        ),
    ] = None,
    max_experiment_artifacts: Annotated[
        str | None,
        typer.Option(
            metavar="SIZE",
            help="Bytes of artifacts one experiment's runs may hold, or 'none'. "
            "Default: TETHER_MAX_EXPERIMENT_ARTIFACTS or 1TiB.",
            show_default=False,
        ),
    ] = None,
    max_keys_per_run: Annotated[
        str | None,
        typer.Option(
            metavar="N",
            help="Distinct param, tag and metric keys a run may hold, each, or 'none'. "
            "Default: TETHER_MAX_KEYS_PER_RUN or 10000.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Serve the REST API over one store until interrupted (Ctrl-C)."""
    import dataclasses
    import os

    from tether.config import Settings
    from tether.errors import ConfigError
    from tether.server.run import check_bind, serve

    if auth and insecure_no_auth:
        raise typer.BadParameter("use one of them, not both", param_hint="'--auth' / '--insecure-no-auth'")
    try:
        check_bind(host, auth=auth, insecure_no_auth=insecure_no_auth)
    except ConfigError as error:
        output.note("error: " + " ".join(error.message.split()))
        raise typer.Exit(2) from None
    given = {
        "TETHER_MAX_ARTIFACT_SIZE": ("--max-artifact-size", max_artifact_size),
        "TETHER_MAX_EXPERIMENT_ARTIFACTS": ("--max-experiment-artifacts", max_experiment_artifacts),
        "TETHER_MAX_KEYS_PER_RUN": ("--max-keys-per-run", max_keys_per_run),
    }
    chosen = {name: value for name, (_, value) in given.items() if value is not None}
    try:
        settings = Settings.from_env({**os.environ, **chosen})
    except ConfigError as error:
        name, _, problem = error.message.partition(": ")
        if name not in chosen:
            raise
        raise typer.BadParameter(problem, param_hint=f"'{given[name][0]}'") from None
    if db is not None:
        settings = dataclasses.replace(settings, db_url=db)
    if blobs is not None:
        settings = dataclasses.replace(settings, blob_url=blobs)
    shown = f"[{host}]" if ":" in host else host
    output.note(f"tether server on http://{shown}:{port} (authentication {'on' if auth else 'off'})")
    serve(
        settings,
        host,
        port,
        workers=workers,
        log_level=log_level,
        auth=auth,
        insecure_no_auth=insecure_no_auth,
    )
