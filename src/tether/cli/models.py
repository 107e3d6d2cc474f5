"""``tether models``: the model registry from the shell: list, show, create, register, promote, set-status,
history.

Each command makes one registry call and renders it; the audit trail records the caller (on a server
with authentication, the signed-in user; otherwise the local user name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.registry.schemas import ModelVersion, RegisteredModel, RegistryEvent

app = typer.Typer(
    help="Registered models: versions, aliases, promotion and the history of every move.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Name = Annotated[str, typer.Argument(metavar="NAME", help="The registered model's name.", show_default=False)]
Version = Annotated[
    int, typer.Argument(metavar="VERSION", min=1, help="A version number.", show_default=False)
]


StatusArg = Literal["ready", "deprecated", "archived"]  # the registry's VersionStatus, without its import


def _actor() -> str:
    from tether.sdk.context import current_user

    return current_user()


@app.command(
    "ls",
    epilog="""\b
Examples:
  tether models ls
  tether models ls --like 'churn%' --json
  tether models ls --filter "tags.team = 'growth' AND updated_time > 1796000000000"
""",
)
def list_models(
    like: Annotated[
        str | None, typer.Option("--like", metavar="PATTERN", help="Only names matching a LIKE pattern.")
    ] = None,
    filter: Annotated[
        str,
        typer.Option(
            "--filter",
            "-f",
            metavar="FILTER",
            help="Only models matching a search filter over name, description, times and tags.",
        ),
    ] = "",
    as_json: Json = False,
) -> None:
    """List registered models with their latest version and aliases."""
    from tether.schemas import every_item

    with connected() as backend:
        found = every_item(
            lambda token: backend.registry.list_models(name_like=like, page_token=token, filter=filter)
        )
    if as_json:
        output.print_json({"models": [_model_json(m) for m in found]})
        return
    rows: list[list[output.Cell]] = [
        [
            m.name,
            "-" if m.latest_version is None else str(m.latest_version),
            ", ".join(f"{a.alias}→{a.version}" for a in m.aliases) or "-",
            output.local_time(m.updated_time),
        ]
        for m in found
    ]
    output.print_table(["name", "latest", "aliases", "updated"], rows, no_wrap=["updated"], right=["latest"])


@app.command("show", epilog="\b\nExample:\n  tether models show churn")
def show(name: Name, as_json: Json = False) -> None:
    """Show a registered model: description, tags, aliases and latest version."""
    with connected() as backend:
        model = backend.registry.get_model(name)
    if as_json:
        output.print_json(_model_json(model))
        return
    fields: list[tuple[str, output.Cell]] = [
        ("name", model.name),
        ("description", model.description or "-"),
        ("latest version", "-" if model.latest_version is None else str(model.latest_version)),
        ("created", f"{output.local_time(model.created_time)} by {model.created_by or 'unknown'}"),
        ("updated", output.local_time(model.updated_time)),
    ]
    fields += [(f"tag {key}", value) for key, value in sorted(model.tags.items())]
    fields += [
        (f"alias {a.alias}", f"version {a.version}" + (" (protected)" if a.protected else ""))
        for a in model.aliases
    ]
    output.print_fields(fields, title=model.name)


@app.command(
    "versions",
    epilog="""\b
Examples:
  tether models versions churn --json
  tether models versions churn --filter "flavor = 'sklearn' AND tags.stage = 'prod'"
""",
)
def versions(
    name: Name,
    filter: Annotated[
        str,
        typer.Option(
            "--filter",
            "-f",
            metavar="FILTER",
            help="Only versions matching a search filter over version, flavor, source, times and tags.",
        ),
    ] = "",
    as_json: Json = False,
) -> None:
    """List a model's versions, oldest first, with the run each came from."""
    with connected() as backend:
        found = backend.registry.list_versions(name, filter)
    if as_json:
        output.print_json({"versions": [_version_json(v) for v in found]})
        return
    rows: list[list[output.Cell]] = [
        [
            str(v.version),
            v.status,
            v.flavor,
            v.run_id or "-",
            ", ".join(v.aliases) or "-",
            output.local_time(v.created_time),
            v.created_by or "-",
        ]
        for v in found
    ]
    headers = ["version", "status", "flavor", "run", "aliases", "created", "by"]
    output.print_table(headers, rows, no_wrap=["run", "created"], right=["version"])


@app.command(
    "create", epilog="\b\nExample:\n  tether models create churn --description 'who leaves next month'"
)
def create(
    name: Name,
    description: Annotated[
        str, typer.Option("--description", metavar="TEXT", help="What the model is for.")
    ] = "",
    as_json: Json = False,
) -> None:
    """Register a model name (logging with registered_model_name does this on first use)."""
    with connected() as backend:
        model = backend.registry.create_model(name, description, actor=_actor())
    if as_json:
        output.print_json(_model_json(model))
        return
    output.done(f"registered model {model.name}")


