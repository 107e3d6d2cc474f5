"""The remote AuthAPI: users, tokens and permissions through a ``tether server``'s REST API.

Every call is made as the caller whose token the transport sends; the server decides what it may do.
Passwords leave this process only inside the JSON body of the request that needs them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import SecretStr, TypeAdapter

from tether.auth.schemas import (
    Level,
    Permission,
    PermissionGrant,
    Role,
    Token,
    TokenCreate,
    TokenCreated,
    User,
    UserCreate,
    UserUpdate,
)
from tether.client.http import HttpTransport

API = "/api/v1"
_USERS = TypeAdapter(list[User])
_TOKENS = TypeAdapter(list[Token])
_PERMISSIONS = TypeAdapter(list[Permission])


def _seg(value: object) -> str:
    return quote(str(value), safe="")


class RemoteAuth:
    """AuthAPI over HTTP; refusals arrive as Unauthenticated (401) and PermissionDenied (403)."""

    def __init__(self, http: HttpTransport) -> None:
        self.http = http

    def _call(self, method: str, route: str, body: Any = None) -> bytes:
        payload = body.model_dump_json(exclude_none=True) if body is not None else None
        return self.http.request(method, API + route, body=payload).content

    # --- users ----------------------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: Role = "user") -> User:
        body = UserCreate(username=username, password=SecretStr(password), role=role)
        return User.model_validate_json(self._call("POST", "/users", body))

    def get_user(self, username: str) -> User:
        return User.model_validate_json(self._call("GET", f"/users/{_seg(username)}"))

    def list_users(self) -> list[User]:
        return _USERS.validate_json(self._call("GET", "/users"))

    def update_user(
        self,
        username: str,
        role: Role | None = None,
        password: str | None = None,
        disabled: bool | None = None,
    ) -> User:
        secret = None if password is None else SecretStr(password)
        body = UserUpdate(role=role, password=secret, disabled=disabled)
        return User.model_validate_json(self._call("PATCH", f"/users/{_seg(username)}", body))

    def delete_user(self, username: str) -> None:
        self._call("DELETE", f"/users/{_seg(username)}")

    # --- tokens ---------------------------------------------------------------------------------------

    def create_token(
        self, name: str = "", expires_days: int | None = None, username: str | None = None
    ) -> TokenCreated:
        """A token for the caller, or (for an admin) for ``username``."""
        route = "/tokens" if username is None else f"/users/{_seg(username)}/tokens"
        body = TokenCreate(name=name, expires_days=expires_days)
        return TokenCreated.model_validate_json(self._call("POST", route, body))

    def list_tokens(self, username: str | None = None) -> list[Token]:
        route = "/tokens" if username is None else f"/users/{_seg(username)}/tokens"
        return _TOKENS.validate_json(self._call("GET", route))

    def revoke_token(self, token_id: int) -> None:
        self._call("DELETE", f"/tokens/{int(token_id)}")

    # --- permissions ----------------------------------------------------------------------------------

    def grant_permission(self, experiment_id: str, username: str, level: Level) -> Permission:
        route = f"/experiments/{_seg(experiment_id)}/permissions/{_seg(username)}"
        return Permission.model_validate_json(self._call("PUT", route, PermissionGrant(level=level)))

    def revoke_permission(self, experiment_id: str, username: str) -> None:
        self._call("DELETE", f"/experiments/{_seg(experiment_id)}/permissions/{_seg(username)}")

    def permissions_of(self, username: str) -> list[Permission]:
        return _PERMISSIONS.validate_json(self._call("GET", f"/users/{_seg(username)}/permissions"))

    def list_permissions(self, experiment_id: str) -> list[Permission]:
        return _PERMISSIONS.validate_json(
            self._call("GET", f"/experiments/{_seg(experiment_id)}/permissions")
        )
