"""A version's status (ready, deprecated, archived) over every backend: the audit trail of each change,
the warning on loading a deprecated version, and the refusals that keep aliases off archived versions."""

from __future__ import annotations

import warnings

import pytest
from tests.registry.test_service import fitted, logged_run
from tests.support import unique

import tether as tt
from tether.errors import Conflict, InvalidInput, NotFound


def registered(client: tt.Client, versions: int = 2) -> str:
    name = unique("churn")
    client.registry.create_model(name)
    run = logged_run(client)
    for _ in range(versions):
        client.registry.create_version(name, f"runs:/{run}/model")
    return name


def test_a_version_starts_ready_and_each_status_change_is_an_audit_event(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = registered(fluent_client)
    assert [v.status for v in registry.list_versions(name)] == ["ready", "ready"]
    assert registry.update_version(name, 1, status="deprecated", actor="ana").status == "deprecated"
    registry.update_version(name, 1, status="deprecated", actor="ana")  # no change, no event
    changed = registry.update_version(name, 1, status="archived", actor="ben")
    assert changed.status == "archived" and changed.description == ""
    described = registry.update_version(name, 1, "the first try")
    assert described.status == "archived" and described.description == "the first try"
    events = [e for e in registry.history(name) if e.kind == "version_status_changed"]
    assert [(e.version, e.from_status, e.to_status, e.actor) for e in events] == [
        (1, "ready", "deprecated", "ana"),
        (1, "deprecated", "archived", "ben"),
    ]
    assert [v.version for v in registry.list_versions(name, "status = 'ready'")] == [2]
    assert [v.version for v in registry.list_versions(name, "status != 'ready'")] == [1]


def test_no_alias_points_at_an_archived_version(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = registered(fluent_client)
    registry.set_alias(name, "champion", 1)
    with pytest.raises(Conflict, match="cannot be archived: alias\\(es\\) champion point at it"):
        registry.update_version(name, 1, status="archived")
    assert registry.get_version(name, 1).status == "ready"
    registry.set_alias(name, "champion", 2)
    registry.update_version(name, 1, status="archived")
    with pytest.raises(Conflict, match="archived, so no alias may point at it"):
        registry.set_alias(name, "champion", 1)
    assert registry.get_version_by_alias(name, "champion").version == 2
    registry.update_version(name, 1, status="ready")
    assert registry.set_alias(name, "champion", 1).version == 1


def test_a_deprecated_or_archived_version_loads_with_a_warning(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = registered(fluent_client)
    model, frame = fitted()
    with warnings.catch_warnings():
        warnings.simplefilter("error", tt.DeprecatedModelWarning)
        fluent_client.load_model(f"models:/{name}/1")
    registry.update_version(name, 1, status="deprecated")
    with pytest.warns(tt.DeprecatedModelWarning, match="marked deprecated"):
        loaded = tt.load_model(f"models:/{name}/1")
    assert (loaded.predict(frame) == model.predict(frame)).all()
    registry.update_version(name, 1, status="archived")
    with pytest.warns(tt.DeprecatedModelWarning, match="marked archived"):
        fluent_client.load_model(f"models:/{name}/1")


def test_a_bad_status_or_a_missing_version_is_refused(fluent_client: tt.Client) -> None:
    registry = fluent_client.registry
    name = registered(fluent_client, versions=1)
    with pytest.raises(InvalidInput, match=r"status.*ready.*deprecated.*archived"):
        registry.update_version(name, 1, status="retired")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no version 5"):
        registry.update_version(name, 5, status="archived")
    with pytest.raises(NotFound):
        registry.update_version(unique("nobody"), 1, status="archived")
    assert registry.get_version(name, 1).status == "ready"
    assert not [e for e in registry.history(name) if e.kind == "version_status_changed"]