@app.command(
    "register",
    epilog="""\b
Examples:
  tether models register churn runs:/3f2a…/model
  tether models register churn-prod models:/churn@champion
  tether models register churn ./exported/churn-model
  tether models register churn s3://models/churn/2026-12-01
""",
)
def register(
    name: Name,
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help="runs:/<run id>/<path>, models:/<name>/<version> or @<alias>, a package folder, or a URL.",
            show_default=False,
        ),
    ],
    description: Annotated[
        str, typer.Option("--description", metavar="TEXT", help="About this version.")
    ] = "",
    as_json: Json = False,
) -> None:
    """Make a new version of NAME (registering the name if need be) from a model package.

    A package folder or URL is checked against its manifest and stored as the artifacts of a new run, so
    the version keeps its own copy.
    """
    from tether.sdk.models import register_model

    with connected() as backend:
        made = register_model(backend, source, name)
        if description:
            made = backend.registry.update_version(name, made.version, description)
    if as_json:
        output.print_json(_version_json(made))
        return
    output.done(f"{name} version {made.version} from {made.source}")


@app.command(
    "promote",
    epilog="""\b
Examples:
  tether models promote churn 3 --alias champion
  tether models promote churn 3 --alias champion --require "metrics.auc >= 0.9"
""",
)
def promote(
    name: Name,
    version: Version,
    alias: Annotated[str, typer.Option("--alias", metavar="ALIAS", help="The alias to point at VERSION.")],
    require: Annotated[
        str,
        typer.Option(
            "--require",
            metavar="FILTER",
            help="Only if the version's source run matches this filter (the run search grammar).",
        ),
    ] = "",
    as_json: Json = False,
) -> None:
    """Point ALIAS at VERSION; with --require, refused (saying which condition failed) unless it holds."""
    with connected() as backend:
        moved = backend.registry.set_alias(name, alias, version, require, actor=_actor())
    if as_json:
        output.print_json(output.with_times(moved.model_dump(), "updated_time"))
        return
    output.done(f"{name}@{alias} now points at version {moved.version}")


@app.command(
    "set-status",
    epilog="""\b
Examples:
  tether models set-status churn 2 deprecated
  tether models set-status churn 1 archived
""",
)
def set_status(
    name: Name,
    version: Version,
    status: Annotated[
        StatusArg,
        typer.Argument(
            metavar="STATUS",
            help="ready (in use), deprecated (loads with a warning) or archived (no alias may point at it).",
            show_default=False,
        ),
    ],
    as_json: Json = False,
) -> None:
    """Mark a version ready, deprecated or archived; the change is kept in the model's history.

    Archiving is refused while an alias points at the version: move the alias first.
    """
    with connected() as backend:
        changed = backend.registry.update_version(name, version, status=status, actor=_actor())
    if as_json:
        output.print_json(_version_json(changed))
        return
    output.done(f"{name} version {changed.version} is now {changed.status}")


@app.command(
    "history",
    epilog="\b\nExamples:\n  tether models history churn\n  tether models history churn --alias champion",
)
def history(
    name: Name,
    alias: Annotated[
        str | None, typer.Option("--alias", metavar="ALIAS", help="Only this alias's moves.")
    ] = None,
    as_json: Json = False,
) -> None:
    """Show who changed the model, its versions and aliases, and when, oldest first."""
    with connected() as backend:
        events = backend.registry.history(name, alias)
    if as_json:
        output.print_json({"events": [output.with_times(e.model_dump(), "at") for e in events]})
        return
    rows: list[list[output.Cell]] = [
        [output.local_time(e.at), e.actor or "unknown", _describe(e)] for e in events
    ]
    output.print_table(["when", "who", "what"], rows, no_wrap=["when"])


def _describe(event: RegistryEvent) -> str:
    if event.kind == "alias_set":
        start = "nowhere" if event.from_version is None else f"version {event.from_version}"
        return f"moved {event.alias} from {start} to version {event.to_version}"
    if event.kind == "alias_deleted":
        return f"deleted {event.alias} (it pointed at version {event.from_version})"
    if event.kind in ("alias_protected", "alias_unprotected"):
        return f"{'protected' if event.kind == 'alias_protected' else 'unprotected'} {event.alias}"
    if event.kind == "version_status_changed":
        return f"marked version {event.version} {event.to_status} (it was {event.from_status})"
    if event.kind in ("version_created", "version_deleted"):
        return f"{event.kind.split('_')[1]} version {event.version}"
    return {"model_created": "created the model", "model_renamed": f"renamed it to {event.name}"}.get(
        event.kind, "deleted the model"
    )


def _model_json(model: RegisteredModel) -> dict[str, Any]:
    return output.with_times(model.model_dump(mode="json"), "created_time", "updated_time")


def _version_json(version: ModelVersion) -> dict[str, Any]:
    return output.with_times(version.model_dump(mode="json"), "created_time", "updated_time")
