"""Options that several commands share, declared once so they read and behave the same everywhere."""

from __future__ import annotations

from typing import Annotated

import typer

from tether.types import ViewType

Json = Annotated[bool, typer.Option("--json", help="Print one JSON document instead of a table.")]
ShowAll = Annotated[bool, typer.Option("--all", help="Include deleted ones.")]
OnlyDeleted = Annotated[bool, typer.Option("--deleted", help="Show only deleted ones.")]
RunId = Annotated[
    str, typer.Argument(metavar="RUN_ID", help="A run id (32 hex characters).", show_default=False)
]
ModelOrConfig = Annotated[
    str,
    typer.Argument(
        metavar="MODEL_OR_CONFIG",
        help="A model URI (models:/churn@champion, models:/churn/3, runs:/<run id>/model), a package "
        "folder, or a serving.yaml listing several models.",
        show_default=False,
    ),
]


def view_of(show_all: bool, only_deleted: bool) -> ViewType:
    """The lifecycle view that --all / --deleted ask for; both at once is a usage error."""
    if show_all and only_deleted:
        raise typer.BadParameter("use one of them, not both", param_hint="'--all' / '--deleted'")
    if show_all:
        return "all"
    return "deleted" if only_deleted else "active"
