"""Experiment permissions: grants, the level ladder, the default experiment, admins, and what a user sees."""

from __future__ import annotations

import pytest

from tether.auth.guard import Guard
from tether.auth.schemas import User
from tether.auth.service import AuthService
from tether.errors import InvalidInput, NotFound, PermissionDenied, Unauthenticated
from tether.tracking.service import TrackingService
from tether.types import Level

PASSWORD = "s3cret-enough"


@pytest.fixture
def people(auth: AuthService) -> dict[str, User]:
    return {
        "admin": auth.create_user("admin", PASSWORD, "admin"),
        "owner": auth.create_user("owner", PASSWORD),
        "other": auth.create_user("other", PASSWORD),
    }


def allowed(guard: Guard, user: User, experiment_id: str, level: Level) -> bool:
    try:
        guard.check_access(user, [experiment_id], level)
    except PermissionDenied:
        return False
    return True


def test_the_creator_manages_what_they_create(
    guard: Guard, auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    experiment = experiments.create_experiment("churn", manager=people["owner"].user_id)
    assert [(p.username, p.level) for p in auth.list_permissions(experiment)] == [("owner", "MANAGE")]
    for level in ("READ", "EDIT", "MANAGE"):
        assert allowed(guard, people["owner"], experiment, level)
        assert not allowed(guard, people["other"], experiment, level)
        assert allowed(guard, people["admin"], experiment, level)


def test_each_level_includes_the_ones_below(
    guard: Guard, auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    experiment = experiments.create_experiment("churn")
    expected = {"READ": ["READ"], "EDIT": ["READ", "EDIT"], "MANAGE": ["READ", "EDIT", "MANAGE"]}
    for granted, allows in expected.items():
        auth.grant_permission(experiment, "other", granted)  # type: ignore[arg-type]
        held = [
            level
            for level in ("READ", "EDIT", "MANAGE")
            if allowed(guard, people["other"], experiment, level)
        ]
        assert held == allows
    auth.revoke_permission(experiment, "other")
    assert not allowed(guard, people["other"], experiment, "READ")
    with pytest.raises(NotFound, match="no permission"):
        auth.revoke_permission(experiment, "other")


def test_everyone_reads_and_edits_the_default_experiment_but_only_managers_manage_it(
    guard: Guard, auth: AuthService, people: dict[str, User]
) -> None:
    other = people["other"]
    assert allowed(guard, other, "0", "READ") and allowed(guard, other, "0", "EDIT")
    assert not allowed(guard, other, "0", "MANAGE")
    auth.grant_permission("0", "other", "READ")  # a lower grant does not take the default away
    assert allowed(guard, other, "0", "EDIT")
    auth.grant_permission("0", "other", "MANAGE")
    assert allowed(guard, other, "0", "MANAGE")


def test_a_refusal_names_the_user_the_experiment_and_the_level(
    guard: Guard, auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    experiment = experiments.create_experiment("churn")
    auth.grant_permission(experiment, "other", "READ")
    with pytest.raises(PermissionDenied) as refused:
        guard.check_access(people["other"], ["0", experiment], "EDIT")
    assert (
        refused.value.message
        == f"other may not change experiment {experiment}: that needs EDIT (they have READ)"
    )
    with pytest.raises(PermissionDenied, match="no permission on it"):
        guard.check_access(people["other"], ["not-a-number"], "READ")


def test_readable_experiments_are_the_default_plus_every_grant(
    guard: Guard, auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    first = experiments.create_experiment("first")
    second = experiments.create_experiment("second")
    experiments.create_experiment("hidden")
    auth.grant_permission(second, "other", "READ")
    auth.grant_permission(first, "other", "EDIT")
    readable = guard.readable_experiments(people["other"])
    assert readable == ["0", first, second]
    assert guard.readable_experiments(people["admin"]) is None
    listed = experiments.list_experiments(among=readable)
    assert [e.name for e in listed.items] == ["Default", "first", "second"]
    page = experiments.list_experiments(max_results=2, among=readable)
    rest = experiments.list_experiments(max_results=2, page_token=page.next_page_token, among=readable)
    assert [e.name for e in rest.items] == ["second"] and rest.next_page_token is None


def test_grants_check_their_input(
    auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    experiment = experiments.create_experiment("churn")
    with pytest.raises(InvalidInput, match="level must be one of"):
        auth.grant_permission(experiment, "other", "OWN")  # type: ignore[arg-type]
    with pytest.raises(NotFound, match="no user"):
        auth.grant_permission(experiment, "nobody", "READ")
    with pytest.raises(NotFound, match="no experiment"):
        auth.grant_permission("424242", "other", "READ")
    with pytest.raises(NotFound, match="whole numbers"):
        auth.grant_permission("abc", "other", "READ")
    with pytest.raises(NotFound, match="no experiment"):
        auth.list_permissions("424242")
    assert auth.grant_permission(experiment, "OTHER", "EDIT").username == "other"


def test_deleting_a_user_takes_their_tokens_sessions_and_grants_with_them(
    guard: Guard, auth: AuthService, experiments: TrackingService, people: dict[str, User]
) -> None:
    experiment = experiments.create_experiment("churn", manager=people["other"].user_id)
    token = auth.create_token(username="other")
    guard.login("other", PASSWORD, "10.0.0.1")
    auth.delete_user("other")
    assert auth.list_permissions(experiment) == []
    assert auth.list_tokens() == []
    auth.create_user("other", PASSWORD)
    with pytest.raises(Unauthenticated, match="not valid"):
        guard.authenticate_token(token.token)
