"""Password logins and the browser sessions they open, with failed attempts limited per user and address.

A session is a random secret kept by the browser in an HttpOnly cookie and stored here only as a digest,
beside the CSRF token the page must echo on every unsafe request. Sessions end after SESSION_LIFETIME_MS,
on logout, and when the user's password changes or the user is disabled.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NoReturn

from tether.auth import passwords, queries, tokens
from tether.auth.ratelimit import LoginLimits, retry_after
from tether.auth.schemas import LoginSession, User
from tether.auth.users import normalise, user_of
from tether.errors import PermissionDenied, RateLimited, Unauthenticated
from tether.storage.db import Database

if TYPE_CHECKING:
    from sqlalchemy import Connection

SESSION_LIFETIME_MS = 24 * 3600 * 1000
MAX_KEY = 64
"""Usernames and addresses are cut to this length before they are counted."""


class Logins:
    def __init__(self, db: Database, now_ms: Callable[[], int], limits: LoginLimits) -> None:
        self.db = db
        self.now_ms = now_ms
        self.limits = limits

    def login(self, username: str, password: str, address: str) -> LoginSession:
        name, now = normalise(username)[:MAX_KEY], self.now_ms()
        row = self.checked_row(username, password, address)
        user = user_of(row)
        renewed = passwords.hash_password(password) if passwords.needs_rehash(row.password_hash) else None
        secret, csrf = tokens.new_session_secret(), tokens.new_csrf_token()
        expires = now + SESSION_LIFETIME_MS
        with self.db.write() as conn:
            queries.clear_failures(conn, name)
            queries.delete_expired_sessions(conn, now)
            if renewed is not None:
                queries.update_user(conn, user.user_id, password_hash=renewed)
            queries.insert_session(
                conn,
                {
                    "digest": tokens.digest(secret),
                    "user_id": user.user_id,
                    "csrf_token": csrf,
                    "created_time": now,
                    "expires_time": expires,
                },
            )
        return LoginSession(secret=secret, csrf_token=csrf, user=user, expires_time=expires)

    def checked_row(self, username: str, password: str, address: str) -> Any:
        """The user's row when the password is theirs and the account is enabled; a wrong pair is counted
        and limited per user and address (Unauthenticated, or RateLimited once over the limit)."""
        name, address, now = normalise(username)[:MAX_KEY], address[:MAX_KEY], self.now_ms()
        with self.db.read() as conn:
            self._check_limits(conn, name, address, now)
            row = queries.user_row(conn, name)
        if row is None:
            passwords.burn_time(password)
            self._failed(name, address, now)
        if not passwords.verify_password(row.password_hash, password):
            self._failed(name, address, now)
        if row.disabled:
            raise Unauthenticated(f"the account '{row.username}' is disabled; ask an admin")
        return row

    def verify(self, username: str, password: str, address: str) -> None:
        """A password check outside a login (a user changing their own), limited and counted alike, so the
        change-password form cannot be used to guess a signed-in user's password."""
        try:
            self.checked_row(username, password, address)
        except Unauthenticated:  # the caller is signed in: a wrong current password is a refusal
            raise PermissionDenied("the current password is wrong") from None

    def authenticate(self, secret: str) -> tuple[User, str]:
        with self.db.read() as conn:
            row = queries.session_and_user(conn, tokens.digest(secret))
        if row is None or row.expires_time <= self.now_ms():
            raise Unauthenticated("the session has ended; sign in again")
        user = user_of(row, prefix="user_")
        if user.disabled:
            raise Unauthenticated(f"the account '{user.username}' is disabled")
        return user, str(row.csrf_token)

    def logout(self, secret: str) -> None:
        with self.db.write() as conn:
            queries.delete_session(conn, tokens.digest(secret))

    def _check_limits(self, conn: Connection, username: str, address: str, now: int) -> None:
        since = now - self.limits.window_s * 1000
        for column, value, limit in (
            ("username", username, self.limits.per_username),
            ("address", address, self.limits.per_address),
        ):
            recent = queries.recent_failures(conn, column, value, since, limit)
            wait = retry_after(recent, limit, self.limits.window_s, now)
            if wait is not None:
                raise RateLimited(f"too many failed logins; try again in {wait} s", retry_after_s=wait)

    def _failed(self, username: str, address: str, now: int) -> NoReturn:
        self._record_failure(username, address, now)
        raise Unauthenticated("wrong username or password")

    def _record_failure(self, username: str, address: str, now: int) -> None:
        forget = now - self.limits.window_s * 1000
        with self.db.write() as conn:
            queries.record_failure(conn, username, address, now, forget)
