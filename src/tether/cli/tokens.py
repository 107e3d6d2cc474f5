"""``tether tokens``: create, list and revoke the API tokens that scripts, the SDK and the CLI sign in with.

Through TETHER_URI the commands act on the caller's own tokens (an admin may name another user with
``--user``); on the server's own store they are administrator operations and ``create`` needs ``--user``.
A new token is printed once, alone on stdout, so ``export TETHER_TOKEN=$(tether tokens create)`` works.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.auth.schemas import Token

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True, rich_markup_mode=None)

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user", metavar="NAME", help="Whose tokens (default: your own on a server).", show_default=False
    ),
]


def _as_json(token: Token) -> dict[str, Any]:
    return output.with_times(token.model_dump(), "created_time", "expires_time", "last_used_time")


def _status(token: Token, now_ms: int) -> output.Cell:
    if token.revoked:
        return ("revoked", "red")
    if token.expires_time is not None and token.expires_time <= now_ms:
        return ("expired", "red")
    return "active"


@app.command(
    "create",
    epilog="""Examples:

\b
  export TETHER_TOKEN=$(tether tokens create --name laptop --expires-days 90)
  tether tokens create --user alice --name ci      (on the server's store)""",
)
def create(
    name: Annotated[str, typer.Option(help="A label to recognise the token by.")] = "",
    expires_days: Annotated[
        int | None,
        typer.Option(min=1, max=3650, help="Days until it expires. Default: never.", show_default=False),
    ] = None,
    user: UserOption = None,
    as_json: Json = False,
) -> None:
    """Create an API token and print it; it is never shown again."""
    with connected() as backend:
        if user is None and not backend.remote:
            raise typer.BadParameter(
                "on the store itself, name the user the token is for", param_hint="'--user'"
            )
        created = backend.auth.create_token(name, expires_days, username=user)
    if as_json:
        output.print_json({**_as_json(created), "token": created.token})
        return
    output.done(created.token)
    until = output.local_time(created.expires_time) if created.expires_time else "never"
    output.note(
        f"created token {created.token_id} for '{created.username}' (expires: {until}); it is not shown "
        "again, so store it now"
    )


@app.command("ls", epilog="Examples:\n\n\b\n  tether tokens ls\n  tether tokens ls --user alice --json")
def list_tokens(user: UserOption = None, as_json: Json = False) -> None:
    """List tokens: id, name, owner, times and status (never the tokens themselves)."""
    with connected() as backend:
        found = backend.auth.list_tokens(user)
    if as_json:
        output.print_json({"tokens": [_as_json(t) for t in found]})
        return
    now = int(time.time() * 1000)
    rows = [
        [
            str(t.token_id),
            t.name,
            t.username,
            output.local_time(t.created_time),
            output.local_time(t.expires_time) or "never",
            output.local_time(t.last_used_time),
            _status(t, now),
        ]
        for t in found
    ]
    headers = ["id", "name", "user", "created", "expires", "last used", "status"]
    output.print_table(headers, rows, no_wrap=["id", "created", "expires", "last used"], right=["id"])


@app.command("revoke", epilog="Example:\n\n\b\n  tether tokens revoke 3")
def revoke(
    token_id: Annotated[int, typer.Argument(metavar="ID", help="The token's id (see 'tether tokens ls').")],
    as_json: Json = False,
) -> None:
    """Revoke a token at once: every later request made with it is refused."""
    with connected() as backend:
        backend.auth.revoke_token(token_id)
    if as_json:
        output.print_json({"token_id": token_id, "revoked": True})
    else:
        output.done(f"revoked token {token_id}")
