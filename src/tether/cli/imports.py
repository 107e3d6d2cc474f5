"""``tether import``: bring another tool's tracking data into tether (MLflow today)."""

from __future__ import annotations

from typing import Annotated

import typer

from tether.cli import output
from tether.cli.session import connected

app = typer.Typer(
    help="Import tracking data from another tool into this tether store or server.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command(
    "mlflow",
    epilog=(
        "\b\nExamples:\n"
        "  tether import mlflow --from ./mlruns\n"
        "  tether import mlflow --from sqlite:///mlflow.db --experiment churn\n"
        "  TETHER_URI=https://tether.example.com tether import mlflow --from http://mlflow.internal:5000\n"
        "\b\nRun it again at any time: runs already imported are brought up to date, nothing is copied twice."
    ),
)
def import_mlflow(
    source: Annotated[
        str,
        typer.Option(
            "--from",
            metavar="SOURCE",
            help="The MLflow store: a tracking URI, a database URL (sqlite:///mlflow.db) or a mlruns folder.",
            show_default=False,
        ),
    ],
    experiment: Annotated[
        list[str] | None,
        typer.Option(metavar="NAME", help="Only this experiment (repeat for several); default: all of them."),
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar on a terminal.")] = True,
) -> None:
    """Copy MLflow experiments and runs (params, tags, full metric histories, artifacts) into tether.

    Run ids are kept, experiments are matched by name, and an interrupted import can simply be run again.
    """
    from tether.sdk.mlflow_import import MlflowImport, mlflow_client

    client = mlflow_client(source)
    with connected() as backend, output.counting("importing run", enabled=progress) as update:
        summary = MlflowImport(client, backend, update).run(experiment or ())
    output.print_fields(
        [
            ("experiments created", f"{summary.experiments_created:,}"),
            ("experiments matched by name", f"{summary.experiments_matched:,}"),
            ("runs created", f"{summary.runs_created:,}"),
            ("runs brought up to date", f"{summary.runs_updated:,}"),
            ("runs already complete", f"{summary.runs_unchanged:,}"),
            ("params", f"{summary.params:,}"),
            ("metric points", f"{summary.metric_points:,}"),
            ("artifact files", f"{summary.artifacts:,}"),
            ("artifact bytes", output.size(summary.artifact_bytes)),
            ("runs or experiments that failed", f"{len(summary.failed):,}"),
        ],
        title=f"imported from {source}",
    )
    for what, reason in summary.failed:
        output.note(f"{what} was not imported: {reason}")
    if summary.failed:
        raise typer.Exit(1)
