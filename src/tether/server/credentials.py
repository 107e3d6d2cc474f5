"""Who is calling: an API token in ``Authorization: Bearer``, or a browser session cookie; on the
MLflow-compatible paths also a user name and password in ``Authorization: Basic``, as MLflow's client
sends them (``MLFLOW_TRACKING_USERNAME`` / ``MLFLOW_TRACKING_PASSWORD``).

A session cookie is sent by the browser on its own, so any unsafe request (POST, PUT, PATCH, DELETE) that
relies on it must also carry the session's CSRF token in ``X-CSRF-Token``, which a page from another site
cannot read. The cookie is HttpOnly (scripts cannot read it either) and SameSite=Strict. A request that
sends a Bearer header is judged by that header alone, never by a cookie it may also carry.
"""

from __future__ import annotations

import base64
import hmac
from dataclasses import dataclass

from fastapi import Request, Response

from tether.auth.guard import Guard
from tether.auth.schemas import LoginSession, User
from tether.errors import Conflict, PermissionDenied, Unauthenticated

SESSION_COOKIE = "tether_session"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
BASIC_PATHS = ("/api/2.0/mlflow/", "/api/2.0/mlflow-artifacts/")
"""Where a password may come with every request; tether's own API takes tokens and sessions only."""


@dataclass(frozen=True)
class Caller:
    """The caller of one request. ``user`` is None on a server without ``--auth``, where all is allowed."""

    user: User | None
    session: str | None = None
    """The session secret, when the caller signed in with the cookie."""
    csrf_token: str | None = None

    @property
    def is_admin(self) -> bool:
        return self.user is None or self.user.role == "admin"

    def signed_in(self) -> User:
        """The caller's user, for requests that only make sense for one (their tokens, their password)."""
        if self.user is None:
            raise Conflict("this server runs without --auth, so there is no signed-in user")
        return self.user


def identify(request: Request, auth: Guard) -> Caller:
    """The signed-in caller of ``request``, or Unauthenticated; checks CSRF for cookie-borne writes."""
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, token = header.partition(" ")
        if scheme.lower() == "basic" and request.url.path.startswith(BASIC_PATHS):
            username, password = _basic(token)
            return Caller(auth.authenticate_password(username, password, client_address(request)))
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("the Authorization header must read 'Bearer <token>'")
        return Caller(auth.authenticate_token(token.strip()))
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        user, csrf = auth.authenticate_session(secret)
        if request.method not in SAFE_METHODS:
            sent = request.headers.get(CSRF_HEADER, "")
            if not hmac.compare_digest(sent.encode(), csrf.encode()):
                raise PermissionDenied(
                    "a request signed in with the session cookie must send the X-CSRF-Token header "
                    "that login returned"
                )
        return Caller(user, session=secret, csrf_token=csrf)
    raise Unauthenticated(
        "this server requires authentication: send 'Authorization: Bearer <token>' (the SDK and CLI "
        "read it from TETHER_TOKEN), or sign in at /api/v1/auth/login"
    )


def _basic(encoded: str) -> tuple[str, str]:
    try:
        username, sep, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        sep = ""
    if not sep:
        raise Unauthenticated("the Authorization header must read 'Basic <base64 of user:password>'")
    return username, password


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def set_session_cookie(request: Request, response: Response, session: LoginSession, now_ms: int) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session.secret,
        max_age=max(0, (session.expires_time - now_ms) // 1000),
        path="/",
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )


def clear_session_cookie(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
