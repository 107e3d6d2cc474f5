"""``tether experiments``: list, create, rename, delete, restore and show experiments.

An experiment argument is an id or a name (see :func:`resolve`), so people can type the name they chose
and scripts can pass the id they stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json, OnlyDeleted, ShowAll, view_of
from tether.cli.session import tracking
from tether.errors import NotFound

if TYPE_CHECKING:
    from tether.client.backend import TrackingAPI
    from tether.tracking.schemas import Experiment
    from tether.types import ViewType

app = typer.Typer(
    help="Create, rename, delete and inspect experiments.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

ExperimentRef = Annotated[
    str, typer.Argument(metavar="ID_OR_NAME", help="The experiment's id or its name.", show_default=False)
]


def resolve(api: TrackingAPI, ref: str) -> Experiment:
    """The experiment ``ref`` names: all digits is an id first, then a name; anything else is a name.

    Trying the name second means an experiment called "2024" is still found when no experiment has id
    2024; when both exist, the id wins and the other is reached through its own id.
    """
    if not (ref.isascii() and ref.isdigit()):
        return api.get_experiment_by_name(ref)
    try:
        return api.get_experiment(ref)
    except NotFound:
        pass
    try:
        return api.get_experiment_by_name(ref)
    except NotFound:
        raise NotFound(f"no experiment with id or name '{ref}'") from None


def all_experiments(api: TrackingAPI, view: ViewType, filter: str = "") -> list[Experiment]:
    """Every page of the listing, oldest id first."""
    from tether.schemas import every_item

    return every_item(lambda token: api.list_experiments(view=view, page_token=token, filter=filter))


def _as_json(experiment: Experiment, active_runs: int | None = None) -> dict[str, Any]:
    document = output.with_times(experiment.model_dump(), "creation_time", "last_update_time")
    if active_runs is not None:
        document["active_runs"] = active_runs
    return document


@app.command(
    "ls",
    epilog="""Examples:

\b
  tether experiments ls
  tether experiments ls --all
  tether experiments ls --filter "name LIKE 'churn%' and tags.team = 'growth'"
  tether experiments ls --json | jq -r '.experiments[].name'""",
)
def list_experiments(
    show_all: ShowAll = False,
    only_deleted: OnlyDeleted = False,
    filter: Annotated[
        str,
        typer.Option(
            "--filter",
            "-f",
            help="Only those matching a filter on name, creation_time, last_update_time or tags.<key>.",
        ),
    ] = "",
    as_json: Json = False,
) -> None:
    """List experiments with their number of active runs."""
    view = view_of(show_all, only_deleted)
    with tracking() as api:
        found = all_experiments(api, view, filter)
        counts = api.count_runs([e.experiment_id for e in found]) if found else {}
    if as_json:
        output.print_json({"experiments": [_as_json(e, counts[e.experiment_id]) for e in found]})
        return
    headers = ["id", "name", "runs", "created", "last update"]
    if view != "active":
        headers.append("stage")
    rows = [_row(e, counts[e.experiment_id], with_stage=view != "active") for e in found]
    output.print_table(headers, rows, no_wrap=["id", "created", "last update"], right=["id", "runs"])


def _row(experiment: Experiment, active_runs: int, *, with_stage: bool) -> list[output.Cell]:
    row: list[output.Cell] = [
        experiment.experiment_id,
        experiment.name,
        str(active_runs),
        output.local_time(experiment.creation_time),
        output.local_time(experiment.last_update_time),
    ]
    if with_stage:
        deleted = experiment.lifecycle_stage == "deleted"
        row.append((experiment.lifecycle_stage, "red" if deleted else ""))
    return row


@app.command("create", epilog="Example:\n\n\b\n  tether experiments create churn")
def create(
    name: Annotated[
        str, typer.Argument(metavar="NAME", help="A name no other experiment has.", show_default=False)
    ],
    as_json: Json = False,
) -> None:
    """Create an experiment and print its id."""
    with tracking() as api:
        experiment_id = api.create_experiment(name)
    if as_json:
        output.print_json({"experiment_id": experiment_id, "name": name})
    else:
        output.done(f"created experiment '{name}' with id {experiment_id}")


@app.command(
    "rename",
    epilog="""Examples:

\b
  tether experiments rename churn churn-2024
  tether experiments rename 3 churn-2024""",
)
def rename(
    experiment: ExperimentRef,
    new_name: Annotated[str, typer.Argument(metavar="NEW_NAME", help="The new name.", show_default=False)],
    as_json: Json = False,
) -> None:
    """Give an experiment a new name; its id and runs stay the same."""
    with tracking() as api:
        old = resolve(api, experiment)
        renamed = api.rename_experiment(old.experiment_id, new_name)
    if as_json:
        output.print_json(_as_json(renamed))
    else:
        output.done(f"renamed experiment {renamed.experiment_id} from '{old.name}' to '{renamed.name}'")


@app.command("delete", epilog="Example:\n\n\b\n  tether experiments delete churn")
def delete(experiment: ExperimentRef, as_json: Json = False) -> None:
    """Delete an experiment (it and its runs are kept, restorable)."""
    _set_stage(experiment, "deleted", as_json)


@app.command("restore", epilog="Example:\n\n\b\n  tether experiments restore churn")
def restore(experiment: ExperimentRef, as_json: Json = False) -> None:
    """Bring a deleted experiment back."""
    _set_stage(experiment, "active", as_json)


def _set_stage(ref: str, stage: str, as_json: bool) -> None:
    with tracking() as api:
        found = resolve(api, ref)
        if stage == "deleted":
            api.delete_experiment(found.experiment_id)
        else:
            api.restore_experiment(found.experiment_id)
    if as_json:
        output.print_json(
            {"experiment_id": found.experiment_id, "name": found.name, "lifecycle_stage": stage}
        )
    else:
        verb = "deleted" if stage == "deleted" else "restored"
        output.done(f"{verb} experiment '{found.name}' (id {found.experiment_id})")


@app.command(
    "show",
    epilog="""Examples:

\b
  tether experiments show churn
  tether experiments show 0 --json""",
)
def show(experiment: ExperimentRef, as_json: Json = False) -> None:
    """Show one experiment: id, name, stage, times, run count, tags."""
    with tracking() as api:
        found = resolve(api, experiment)
        active = api.count_runs([found.experiment_id])[found.experiment_id]
    if as_json:
        output.print_json(_as_json(found, active))
        return
    output.print_fields(
        [
            ("id", found.experiment_id),
            ("name", found.name),
            ("stage", found.lifecycle_stage),
            ("active runs", str(active)),
            ("created", output.local_time(found.creation_time)),
            ("last update", output.local_time(found.last_update_time)),
        ]
    )
    if found.tags:
        output.print_section("tags")
        output.print_fields(sorted(found.tags.items()))
