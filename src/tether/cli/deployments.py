"""``tether deployments``: the model servers that report to tether (``tether serve --deployment NAME``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.deployments.schemas import Deployment, StatsPoint

app = typer.Typer(
    help="Deployments: running model servers, the versions they serve and how they are doing.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Name = Annotated[
    str,
    typer.Argument(
        metavar="NAME", help="The deployment's name (see 'tether deployments ls').", show_default=False
    ),
]
STATUS_STYLE = {"running": "green", "stale": "yellow", "stopped": "dim"}
TIMES = ("started_at", "last_seen_at", "stopped_at")


@app.command(
    "ls", epilog="\b\nExamples:\n  tether deployments ls\n  tether deployments ls --status running --json"
)
def list_deployments(
    status: Annotated[
        Literal["running", "stale", "stopped"] | None,
        typer.Option(help="Only deployments in this state (stale: no report for three intervals)."),
    ] = None,
    as_json: Json = False,
) -> None:
    """List the deployments, each with the versions it serves and its latest numbers."""
    from tether.schemas import every_item

    with connected() as backend:
        found = every_item(lambda token: backend.deployments.list_deployments(status, 1000, token))
    if as_json:
        output.print_json({"deployments": [_json(d) for d in found]})
        return
    rows: list[list[output.Cell]] = []
    for deployment in found:
        latest = _totals(deployment.stats)
        rows.append(
            [
                deployment.name,
                (deployment.status, STATUS_STYLE[deployment.status]),
                _versions(deployment),
                output.number(latest["request_rate"]),
                output.number(latest["p50_ms"]),
                output.number(latest["p99_ms"]),
                f"{latest['error_rate']:.1%}" if latest["error_rate"] is not None else "-",
                output.local_time(deployment.last_seen_at),
            ]
        )
    output.print_table(
        ["name", "status", "serving", "req/s", "p50 ms", "p99 ms", "errors", "last seen"],
        rows,
        no_wrap=["name", "last seen"],
        right=["req/s", "p50 ms", "p99 ms", "errors"],
    )


@app.command("show", epilog="\b\nExample:\n  tether deployments show churn-api --json")
def show(name: Name, as_json: Json = False) -> None:
    """Show one deployment: where it runs, each model and version it serves, its latest window."""
    with connected() as backend:
        deployment = backend.deployments.get_deployment(name)
    if as_json:
        output.print_json(_json(deployment))
        return
    output.print_fields(
        [
            ("status", (deployment.status, STATUS_STYLE[deployment.status])),
            ("url", deployment.url),
            ("host", deployment.host or "-"),
            ("tether", deployment.tether_version or "-"),
            ("started", output.local_time(deployment.started_at)),
            ("last seen", output.local_time(deployment.last_seen_at)),
            ("reports every", f"{deployment.report_interval_s:g} s"),
        ],
        title=f"deployment {deployment.name}",
    )
    output.print_section("models")
    output.print_table(
        ["served as", "role", "model", "version", "share", "uri"],
        [
            [
                lane.served_name,
                lane.role,
                lane.model or "-",
                "-" if lane.version is None else str(lane.version),
                f"{lane.weight:.0%}",
                lane.uri,
            ]
            for lane in deployment.models
        ],
        right=["version", "share"],
    )
    if deployment.stats:
        output.print_section("latest window")
        output.print_table(
            ["served as", "req/s", "p50 ms", "p99 ms", "errors", "rows/s"],
            [
                [
                    point.served_name,
                    output.number(point.request_rate),
                    output.number(point.p50_ms),
                    output.number(point.p99_ms),
                    f"{point.error_rate:.1%}",
                    output.number(point.rows_per_s),
                ]
                for point in deployment.stats
            ],
            right=["req/s", "p50 ms", "p99 ms", "errors", "rows/s"],
        )


@app.command("rm", epilog="\b\nExample:\n  tether deployments rm churn-api")
def remove(name: Name) -> None:
    """Forget a deployment retired for good: its record, its stats and its lineage edges."""
    with connected() as backend:
        backend.deployments.delete_deployment(name)
    output.done(f"deleted deployment {name}")


def _versions(deployment: Deployment) -> str:
    """What each served name answers with: ``churn 3 (90%), 4 (10%)``."""
    parts = []
    for served in dict.fromkeys(lane.served_name for lane in deployment.models):
        lanes = [lane for lane in deployment.models if lane.served_name == served and lane.role != "shadow"]
        versions = ", ".join(
            f"{'-' if lane.version is None else lane.version}"
            + (f" ({lane.weight:.0%})" if len(lanes) > 1 else "")
            for lane in lanes
        )
        parts.append(f"{served} {versions}")
    return "; ".join(parts) or "-"


def _totals(stats: list[StatsPoint]) -> dict[str, float | None]:
    """The latest window over every served name: rates summed, latencies and error rate the worst."""
    if not stats:
        return {"request_rate": None, "p50_ms": None, "p99_ms": None, "error_rate": None}
    return {
        "request_rate": sum(point.request_rate for point in stats),
        "p50_ms": _most(point.p50_ms for point in stats),
        "p99_ms": _most(point.p99_ms for point in stats),
        "error_rate": max(point.error_rate for point in stats),
    }


def _most(values: Any) -> float | None:
    known = [value for value in values if value is not None]
    return max(known) if known else None


def _json(deployment: Deployment) -> dict[str, Any]:
    return output.with_times(deployment.model_dump(mode="json"), *TIMES)
