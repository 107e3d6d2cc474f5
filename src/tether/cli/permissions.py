"""``tether permissions``: who may read, change or manage one experiment.

READ shows the experiment, its runs, metrics and artifacts; EDIT adds creating and changing runs, logging
and uploading; MANAGE adds renaming, deleting and restoring the experiment and granting permissions on it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from tether.cli import output
from tether.cli.experiments import ExperimentRef, resolve
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.types import Level

app = typer.Typer(
    help="Grant, revoke and list permissions on experiments.", no_args_is_help=True, rich_markup_mode=None
)

Username = Annotated[str, typer.Argument(metavar="USER", help="The user's name.", show_default=False)]
LEVELS: tuple[Level, ...] = ("READ", "EDIT", "MANAGE")


def _level(text: str) -> Level:
    for level in LEVELS:
        if text.upper() == level:
            return level
    raise typer.BadParameter(f"{text!r} is not one of READ, EDIT, MANAGE", param_hint="'LEVEL'")


@app.command("ls", epilog="Examples:\n\n\b\n  tether permissions ls churn\n  tether permissions ls 3 --json")
def list_permissions(experiment: ExperimentRef, as_json: Json = False) -> None:
    """List who holds which level on an experiment (admins hold every level everywhere)."""
    with connected() as backend:
        found = resolve(backend.tracking, experiment)
        granted = backend.auth.list_permissions(found.experiment_id)
    if as_json:
        output.print_json(
            {"experiment_id": found.experiment_id, "permissions": [p.model_dump() for p in granted]}
        )
        return
    output.print_table(["user", "level"], [[p.username, p.level] for p in granted])


@app.command(
    "grant",
    epilog="""Examples:

\b
  tether permissions grant churn bob READ
  tether permissions grant 3 carol EDIT""",
)
def grant(
    experiment: ExperimentRef,
    user: Username,
    level: Annotated[str, typer.Argument(metavar="LEVEL", help="READ, EDIT or MANAGE.", show_default=False)],
    as_json: Json = False,
) -> None:
    """Give a user a level on an experiment, replacing the one they had."""
    checked = _level(level)
    with connected() as backend:
        found = resolve(backend.tracking, experiment)
        permission = backend.auth.grant_permission(found.experiment_id, user, checked)
    if as_json:
        output.print_json(permission.model_dump())
    else:
        where = f"'{found.name}' (id {found.experiment_id})"
        output.done(f"granted {permission.level} on {where} to '{permission.username}'")


@app.command("revoke", epilog="Example:\n\n\b\n  tether permissions revoke churn bob")
def revoke(experiment: ExperimentRef, user: Username, as_json: Json = False) -> None:
    """Take a user's permission on an experiment away."""
    with connected() as backend:
        found = resolve(backend.tracking, experiment)
        backend.auth.revoke_permission(found.experiment_id, user)
    if as_json:
        output.print_json({"experiment_id": found.experiment_id, "username": user.lower(), "revoked": True})
    else:
        output.done(
            f"revoked the permission of '{user.lower()}' on '{found.name}' (id {found.experiment_id})"
        )
