"""``tether runs``: search, show, compare, delete and restore runs, and print a metric's history.

Which columns a listing shows and how a comparison is laid out live in ``runs_view.py``; this module parses
options, makes the calls and hands the results over.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated

import typer

from tether.cli import output, runs_view
from tether.cli.experiments import all_experiments, resolve
from tether.cli.options import Json, OnlyDeleted, RunId, ShowAll, view_of
from tether.cli.session import tracking

if TYPE_CHECKING:
    from tether.tracking.schemas import Run

app = typer.Typer(
    help="Search, inspect, compare, delete and restore runs.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


@app.command(
    "ls",
    epilog="""Examples:

\b
  tether runs ls --experiment churn
  tether runs ls -e churn --filter "metrics.loss < 0.01 and params.model = 'gbm'"
  tether runs ls -e churn --order-by "metrics.loss ASC" --max-results 5
  tether runs ls -e churn --columns metrics.loss,params.lr,params.depth
  tether runs ls --deleted --json""",
)
def list_runs(
    experiments: Annotated[
        list[str] | None,
        typer.Option(
            "--experiment",
            "-e",
            metavar="ID_OR_NAME",
            help="Search this experiment (id or name); repeat for several. Default: every active experiment.",
            show_default=False,
        ),
    ] = None,
    filter_text: Annotated[
        str,
        typer.Option(
            "--filter",
            "-f",
            metavar="EXPR",
            help="Search expression, e.g. \"metrics.loss < 0.1 and params.model = 'gbm'\".",
            show_default=False,
        ),
    ] = "",
    order_by: Annotated[
        list[str] | None,
        typer.Option(
            "--order-by",
            metavar="EXPR",
            help="Sort key such as 'metrics.loss ASC' or 'start_time DESC'; repeat for ties. "
            "Default: newest first.",
            show_default=False,
        ),
    ] = None,
    max_results: Annotated[
        int, typer.Option("--max-results", "-n", min=1, metavar="N", help="Show at most this many runs.")
    ] = 50,
    columns: Annotated[
        list[str] | None,
        typer.Option(
            "--columns",
            "-c",
            metavar="KEYS",
            help="Comma-separated metrics.KEY, params.KEY or tags.KEY columns to show after the fixed ones, "
            "instead of the automatic picks; repeatable.",
            show_default=False,
        ),
    ] = None,
    show_all: ShowAll = False,
    only_deleted: OnlyDeleted = False,
    as_json: Json = False,
) -> None:
    """List runs that match a search (newest first unless --order-by says otherwise)."""
    view = view_of(show_all, only_deleted)
    chosen = runs_view.parse_columns(columns or [])
    with tracking() as api:
        if experiments:
            ids = [resolve(api, ref).experiment_id for ref in experiments]
        else:
            ids = [e.experiment_id for e in all_experiments(api, "active")]
        page = api.search_runs(
            ids, filter=filter_text, order_by=order_by or [], max_results=max_results, view=view
        )
    truncated = page.next_page_token is not None
    if as_json:
        output.print_json({"runs": [run_json(r) for r in page.items], "truncated": truncated})
        return
    if not page.items:
        output.note("no runs match")
        return
    runs_view.print_runs(page.items, chosen)
    if truncated:
        output.note(f"showing the first {max_results} runs; more match (raise --max-results to see them)")


@app.command(
    "show",
    epilog="""Examples:

\b
  tether runs show 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f
  tether runs show 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f --json | jq .metrics""",
)
def show(run_id: RunId, as_json: Json = False) -> None:
    """Show one run: details, params, latest metrics, tags, child runs."""
    with tracking() as api:
        run = api.get_run(run_id)
        children = api.child_runs(run_id)
    if as_json:
        output.print_json({**run_json(run), "child_run_ids": children})
        return
    output.print_fields(
        [
            ("run id", run.run_id),
            ("name", run.run_name),
            ("experiment", run.experiment_id),
            ("status", runs_view.status_cell(run)),
            ("stage", run.lifecycle_stage),
            ("user", run.user_id),
            ("start time", output.local_time(run.start_time)),
            ("end time", output.local_time(run.end_time)),
            ("duration", output.duration(runs_view.duration_ms(run, int(time.time() * 1000)))),
            ("parent run", run.parent_run_id or ""),
        ]
    )
    sections: list[tuple[str, list[tuple[str, output.Cell]]]] = [
        ("params", sorted(run.params.items())),
        ("metrics (latest values)", [(k, output.number(v)) for k, v in sorted(run.metrics.items())]),
        ("tags", sorted(run.tags.items())),
        ("child runs", [(child, "") for child in children]),
    ]
    for title, fields in sections:
        if fields:
            output.print_section(title)
            output.print_fields(fields)


@app.command(
    "compare",
    epilog="""Examples:

