"""The auth domain's REST API: users and their tokens for admins, one's own tokens, and the permissions
of one experiment or one registered model for its managers (see ``tether.endpoints``).

Signing in with a browser (cookies and CSRF) is not a service call of its own: it is the server's
``routers/sessions.py``.
"""

from __future__ import annotations

from tether.auth.schemas import (
    ModelPermission,
    Permission,
    PermissionGrant,
    Token,
    TokenCreate,
    TokenCreated,
    User,
    UserCreate,
    UserUpdate,
)
from tether.endpoints import ADMIN, SIGNED_IN, Domain, Endpoint, in_path, on, on_model, tagged

EXPERIMENT = in_path("experiment", "experiment_id")
MODEL = in_path("model", "name")
TOKEN_ARGUMENTS = ("name", "expires_days", "username")

_USERS = (
    Endpoint("GET", "/users", "list_users", ADMIN, list[User]),
    Endpoint("POST", "/users", "create_user", ADMIN, User, body=UserCreate, status=201),
    Endpoint("GET", "/users/{username}", "get_user", ADMIN, User),
    Endpoint("PATCH", "/users/{username}", "update_user", ADMIN, User, body=UserUpdate),
    Endpoint("DELETE", "/users/{username}", "delete_user", ADMIN),
    Endpoint("GET", "/users/{username}/permissions", "permissions_of", ADMIN, list[Permission]),
    Endpoint(
        "POST",
        "/users/{username}/tokens",
        "create_token",
        ADMIN,
        TokenCreated,
        body=TokenCreate,
        status=201,
        order=TOKEN_ARGUMENTS,
    ),
    Endpoint("GET", "/users/{username}/tokens", "list_tokens", ADMIN, list[Token]),
)

_TOKENS = (
    Endpoint(
        "POST",
        "/tokens",
        "create_token",
        SIGNED_IN,
        TokenCreated,
        body=TokenCreate,
        status=201,
        caller={"username": "own_username"},
    ),
    Endpoint("GET", "/tokens", "list_tokens", SIGNED_IN, list[Token], caller={"username": "own_username"}),
    Endpoint(
        "DELETE",
        "/tokens/{token_id}",
        "revoke_token",
        SIGNED_IN,
        caller={"username": "username_unless_admin"},
    ),
)

_PERMISSIONS = (
    Endpoint(
        "GET",
        "/experiments/{experiment_id}/permissions",
        "list_permissions",
        on("MANAGE", EXPERIMENT),
        list[Permission],
    ),
    Endpoint(
        "PUT",
        "/experiments/{experiment_id}/permissions/{username}",
        "grant_permission",
        on("MANAGE", EXPERIMENT),
        Permission,
        body=PermissionGrant,
    ),
    Endpoint(
        "DELETE",
        "/experiments/{experiment_id}/permissions/{username}",
        "revoke_permission",
        on("MANAGE", EXPERIMENT),
    ),
)

_MODEL_PERMISSIONS = (
    Endpoint(
        "GET",
        "/models/{name}/permissions",
        "list_model_permissions",
        on_model("MANAGE", MODEL),
        list[ModelPermission],
    ),
    Endpoint(
        "PUT",
        "/models/{name}/permissions/{username}",
        "grant_model_permission",
        on_model("MANAGE", MODEL),
        ModelPermission,
        body=PermissionGrant,
    ),
    Endpoint(
        "DELETE",
        "/models/{name}/permissions/{username}",
        "revoke_model_permission",
        on_model("MANAGE", MODEL),
    ),
)

DOMAIN = Domain(
    "auth",
    (
        *tagged("users", _USERS),
        *tagged("tokens", _TOKENS),
        *tagged("permissions", (*_PERMISSIONS, *_MODEL_PERMISSIONS)),
    ),
)
