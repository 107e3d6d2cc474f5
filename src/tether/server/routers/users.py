"""User accounts, for admins: create, list, show, change role, password or disabled flag, delete; and
each user's API tokens."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from tether.auth.schemas import Permission, Token, TokenCreate, TokenCreated, User, UserCreate, UserUpdate
from tether.server.access import ADMIN
from tether.server.deps import Auth
from tether.server.responses import json_of, json_of_value, no_content

router = APIRouter(prefix="/users", tags=["users"], dependencies=[Depends(ADMIN)])


@router.get("", response_model=list[User])
def list_users(auth: Auth) -> Response:
    return json_of_value(auth.list_users(), list[User])


@router.post("", response_model=User, status_code=201)
def create_user(body: UserCreate, auth: Auth) -> Response:
    user = auth.create_user(body.username, body.password.get_secret_value(), body.role)
    return json_of(user, status_code=201)


@router.get("/{username}", response_model=User)
def get_user(username: str, auth: Auth) -> Response:
    return json_of(auth.get_user(username))


@router.patch("/{username}", response_model=User)
def update_user(username: str, body: UserUpdate, auth: Auth) -> Response:
    password = None if body.password is None else body.password.get_secret_value()
    return json_of(auth.update_user(username, role=body.role, password=password, disabled=body.disabled))


@router.delete("/{username}", status_code=204)
def delete_user(username: str, auth: Auth) -> Response:
    auth.delete_user(username)
    return no_content()


@router.get("/{username}/permissions", response_model=list[Permission])
def permissions_of(username: str, auth: Auth) -> Response:
    """The experiments a user was granted a level on."""
    return json_of_value(auth.permissions_of(username), list[Permission])


@router.post("/{username}/tokens", response_model=TokenCreated, status_code=201)
def create_token_for(username: str, body: TokenCreate, auth: Auth) -> Response:
    return json_of(auth.create_token(body.name, body.expires_days, username=username), status_code=201)


@router.get("/{username}/tokens", response_model=list[Token])
def list_tokens_of(username: str, auth: Auth) -> Response:
    return json_of_value(auth.list_tokens(username), list[Token])