\b
  tether runs compare 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f 9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d
  tether runs compare RUN_A RUN_B RUN_C --all-keys""",
)
def compare(
    run_ids: Annotated[
        list[str],
        typer.Argument(metavar="RUN_ID", help="Two or more run ids.", show_default=False),
    ],
    all_keys: Annotated[
        bool, typer.Option("--all-keys", help="Also show params and metrics that are equal in every run.")
    ] = False,
    as_json: Json = False,
) -> None:
    """Compare runs side by side, highlighting params and metrics that differ.

    One column per run, one row per param or metric. By default only the keys whose values differ are
    shown, with a count of the ones that do not.
    """
    if len(set(run_ids)) < 2:
        raise typer.BadParameter("give at least two different run ids", param_hint="'RUN_ID'")
    with tracking() as api:
        found = [api.get_run(run_id) for run_id in run_ids]
    rows = runs_view.comparison(found)
    shown = rows if all_keys else [row for row in rows if row.differs]
    hidden = len(rows) - len(shown)
    if as_json:
        output.print_json(
            {
                "runs": [{"run_id": r.run_id, "run_name": r.run_name} for r in found],
                "rows": [{"key": row.key, "values": row.values, "differs": row.differs} for row in shown],
                "identical_hidden": hidden,
            }
        )
        return
    runs_view.print_comparison(found, shown, hidden)


@app.command("delete", epilog="Example:\n\n\b\n  tether runs delete 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f")
def delete(run_id: RunId, as_json: Json = False) -> None:
    """Delete a run (kept, hidden from searches, restorable)."""
    with tracking() as api:
        api.delete_run(run_id)
    _stage_changed(run_id, "deleted", as_json)


@app.command("restore", epilog="Example:\n\n\b\n  tether runs restore 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f")
def restore(run_id: RunId, as_json: Json = False) -> None:
    """Bring a deleted run back."""
    with tracking() as api:
        api.restore_run(run_id)
    _stage_changed(run_id, "active", as_json)


def _stage_changed(run_id: str, stage: str, as_json: bool) -> None:
    if as_json:
        output.print_json({"run_id": run_id, "lifecycle_stage": stage})
    else:
        output.done(f"{'deleted' if stage == 'deleted' else 'restored'} run {run_id}")


@app.command(
    "history",
    epilog="""Examples:

\b
  tether runs history 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f loss
  tether runs history 0f3c5e6d2b7a4c1e9d8f7a6b5c4d3e2f loss --max-points 100 --json""",
)
def history(
    run_id: RunId,
    key: Annotated[str, typer.Argument(metavar="KEY", help="The metric's key.", show_default=False)],
    max_points: Annotated[
        int | None,
        typer.Option(
            "--max-points",
            metavar="N",
            help="Reduce a long history to at most N points (N >= 4), keeping its shape.",
            show_default=False,
        ),
    ] = None,
    as_json: Json = False,
) -> None:
    """Print the logged points of one metric, by step."""
    from tether.tracking.schemas import metrics_of

    with tracking() as api:
        points = metrics_of(api.get_metric_series(run_id, key, max_points=max_points))
    if as_json:
        output.print_json(
            {
                "run_id": run_id,
                "key": key,
                "points": [output.with_times(p.model_dump(exclude={"key"}), "timestamp") for p in points],
            }
        )
        return
    if not points:
        output.note(f"run {run_id} has no points for metric '{key}'")
        return
    output.print_table(
        ["step", "value", "time"],
        [[str(p.step), output.number(p.value), output.local_time(p.timestamp)] for p in points],
        no_wrap=["time"],
        right=["step", "value"],
    )


def run_json(run: Run) -> dict[str, object]:
    """A run as --json prints it: every stored field, ISO twins of its times and its duration."""
    document = output.with_times(run.model_dump(), "start_time", "end_time")
    document["duration_ms"] = None if run.end_time is None else run.end_time - run.start_time
    return document
