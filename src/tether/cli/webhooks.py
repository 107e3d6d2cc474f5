"""``tether webhooks``: the receivers of registry events, for admins: create, list, change, test, the log.

A webhook's secret is printed only by ``create`` and ``rotate-secret`` (alone on stdout with ``--quiet``, so
``SECRET=$(tether webhooks create URL --quiet)`` works); every other command shows the webhook without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.registry.webhooks.schemas import Webhook, WebhookCreated, WebhookDelivery

app = typer.Typer(
    help="Webhooks: registry events POSTed, signed, to URLs you choose (admins only on a server).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

KINDS = (
    "model_created, model_renamed, model_deleted, version_created, version_deleted, alias_set, "
    "alias_deleted, alias_protected, alias_unprotected"
)
WebhookId = Annotated[
    int,
    typer.Argument(
        metavar="ID", min=1, help="The webhook's id (see 'tether webhooks ls').", show_default=False
    ),
]
Url = Annotated[
    str,
    typer.Argument(
        metavar="URL", help="An http:// or https:// URL to POST deliveries to.", show_default=False
    ),
]
Events = Annotated[
    list[str] | None,
    typer.Option(
        "--event",
        metavar="KIND",
        help=f"Deliver only this kind of event (repeat for several; default: every kind). Kinds: {KINDS}.",
        show_default=False,
    ),
]
Description = Annotated[str | None, typer.Option("--description", metavar="TEXT", help="What it is for.")]
AllowPrivate = Annotated[
    bool | None,
    typer.Option(
        "--allow-private/--public-only",
        help="Allow a host that is or resolves to a loopback, link-local or private address.",
        show_default=False,
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only the secret.")]


@app.command(
    "create",
    epilog="""\b
