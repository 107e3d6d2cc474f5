"""The SDK, and the AuthAPI of both backends, against a server with ``--auth``."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import closing
from typing import TYPE_CHECKING

import pytest
from tests.server.conftest import PASSWORD, SecuredServer

import tether
from tether.client.local import LocalBackend
from tether.client.remote import RemoteBackend
from tether.errors import NotFound, PermissionDenied, Unauthenticated

if TYPE_CHECKING:
    from tether.client.backend import AuthAPI


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_the_sdk_signs_in_with_tether_token(secured: SecuredServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TETHER_URI", secured.url)
    monkeypatch.setenv("TETHER_TOKEN", secured.tokens["owner"])
    with tether.Client() as client:
        experiment = client.create_experiment(unique("sdk"))
        run = client.create_run(experiment)
        client.log_metric(run.run_id, "loss", 0.25)
        assert client.get_run(run.run_id).metrics == {"loss": 0.25}
        assert client.get_run(run.run_id).user_id == "owner"


def test_the_sdk_without_a_token_gets_a_clear_unauthenticated_error(
    secured: SecuredServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TETHER_URI", secured.url)
    monkeypatch.delenv("TETHER_TOKEN", raising=False)
    with tether.Client() as client, pytest.raises(Unauthenticated, match="TETHER_TOKEN"):
        client.list_experiments()
    monkeypatch.setenv("TETHER_TOKEN", "tth_" + "0" * 43)
    with tether.Client() as client, pytest.raises(Unauthenticated, match="not valid"):
        client.create_run("0")


def test_a_user_without_permission_gets_permission_denied(secured: SecuredServer) -> None:
    with closing(RemoteBackend(secured.url, secured.tokens["owner"])) as owner:
        experiment = owner.tracking.create_experiment(unique("closed"))
    stranger = RemoteBackend(secured.url, secured.tokens["stranger"])
    try:
        with pytest.raises(PermissionDenied, match=f"stranger may not read experiment {experiment}"):
            stranger.tracking.get_experiment(experiment)
        with pytest.raises(PermissionDenied, match="only an admin"):
            stranger.auth.list_users()
    finally:
        stranger.close()


@pytest.fixture(params=["local", "remote"])
def admin_api(request: pytest.FixtureRequest, secured: SecuredServer) -> Iterator[AuthAPI]:
    """The same administrator operations on the server's store directly, and through the server."""
    backend: LocalBackend | RemoteBackend
    if request.param == "local":
        backend = LocalBackend(secured.server.store)
    else:
        backend = RemoteBackend(secured.url, secured.tokens["admin"])
    yield backend.auth
    backend.close()


def test_both_backends_manage_users_tokens_and_permissions_alike(
    admin_api: AuthAPI, secured: SecuredServer
) -> None:
    name = unique("member")
    user = admin_api.create_user(name, PASSWORD)
    assert (user.username, user.role) == (name, "user")
    assert admin_api.get_user(name.upper()).username == name
    assert name in [u.username for u in admin_api.list_users()]
    assert admin_api.update_user(name, role="admin").role == "admin"
    assert admin_api.update_user(name, disabled=True).disabled

    token = admin_api.create_token("ci", expires_days=30, username=name)
    assert token.token.startswith("tth_") and token.username == name
    assert [t.token_id for t in admin_api.list_tokens(name)] == [token.token_id]
    admin_api.revoke_token(token.token_id)
    assert admin_api.list_tokens(name)[0].revoked

    permission = admin_api.grant_permission("0", name, "MANAGE")
    assert (permission.experiment_id, permission.username, permission.level) == ("0", name, "MANAGE")
    assert (name, "MANAGE") in [(p.username, p.level) for p in admin_api.list_permissions("0")]
    assert admin_api.permissions_of(name) == [permission]
    admin_api.revoke_permission("0", name)
    assert admin_api.permissions_of(name) == []
    with pytest.raises(NotFound):
        admin_api.revoke_permission("0", name)

    admin_api.delete_user(name)
    with pytest.raises(NotFound, match="no user"):
        admin_api.get_user(name)


def test_a_remote_user_manages_their_own_tokens(secured: SecuredServer) -> None:
    with closing(RemoteBackend(secured.url, secured.tokens["reader"])) as reader:
        made = reader.auth.create_token("laptop")
        assert made.username == "reader"
        assert made.token_id in [t.token_id for t in reader.auth.list_tokens()]
        reader.auth.revoke_token(made.token_id)
        with pytest.raises(PermissionDenied):
            reader.auth.list_tokens("owner")
