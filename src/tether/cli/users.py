"""``tether users``: create, list, change and delete the accounts of a server that runs with ``--auth``.

Run against the server's own store (TETHER_HOME or TETHER_DB_URL) these are administrator operations
straight on the database, which is how the first admin is made; through TETHER_URI they need an admin's
token. A password is read from a hidden prompt or, for scripts, from stdin; never from the command line,
where other users of the machine and the shell history would see it.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer

from tether.cli import output
from tether.cli.options import Json
from tether.cli.session import connected

if TYPE_CHECKING:
    from tether.auth.schemas import User

app = typer.Typer(
    help="Manage the users of a server with authentication.", no_args_is_help=True, rich_markup_mode=None
)

Username = Annotated[str, typer.Argument(metavar="NAME", help="The user's name.", show_default=False)]
RoleOption = Literal["user", "admin"]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first line of stdin.")
]


def read_password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or typed twice at a hidden prompt on the terminal."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise typer.BadParameter("stdin held no password", param_hint="'--password-stdin'")
        return password
    entered: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True, err=True)
    return entered


def _as_json(user: User) -> dict[str, Any]:
    return output.with_times(user.model_dump(), "created_time")


@app.command(
    "create",
    epilog="""Examples:

\b
  tether users create alice --role admin
  printf '%s\\n' "$PASSWORD" | tether users create bob --password-stdin""",
)
def create(
    name: Username,
    role: Annotated[
        RoleOption, typer.Option(help="admin: may do everything; user: what permissions allow.")
    ] = "user",
    password_stdin: PasswordStdin = False,
    as_json: Json = False,
) -> None:
    """Create a user (passwords have at least 8 characters)."""
    password = read_password(password_stdin)
    with connected() as backend:
        user = backend.auth.create_user(name, password, role)
    if as_json:
        output.print_json(_as_json(user))
    else:
        output.done(f"created {user.role} '{user.username}'")


@app.command("ls", epilog="Examples:\n\n\b\n  tether users ls\n  tether users ls --json")
def list_users(as_json: Json = False) -> None:
    """List users with their role and whether they are disabled."""
    with connected() as backend:
        found = backend.auth.list_users()
    if as_json:
        output.print_json({"users": [_as_json(u) for u in found]})
        return
    rows: list[list[output.Cell]] = [
        [
            u.username,
            u.role,
            ("disabled", "red") if u.disabled else "active",
            output.local_time(u.created_time),
        ]
        for u in found
    ]
    output.print_table(["name", "role", "status", "created"], rows, no_wrap=["created"])


@app.command(
    "update",
    epilog="""Examples:

\b
  tether users update bob --role admin
  tether users update bob --password
  tether users update bob --disable""",
)
def update(
    name: Username,
    role: Annotated[RoleOption | None, typer.Option(help="The new role.", show_default=False)] = None,
    password: Annotated[bool, typer.Option("--password", help="Set a new password (prompted).")] = False,
    password_stdin: PasswordStdin = False,
    disable: Annotated[
        bool | None,
        typer.Option("--disable/--enable", help="Refuse or allow the user's sign-ins and tokens."),
    ] = None,
    as_json: Json = False,
) -> None:
    """Change a user's role, password or disabled state; a new password ends their browser sessions."""
    new_password = read_password(password_stdin) if password or password_stdin else None
    with connected() as backend:
        user = backend.auth.update_user(name, role=role, password=new_password, disabled=disable)
    if as_json:
        output.print_json(_as_json(user))
    else:
        state = "disabled" if user.disabled else "active"
        output.done(f"updated '{user.username}': {user.role}, {state}")


@app.command("delete", epilog="Example:\n\n\b\n  tether users delete bob")
def delete(name: Username, as_json: Json = False) -> None:
    """Delete a user with their tokens and permissions (runs they logged keep their name)."""
    with connected() as backend:
        backend.auth.delete_user(name)
    if as_json:
        output.print_json({"username": name.lower(), "deleted": True})
    else:
        output.done(f"deleted user '{name.lower()}'")


@app.command(
    "permissions",
    epilog="Examples:\n\n\b\n  tether users permissions bob\n  tether users permissions bob --json",
)
def permissions(name: Username, as_json: Json = False) -> None:
    """List the experiments a user was granted a level on (admins may do everything without grants)."""
    with connected() as backend:
        granted = backend.auth.permissions_of(name)
        names = {p.experiment_id: backend.tracking.get_experiment(p.experiment_id).name for p in granted}
    if as_json:
        output.print_json({"username": name.lower(), "permissions": [p.model_dump() for p in granted]})
        return
    output.print_table(
        ["experiment", "name", "level"], [[p.experiment_id, names[p.experiment_id], p.level] for p in granted]
    )
