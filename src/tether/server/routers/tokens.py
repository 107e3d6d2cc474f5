"""The caller's own API tokens: create (the token is in this answer only), list, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Response

from tether.auth.schemas import Token, TokenCreate, TokenCreated
from tether.server.access import SignedIn
from tether.server.deps import Auth
from tether.server.responses import json_of, json_of_value, no_content

router = APIRouter(prefix="/tokens", tags=["tokens"])


@router.post("", response_model=TokenCreated, status_code=201)
def create_token(body: TokenCreate, caller: SignedIn, auth: Auth) -> Response:
    created = auth.create_token(body.name, body.expires_days, username=caller.signed_in().username)
    return json_of(created, status_code=201)


@router.get("", response_model=list[Token])
def list_tokens(caller: SignedIn, auth: Auth) -> Response:
    return json_of_value(auth.list_tokens(caller.signed_in().username), list[Token])


@router.delete("/{token_id}", status_code=204)
def revoke_token(token_id: int, caller: SignedIn, auth: Auth) -> Response:
    """Revoke one's own token; an admin may revoke anyone's."""
    owner = None if caller.user is None or caller.is_admin else caller.user.username
    auth.revoke_token(token_id, username=owner)
    return no_content()
