"""Browser sign-in: login sets an HttpOnly session cookie and returns the CSRF token; logout; who am I.

Scripts do not sign in: they send an API token (``tether tokens create``) as ``Authorization: Bearer``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request, Response

from tether.auth.schemas import LoginRequest, LoginResult, Me, PasswordChange
from tether.errors import Conflict
from tether.server.access import PUBLIC_ROUTE, SignedIn
from tether.server.credentials import clear_session_cookie, client_address, set_session_cookie
from tether.server.deps import Guarded
from tether.server.responses import json_of, no_content
from tether.server.routing import StrictJSONRoute

router = APIRouter(prefix="/auth", tags=["auth"], route_class=StrictJSONRoute)


@router.post("/login", response_model=LoginResult, dependencies=[Depends(PUBLIC_ROUTE)])
def login(body: LoginRequest, request: Request, auth: Guarded) -> Response:
    """Check a password; failed attempts are limited per username and per address (429, Retry-After)."""
    if not request.app.state.auth_enabled:
        raise Conflict("this server runs without --auth; there is nothing to sign in to")
    session = auth.login(body.username, body.password.get_secret_value(), client_address(request))
    response = json_of(
        LoginResult(user=session.user, csrf_token=session.csrf_token, expires_time=session.expires_time)
    )
    set_session_cookie(request, response, session, auth.now_ms())
    return response


@router.post("/logout", status_code=204)
def logout(caller: SignedIn, auth: Guarded) -> Response:
    """End the browser session (an API token stays valid: revoke it with DELETE /tokens/{id})."""
    if caller.session is not None:
        auth.logout(caller.session)
    response = no_content()
    clear_session_cookie(response)
    return response


@router.get("/me", response_model=Me)
def me(caller: SignedIn, request: Request) -> Response:
    return json_of(
        Me(auth_enabled=request.app.state.auth_enabled, user=caller.user, csrf_token=caller.csrf_token)
    )


@router.post("/password", status_code=204)
def change_password(body: PasswordChange, request: Request, caller: SignedIn, auth: Guarded) -> Response:
    """Change one's own password; it ends every browser session of the user. Wrong current passwords
    count as failed logins (429 with Retry-After past the limit)."""
    auth.change_password(
        caller.signed_in().username,
        body.current_password.get_secret_value(),
        body.new_password.get_secret_value(),
        client_address(request),
    )
    return no_content()
