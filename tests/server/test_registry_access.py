"""Registered models on a server with ``--auth``: per-model READ/EDIT/MANAGE, protected aliases, the
signed-in user in the audit trail, and READ on the source run's experiment to register from it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tests.server.conftest import SecuredServer

import tether as tt
from tether.client.remote import RemoteBackend
from tether.errors import NotFound, PermissionDenied


@pytest.fixture
def clients(secured: SecuredServer) -> Iterator[dict[str, tt.Client]]:
    made = {
        who: tt.Client(backend=RemoteBackend(secured.url, token)) for who, token in secured.tokens.items()
    }
    yield made
    for client in made.values():
        client.close()


def shared_model(owner: tt.Client) -> tuple[str, str]:
    """A model of ``owner`` with version 1 from a run in owner's private experiment, READ for ``reader``,
    EDIT for ``editor`` and MANAGE for ``manager``; returns (model name, source)."""
    frame = pd.DataFrame({"a": np.arange(6.0)})
    experiment = owner.create_experiment(f"private-{uuid.uuid4().hex[:8]}")
    run = owner.create_run(experiment_id=experiment).run_id
    source = owner.log_model(
        run, LogisticRegression().fit(frame, [0, 0, 0, 1, 1, 1]), input_example=frame
    ).model_uri
    name = f"model-{uuid.uuid4().hex[:8]}"
    owner.registry.create_model(name)
    owner.registry.create_version(name, source)
    for who, level in (("reader", "READ"), ("editor", "EDIT"), ("manager", "MANAGE")):
        owner.auth.grant_model_permission(name, who, level)  # type: ignore[arg-type]
    return name, source


def test_each_level_allows_what_it_says_on_a_model(clients: dict[str, tt.Client]) -> None:
    name, source = shared_model(clients["owner"])
    with pytest.raises(PermissionDenied, match="may not read model"):
        clients["stranger"].registry.get_model(name)
    assert name not in {m.name for m in clients["stranger"].registry.list_models().items}
    assert name in {m.name for m in clients["reader"].registry.list_models().items}
    assert clients["reader"].registry.get_version(name, 1).version == 1
    with pytest.raises(PermissionDenied, match="that needs EDIT"):
        clients["reader"].registry.set_alias(name, "staging", 1)
    assert clients["editor"].registry.set_alias(name, "staging", 1).version == 1
    with pytest.raises(PermissionDenied, match="that needs MANAGE"):
        clients["editor"].registry.update_model(name, description="mine now")
    with pytest.raises(PermissionDenied, match="that needs MANAGE"):
        clients["editor"].auth.grant_model_permission(name, "stranger", "READ")
    assert clients["manager"].registry.update_model(name, description="ok").description == "ok"
    levels = {p.username: p.level for p in clients["owner"].auth.list_model_permissions(name)}
    assert levels == {"owner": "MANAGE", "reader": "READ", "editor": "EDIT", "manager": "MANAGE"}
    clients["owner"].auth.revoke_model_permission(name, "reader")
    with pytest.raises(PermissionDenied):
        clients["reader"].registry.get_model(name)
    with pytest.raises(NotFound):
        clients["reader"].registry.get_model(f"{name}-missing")
    assert source.startswith("runs:/")


def test_a_protected_alias_moves_only_for_managers(clients: dict[str, tt.Client]) -> None:
    name, source = shared_model(clients["owner"])
    clients["owner"].registry.create_version(name, source)
    clients["editor"].registry.set_alias(name, "champion", 1)
    with pytest.raises(PermissionDenied, match="MANAGE"):
        clients["editor"].registry.protect_alias(name, "champion")
    assert clients["manager"].registry.protect_alias(name, "champion").protected
    with pytest.raises(PermissionDenied, match=r"'champion' .* is protected"):
        clients["editor"].registry.set_alias(name, "champion", 2)
    with pytest.raises(PermissionDenied, match="is protected"):
        clients["editor"].registry.delete_alias(name, "champion")
    assert clients["editor"].registry.get_version_by_alias(name, "champion").version == 1
    assert clients["manager"].registry.set_alias(name, "champion", 2).protected
    assert clients["editor"].registry.set_alias(name, "staging", 2).version == 2  # unprotected: fine


def test_the_audit_trail_records_the_signed_in_user(clients: dict[str, tt.Client]) -> None:
    name, _ = shared_model(clients["owner"])
    clients["editor"].registry.set_alias(name, "champion", 1, actor="somebody-else")
    events = clients["reader"].registry.history(name)
    assert [(e.kind, e.actor) for e in events] == [
        ("model_created", "owner"),
        ("version_created", "owner"),
        ("alias_set", "editor"),
    ]


def test_registering_from_a_run_needs_read_on_its_experiment(clients: dict[str, tt.Client]) -> None:
    name, source = shared_model(clients["owner"])
    with pytest.raises(PermissionDenied, match="experiment"):
        clients["editor"].registry.create_version(name, source)
    mine = clients["editor"].create_run(experiment_id="0").run_id
    frame = pd.DataFrame({"a": np.arange(4.0)})
    own = clients["editor"].log_model(
        mine, LogisticRegression().fit(frame, [0, 0, 1, 1]), input_example=frame
    )
    assert clients["editor"].registry.create_version(name, own.model_uri).version == 2


def test_webhooks_are_for_admins_and_record_who_made_them(clients: dict[str, tt.Client]) -> None:
    with pytest.raises(PermissionDenied):
        clients["owner"].registry.create_webhook("https://hooks.example.com/mine")
    with pytest.raises(PermissionDenied):
        clients["owner"].registry.list_webhooks()
    made = clients["admin"].registry.create_webhook("https://hooks.example.com/ops", actor="someone-else")
    try:
        assert made.created_by == "admin"
        for attempt in (
            lambda: clients["manager"].registry.get_webhook(made.webhook_id),
            lambda: clients["manager"].registry.rotate_webhook_secret(made.webhook_id),
            lambda: clients["manager"].registry.list_deliveries(made.webhook_id),
            lambda: clients["manager"].registry.delete_webhook(made.webhook_id),
        ):
            with pytest.raises(PermissionDenied):
                attempt()
        assert clients["admin"].registry.get_webhook(made.webhook_id).url == "https://hooks.example.com/ops"
    finally:
        clients["admin"].registry.delete_webhook(made.webhook_id)
