"""What a username may be, and stored user and token rows as the models the API returns."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Row

from tether.auth.schemas import Token, User
from tether.errors import InvalidInput

_USERNAME = re.compile(r"[a-z0-9][a-z0-9._@-]{0,63}")


def normalise(username: str) -> str:
    """Usernames are case-insensitive: 'Alice' and 'alice' are one user."""
    return username.lower() if isinstance(username, str) else ""


def check_username(username: str) -> str:
    name = normalise(username)
    if not _USERNAME.fullmatch(name):
        raise InvalidInput(
            f"invalid username {username!r}: use 1 to 64 letters, digits and . _ @ -, starting with a "
            "letter or digit"
        )
    return name


def user_of(row: Row[Any], prefix: str = "") -> User:
    """A user from a row; ``prefix`` names its columns when the row joins users to another table."""
    values = row._mapping
    return User(
        user_id=values[f"{prefix}user_id"],
        username=values[f"{prefix}username"],
        role=values[f"{prefix}role"],
        disabled=bool(values[f"{prefix}disabled"]),
        created_time=values[f"{prefix}created_time"],
    )


def token_of(row: Row[Any]) -> Token:
    return Token(
        token_id=row.token_id,
        name=row.name,
        username=row.username,
        created_time=row.created_time,
        expires_time=row.expires_time,
        last_used_time=row.last_used_time,
        revoked=bool(row.revoked),
    )