Examples:
  tether webhooks create https://ci.example.com/hooks/tether --event alias_set --event version_created
  tether webhooks create http://10.0.4.2:9000/in --allow-private --description 'deploy bot'
  SECRET=$(tether webhooks create https://ops.example.com/in --quiet)
""",
)
def create(
    url: Url,
    events: Events = None,
    description: Description = None,
    allow_private: AllowPrivate = None,
    inactive: Annotated[bool, typer.Option("--inactive", help="Create it switched off.")] = False,
    quiet: Quiet = False,
    as_json: Json = False,
) -> None:
    """Register URL to receive registry events; prints the secret that signs deliveries, this once."""
    from tether.sdk.context import current_user

    with connected() as backend:
        made = backend.registry.create_webhook(
            url,
            events or [],  # type: ignore[arg-type]  # the service names an unknown kind
            description or "",
            bool(allow_private),
            not inactive,
            actor=current_user(),
        )
    _print_secret(made, quiet, as_json, f"webhook {made.webhook_id} delivers to {made.url}")


@app.command("ls", epilog="\b\nExample:\n  tether webhooks ls --json")
def list_webhooks(as_json: Json = False) -> None:
    """List the webhooks: where they deliver, which events, whether they are on."""
    with connected() as backend:
        found = backend.registry.list_webhooks()
    if as_json:
        output.print_json({"webhooks": [_webhook_json(w) for w in found]})
        return
    rows: list[list[output.Cell]] = [
        [
            str(w.webhook_id),
            w.url,
            ", ".join(w.events) or "every event",
            "on" if w.active else ("off", "yellow"),
            w.description or "-",
        ]
        for w in found
    ]
    output.print_table(["id", "url", "events", "state", "description"], rows, right=["id"])


@app.command("show", epilog="\b\nExample:\n  tether webhooks show 3")
def show(webhook_id: WebhookId, as_json: Json = False) -> None:
    """Show one webhook's settings (never its secret)."""
    with connected() as backend:
        webhook = backend.registry.get_webhook(webhook_id)
    if as_json:
        output.print_json(_webhook_json(webhook))
        return
    output.print_fields(
        [
            ("url", webhook.url),
            ("events", ", ".join(webhook.events) or "every event"),
            ("state", "on" if webhook.active else "off"),
            ("private targets", "allowed" if webhook.allow_private else "refused"),
            ("description", webhook.description or "-"),
            ("created", f"{output.local_time(webhook.created_time)} by {webhook.created_by or 'unknown'}"),
            ("updated", output.local_time(webhook.updated_time)),
        ],
        title=f"webhook {webhook.webhook_id}",
    )


@app.command(
    "update",
    epilog="""\b
Examples:
  tether webhooks update 3 --inactive
  tether webhooks update 3 --event alias_set --url https://ci.example.com/v2/hooks
  tether webhooks update 3 --every-event
""",
)
def update(
    webhook_id: WebhookId,
    url: Annotated[str | None, typer.Option("--url", metavar="URL", help="A new URL.")] = None,
    events: Events = None,
    every_event: Annotated[bool, typer.Option("--every-event", help="Deliver every kind of event.")] = False,
    description: Description = None,
    allow_private: AllowPrivate = None,
    active: Annotated[
        bool | None,
        typer.Option("--active/--inactive", help="Switch deliveries on or off.", show_default=False),
    ] = None,
    as_json: Json = False,
) -> None:
    """Change what is given and keep the rest."""
    if every_event and events:
        raise typer.BadParameter("give --event or --every-event, not both", param_hint="--every-event")
    chosen = [] if every_event else events
    with connected() as backend:
        webhook = backend.registry.update_webhook(
            webhook_id,
            url,
            chosen,  # type: ignore[arg-type]  # the service names an unknown kind
            description,
            allow_private,
            active,
        )
    if as_json:
        output.print_json(_webhook_json(webhook))
        return
    output.done(f"updated webhook {webhook.webhook_id}")


@app.command("rm", epilog="\b\nExample:\n  tether webhooks rm 3")
def remove(webhook_id: WebhookId) -> None:
    """Delete a webhook and its delivery log; pending deliveries are never sent."""
    with connected() as backend:
        backend.registry.delete_webhook(webhook_id)
    output.done(f"deleted webhook {webhook_id}")


@app.command("rotate-secret", epilog="\b\nExample:\n  tether webhooks rotate-secret 3 --quiet")
def rotate_secret(webhook_id: WebhookId, quiet: Quiet = False, as_json: Json = False) -> None:
    """Give a webhook a new secret (printed this once); deliveries from now on are signed with it."""
    with connected() as backend:
        made = backend.registry.rotate_webhook_secret(webhook_id)
    _print_secret(made, quiet, as_json, f"webhook {made.webhook_id} has a new secret")


@app.command(
    "ping", epilog="\b\nExample:\n  tether webhooks ping 3 && tether webhooks deliveries 3 --limit 1"
)
def ping(webhook_id: WebhookId, as_json: Json = False) -> None:
    """Queue a test delivery (event "ping"); the server sends it within a second or so."""
    with connected() as backend:
        delivery = backend.registry.ping_webhook(webhook_id)
    if as_json:
        output.print_json(_delivery_json(delivery))
        return
    output.done(f"queued ping delivery {delivery.delivery_id}; see 'tether webhooks deliveries {webhook_id}'")


@app.command(
    "deliveries",
    epilog="""\b
Examples:
  tether webhooks deliveries 3
  tether webhooks deliveries 3 --status failed --json
""",
)
def deliveries(
    webhook_id: WebhookId,
    status: Annotated[
        str | None,
        typer.Option("--status", metavar="STATE", help="Only pending, delivered or failed ones."),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, max=1000, help="At most this many, newest first.")
    ] = 50,
    as_json: Json = False,
) -> None:
    """The delivery log, newest first: each event, its state, attempts and the receiver's last answer."""
    with connected() as backend:
        page = backend.registry.list_deliveries(webhook_id, status, limit)  # type: ignore[arg-type]
    if as_json:
        output.print_json({"deliveries": [_delivery_json(d) for d in page.items]})
        return
    rows: list[list[output.Cell]] = [
        [
            str(d.delivery_id),
            output.local_time(d.created_time),
            d.event,
            _subject(d),
            _state(d),
            str(d.attempts),
            "-" if d.last_status is None else str(d.last_status),
            d.last_error or "-",
        ]
        for d in page.items
    ]
    headers = ["id", "queued", "event", "about", "state", "attempts", "status", "last error"]
    output.print_table(headers, rows, no_wrap=["queued"], right=["id", "attempts", "status"])
    if page.next_page_token is not None:
        output.note(f"showing the newest {limit}; use --limit for more")


def _print_secret(made: WebhookCreated, quiet: bool, as_json: bool, message: str) -> None:
    if quiet:
        output.done(made.secret)
    elif as_json:
        output.print_json({**_webhook_json(made), "secret": made.secret})
    else:
        output.done(
            f"{message}\nsecret: {made.secret}\n(shown only now: keep it where the receiver can read it)"
        )


def _subject(delivery: WebhookDelivery) -> str:
    if delivery.name is None:
        return "-"
    if delivery.alias is not None:
        return f"{delivery.name}@{delivery.alias}"
    return delivery.name if delivery.version is None else f"{delivery.name} v{delivery.version}"


def _state(delivery: WebhookDelivery) -> output.Cell:
    if delivery.status == "failed":
        return ("failed", "red")
    if delivery.status == "pending" and delivery.attempts:
        return (f"retry {output.local_time(delivery.next_attempt_at)}", "yellow")
    return delivery.status


def _webhook_json(webhook: Webhook) -> dict[str, Any]:
    document = output.with_times(webhook.model_dump(mode="json"), "created_time", "updated_time")
    document.pop("secret", None)
    return document


def _delivery_json(delivery: WebhookDelivery) -> dict[str, Any]:
    return output.with_times(
        delivery.model_dump(mode="json"), "created_time", "next_attempt_at", "finished_time"
    )
