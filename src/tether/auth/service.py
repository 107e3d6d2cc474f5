"""AuthService: users, API tokens and experiment permissions, as an administrator manages them.

Contracts: passwords are hashed outside the database transaction, so a slow hash never holds the write
lock. There is always at least one enabled admin once one exists: the last one cannot be deleted, demoted
or disabled. Changing a user's password or disabling them ends their browser sessions; API tokens are
separate credentials and stay valid until revoked (a disabled user's tokens are refused). Checking who a
caller is and what they may do is the server's side of the domain: ``guard.Guard``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Row, exc

from tether.auth import access, passwords, queries, tokens
from tether.auth.schemas import LEVELS, ROLES, ModelPermission, Permission, Role, Token, TokenCreated, User
from tether.auth.users import check_username, normalise, token_of, user_of
from tether.errors import AlreadyExists, Conflict, InvalidInput, NotFound
from tether.schemas import Int64
from tether.storage.db import Database
from tether.types import Level

MAX_TOKEN_NAME = 100
MAX_TOKEN_DAYS = 3650


class AuthService:
    def __init__(self, db: Database, *, clock: Callable[[], float] = time.time) -> None:
        self.db = db
        self.clock = clock

    def _now_ms(self) -> int:
        return int(self.clock() * 1000)

    # --- users ----------------------------------------------------------------------------------------

    def create_user(self, username: str, password: str, role: Role = "user") -> User:
        name = check_username(username)
        _check_role(role)
        hashed = passwords.hash_password(password)
        now = self._now_ms()
        values = {
            "username": name,
            "password_hash": hashed,
            "role": role,
            "disabled": False,
            "created_time": now,
        }
        try:
            with self.db.write() as conn:
                user_id = queries.insert_user(conn, values)
        except exc.IntegrityError as error:
            raise AlreadyExists(f"a user named {name!r} already exists") from error
        return User(user_id=user_id, username=name, role=role, created_time=now)

    def get_user(self, username: str) -> User:
        with self.db.read() as conn:
            return user_of(_user_row(conn, username))

    def list_users(self) -> list[User]:
        with self.db.read() as conn:
            return [user_of(row) for row in queries.user_rows(conn)]

    def update_user(
        self,
        username: str,
        role: Role | None = None,
        password: str | None = None,
        disabled: bool | None = None,
    ) -> User:
        """Change a user's role, password or disabled flag; the last enabled admin keeps admin powers."""
        values: dict[str, object] = {}
        if role is not None:
            values["role"] = _check_role(role)
        if disabled is not None:
            values["disabled"] = bool(disabled)
        if password is not None:
            values["password_hash"] = passwords.hash_password(password)
        with self.db.write() as conn:
            row = _user_row(conn, username)
            loses_admin = role == "user" or disabled is True
            if loses_admin and _is_active_admin(row) and queries.count_active_admins(conn) <= 1:
                raise Conflict(f"'{row.username}' is the last admin; make another user admin first")
            if values:
                queries.update_user(conn, row.user_id, **values)
            if password is not None or disabled:
                queries.delete_sessions_of(conn, row.user_id)
        return self.get_user(username)

    def delete_user(self, username: str) -> None:
        """Remove a user with their tokens, sessions and permissions; runs they logged keep their name."""
        with self.db.write() as conn:
            row = _user_row(conn, username)
            if _is_active_admin(row) and queries.count_active_admins(conn) <= 1:
                raise Conflict(f"'{row.username}' is the last admin; make another user admin first")
            queries.delete_user(conn, row.user_id)

    # --- API tokens -----------------------------------------------------------------------------------

    def create_token(
        self, name: str = "", expires_days: int | None = None, username: str | None = None
    ) -> TokenCreated:
        """A new API token for ``username``; the answer is the only place the token ever appears."""
        if username is None:
            raise InvalidInput(
                "say which user the token is for (on the store itself there is no signed-in user)"
            )
        if not isinstance(name, str) or len(name) > MAX_TOKEN_NAME:
            raise InvalidInput(f"a token name has at most {MAX_TOKEN_NAME} characters")
        if expires_days is not None and not 1 <= expires_days <= MAX_TOKEN_DAYS:
            raise InvalidInput(f"expires_days must be between 1 and {MAX_TOKEN_DAYS}, got {expires_days}")
        secret = tokens.new_token()
        now = self._now_ms()
        expires = None if expires_days is None else now + expires_days * 86_400_000
        with self.db.write() as conn:
            owner = _user_row(conn, username)
            values = {
                "user_id": owner.user_id,
                "name": name,
                "digest": tokens.digest(secret),
                "created_time": now,
                "expires_time": expires,
                "last_used_time": None,
                "revoked": False,
            }
            token_id = queries.insert_token(conn, values)
        return TokenCreated(
            token_id=token_id,
            name=name,
            username=owner.username,
            created_time=now,
            expires_time=expires,
            token=secret,
        )

    def list_tokens(self, username: str | None = None) -> list[Token]:
        """One user's tokens, or everyone's; never the tokens themselves."""
        with self.db.read() as conn:
            user_id = None if username is None else _user_row(conn, username).user_id
            return [token_of(row) for row in queries.token_rows(conn, user_id)]

    def revoke_token(self, token_id: Int64, *, username: str | None = None) -> None:
        """Revoke a token at once; with ``username``, only that user's own token is found."""
        with self.db.write() as conn:
            row = queries.token_row(conn, int(token_id))
            if row is None or (username is not None and row.username != normalise(username)):
                owner = f" of user {normalise(username)}" if username is not None else ""
                raise NotFound(f"no token with id {token_id}{owner}")
            queries.update_token(conn, row.token_id, revoked=True)

    # --- experiment permissions -----------------------------------------------------------------------

    def grant_permission(self, experiment_id: str, username: str, level: Level) -> Permission:
        """Give a user ``level`` on an experiment, replacing any level they had."""
        if level not in LEVELS:
            raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        key = _experiment_key(experiment_id)
        with self.db.write() as conn:
            user = _user_row(conn, username)
            _check_experiment(conn, key)
            queries.upsert_permission(conn, key, user.user_id, level)
        return Permission(experiment_id=str(key), username=user.username, level=level)

    def revoke_permission(self, experiment_id: str, username: str) -> None:
        key = _experiment_key(experiment_id)
        with self.db.write() as conn:
            user = _user_row(conn, username)
            if not queries.delete_permission(conn, key, user.user_id):
                raise NotFound(f"{user.username} has no permission on experiment {key}")

    def list_permissions(self, experiment_id: str) -> list[Permission]:
        key = _experiment_key(experiment_id)
        with self.db.read() as conn:
            _check_experiment(conn, key)
            rows = queries.permission_rows(conn, key)
        return [Permission(experiment_id=str(key), username=r.username, level=r.level) for r in rows]

    def permissions_of(self, username: str) -> list[Permission]:
        """Every level granted to one user, by experiment (admins need none: they may do everything)."""
        with self.db.read() as conn:
            row = _user_row(conn, username)
            rows = queries.permission_rows_of_user(conn, row.user_id)
        return [
            Permission(experiment_id=str(r.experiment_id), username=r.username, level=r.level) for r in rows
        ]

    # --- registered model permissions -----------------------------------------------------------------

    def grant_model_permission(self, name: str, username: str, level: Level) -> ModelPermission:
        """Give a user ``level`` on a registered model, replacing any level they had."""
        if level not in LEVELS:
            raise InvalidInput(f"level must be one of {', '.join(LEVELS)}, got {level!r}")
        with self.db.write() as conn:
            user = _user_row(conn, username)
            queries.upsert_model_permission(conn, _model_id(conn, name), user.user_id, level)
        return ModelPermission(name=name, username=user.username, level=level)

    def revoke_model_permission(self, name: str, username: str) -> None:
        with self.db.write() as conn:
            user = _user_row(conn, username)
            if not queries.delete_model_permission(conn, _model_id(conn, name), user.user_id):
                raise NotFound(f"{user.username} has no permission on model {name!r}")

    def list_model_permissions(self, name: str) -> list[ModelPermission]:
        with self.db.read() as conn:
            _model_id(conn, name)
            found = queries.model_permissions_on(conn, name)
        return [ModelPermission(name=name, username=r.username, level=r.level) for r in found]


def _model_id(conn: Connection, name: str) -> int:
    model_id = queries.model_id_named(conn, name)
    if model_id is None:
        raise NotFound(f"no registered model named {name!r}")
    return model_id


def _user_row(conn: Connection, username: str) -> Row[Any]:
    row = queries.user_row(conn, normalise(username))
    if row is None:
        raise NotFound(f"no user named {username!r}")
    return row


def _is_active_admin(row: Row[Any]) -> bool:
    return bool(row.role == "admin" and not row.disabled)


def _check_role(role: str) -> Role:
    for known in ROLES:
        if role == known:
            return known
    raise InvalidInput(f"role must be one of {', '.join(ROLES)}, got {role!r}")


def _experiment_key(experiment_id: str) -> int:
    key = access.experiment_key(experiment_id)
    if key is None:
        raise NotFound(f"no experiment with id {experiment_id!r} (experiment ids are whole numbers)")
    return key


def _check_experiment(conn: Connection, key: int) -> None:
    if not queries.experiment_exists(conn, key):
        raise NotFound(f"no experiment with id '{key}'")
