"""Data shapes of the auth domain, shared by the service, the clients and the server.

Passwords travel as ``SecretStr``: they reach the wire as plain JSON strings, but a model's repr, a log
line or a traceback shows only asterisks. Write shapes reject unknown fields.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_serializer

from tether.schemas import ReadModel, WriteModel
from tether.types import Level

Role = Literal["admin", "user"]
"""An admin may do everything; a user what their experiment permissions allow."""


ROLES: tuple[Role, ...] = ("admin", "user")
LEVELS: tuple[Level, ...] = ("READ", "EDIT", "MANAGE")
MAX_PASSWORD = 1024


class SecretWriteModel(WriteModel):
    """A write shape with password fields: hidden when printed, sent in clear inside the JSON body."""

    @field_serializer("*", when_used="json")
    def _reveal(self, value: object) -> object:
        return value.get_secret_value() if isinstance(value, SecretStr) else value


class User(ReadModel):
    user_id: int
    username: str
    role: Role
    disabled: bool = False
    created_time: int


class Token(ReadModel):
    """An API token's record; the token itself is never stored, only its digest."""

    token_id: int
    name: str
    username: str
    created_time: int
    expires_time: int | None = None
    last_used_time: int | None = None
    revoked: bool = False


class TokenCreated(Token):
    """The answer to creating a token: the only time the token is shown."""

    token: str


class Permission(ReadModel):
    experiment_id: str
    username: str
    level: Level


class ModelPermission(ReadModel):
    name: str
    """The registered model's name."""
    username: str
    level: Level


class Access(ReadModel):
    """What the caller may do on one experiment, so a UI shows only the controls that will work."""

    experiment_id: str
    auth_enabled: bool
    level: Level | None


class LoginSession(ReadModel):
    """A browser session: ``secret`` goes into the HttpOnly cookie, ``csrf_token`` to the page."""

    secret: str
    csrf_token: str
    user: User
    expires_time: int


# --- request and response bodies of the REST API --------------------------------------------------------


class UserCreate(SecretWriteModel):
    username: str = Field(max_length=64)
    password: SecretStr = Field(max_length=MAX_PASSWORD)
    role: Role = "user"


class UserUpdate(SecretWriteModel):
    role: Role | None = None
    password: SecretStr | None = Field(None, max_length=MAX_PASSWORD)
    disabled: bool | None = None


class PasswordChange(SecretWriteModel):
    current_password: SecretStr = Field(max_length=MAX_PASSWORD)
    new_password: SecretStr = Field(max_length=MAX_PASSWORD)


class LoginRequest(SecretWriteModel):
    username: str = Field(max_length=64)
    password: SecretStr = Field(max_length=MAX_PASSWORD)


class LoginResult(ReadModel):
    """What a successful login returns beside the cookie: send ``csrf_token`` as X-CSRF-Token."""

    user: User
    csrf_token: str
    expires_time: int


class Me(ReadModel):
    """Who the server thinks the caller is; ``csrf_token`` is set when signed in with the session cookie."""

    auth_enabled: bool
    user: User | None = None
    csrf_token: str | None = None


class TokenCreate(WriteModel):
    name: str = Field("", max_length=100)
    expires_days: int | None = Field(None, ge=1, le=3650)


class PermissionGrant(WriteModel):
    level: Level
