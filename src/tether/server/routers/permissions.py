"""Who may do what on one experiment: list, grant (or change) and revoke, for its managers and admins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Response

from tether.auth.schemas import Permission, PermissionGrant
from tether.server.access import MANAGE_EXPERIMENT
from tether.server.deps import Auth
from tether.server.responses import json_of, json_of_value, no_content

router = APIRouter(
    prefix="/experiments/{experiment_id}/permissions",
    tags=["permissions"],
    dependencies=[Depends(MANAGE_EXPERIMENT)],
)


@router.get("", response_model=list[Permission])
def list_permissions(experiment_id: str, auth: Auth) -> Response:
    return json_of_value(auth.list_permissions(experiment_id), list[Permission])


@router.put("/{username}", response_model=Permission)
def grant_permission(experiment_id: str, username: str, body: PermissionGrant, auth: Auth) -> Response:
    return json_of(auth.grant_permission(experiment_id, username, body.level))


@router.delete("/{username}", status_code=204)
def revoke_permission(experiment_id: str, username: str, auth: Auth) -> Response:
    auth.revoke_permission(experiment_id, username)
    return no_content()
