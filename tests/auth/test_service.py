"""AuthService on SQLite and PostgreSQL: users, hashed passwords, hashed tokens, sessions, login limits."""

from __future__ import annotations

import contextlib
import hashlib

import pytest
from sqlalchemy import select
from tests.auth.conftest import LIMITS, Clock

from tether.auth.guard import Guard
from tether.auth.logins import SESSION_LIFETIME_MS
from tether.auth.service import AuthService
from tether.errors import (
    AlreadyExists,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    Unauthenticated,
)
from tether.storage.db import Database
from tether.storage.tables import api_tokens, login_failures, sessions, users

PASSWORD = "s3cret-enough"


def test_passwords_are_stored_as_argon2_hashes_and_checked(
    guard: Guard, auth: AuthService, database: Database
) -> None:
    user = auth.create_user("Alice", PASSWORD, "admin")
    assert (user.username, user.role, user.disabled) == ("alice", "admin", False)
    with database.read() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert guard.login("ALICE", PASSWORD, "10.0.0.1").user.username == "alice"
    with pytest.raises(Unauthenticated, match="wrong username or password"):
        guard.login("alice", PASSWORD + "!", "10.0.0.1")


def test_usernames_are_checked_unique_and_case_insensitive(auth: AuthService) -> None:
    auth.create_user("bob", PASSWORD)
    with pytest.raises(AlreadyExists):
        auth.create_user("BOB", PASSWORD)
    for bad in ("", "-bob", "bo b", "b" * 65, "bob/../x"):
        with pytest.raises(InvalidInput, match="invalid username"):
            auth.create_user(bad, PASSWORD)
    with pytest.raises(InvalidInput, match="role must be one of"):
        auth.create_user("carol", PASSWORD, "root")  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="between 8 and 1024"):
        auth.create_user("carol", "short")
    assert [u.username for u in auth.list_users()] == ["bob"]
    assert auth.get_user("Bob").username == "bob"
    with pytest.raises(NotFound):
        auth.get_user("nobody")


def test_the_last_admin_cannot_be_removed_demoted_or_disabled(auth: AuthService) -> None:
    auth.create_user("root", PASSWORD, "admin")
    for change in (
        lambda: auth.delete_user("root"),
        lambda: auth.update_user("root", role="user"),
        lambda: auth.update_user("root", disabled=True),
    ):
        with pytest.raises(Conflict, match="last admin"):
            change()
    auth.create_user("second", PASSWORD, "admin")
    assert auth.update_user("root", role="user").role == "user"
    with pytest.raises(Conflict):
        auth.delete_user("second")
    auth.delete_user("root")
    assert [u.username for u in auth.list_users()] == ["second"]


def test_tokens_are_stored_only_as_a_digest(guard: Guard, auth: AuthService, database: Database) -> None:
    auth.create_user("alice", PASSWORD)
    created = auth.create_token("laptop", username="alice")
    with database.read() as conn:
        row = conn.execute(select(api_tokens)).one()
    assert row.digest == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in {str(value) for value in row}
    assert guard.authenticate_token(created.token).username == "alice"
    listed = auth.list_tokens("alice")
    assert [(t.token_id, t.name, t.username) for t in listed] == [(created.token_id, "laptop", "alice")]
    assert "token" not in listed[0].model_dump()


def test_revoked_expired_unknown_and_disabled_tokens_are_refused(
    guard: Guard, auth: AuthService, clock: Clock
) -> None:
    auth.create_user("alice", PASSWORD)
    auth.create_user("admin", PASSWORD, "admin")
    revoked = auth.create_token(username="alice")
    auth.revoke_token(revoked.token_id)
    with pytest.raises(Unauthenticated, match="revoked"):
        guard.authenticate_token(revoked.token)
    expiring = auth.create_token(expires_days=1, username="alice")
    assert guard.authenticate_token(expiring.token).username == "alice"
    clock.advance(86_400)
    with pytest.raises(Unauthenticated, match="expired"):
        guard.authenticate_token(expiring.token)
    with pytest.raises(Unauthenticated, match="not valid"):
        guard.authenticate_token("tth_" + "x" * 43)
    lasting = auth.create_token(username="alice")
    auth.update_user("alice", disabled=True)
    with pytest.raises(Unauthenticated, match="disabled"):
        guard.authenticate_token(lasting.token)
    auth.update_user("alice", disabled=False)
    assert guard.authenticate_token(lasting.token).username == "alice"


def test_a_user_revokes_only_their_own_tokens(auth: AuthService) -> None:
    auth.create_user("alice", PASSWORD)
    auth.create_user("bob", PASSWORD)
    token = auth.create_token(username="alice")
    with pytest.raises(NotFound, match="of user bob"):
        auth.revoke_token(token.token_id, username="bob")
    auth.revoke_token(token.token_id, username="alice")
    assert auth.list_tokens("alice")[0].revoked


def test_token_creation_checks_its_input(auth: AuthService) -> None:
    auth.create_user("alice", PASSWORD)
    with pytest.raises(InvalidInput, match="say which user"):
        auth.create_token()
    with pytest.raises(InvalidInput, match="expires_days"):
        auth.create_token(expires_days=0, username="alice")
    with pytest.raises(InvalidInput, match="at most 100"):
        auth.create_token("n" * 101, username="alice")
    with pytest.raises(NotFound):
        auth.create_token(username="nobody")
    assert auth.list_tokens() == []


def test_last_use_is_recorded_at_most_once_a_minute(guard: Guard, auth: AuthService, clock: Clock) -> None:
    auth.create_user("alice", PASSWORD)
    token = auth.create_token(username="alice")
    guard.authenticate_token(token.token)
    first = auth.list_tokens("alice")[0].last_used_time
    assert first == int(clock.now * 1000)
    clock.advance(30)
    guard.authenticate_token(token.token)
    assert auth.list_tokens("alice")[0].last_used_time == first
    clock.advance(31)
    guard.authenticate_token(token.token)
    assert auth.list_tokens("alice")[0].last_used_time == int(clock.now * 1000)


def test_sessions_end_on_logout_expiry_and_password_change(
    guard: Guard, auth: AuthService, clock: Clock
) -> None:
    auth.create_user("alice", PASSWORD)
    session = guard.login("alice", PASSWORD, "10.0.0.1")
    assert session.secret.startswith("tts_") and session.csrf_token
    user, csrf = guard.authenticate_session(session.secret)
    assert (user.username, csrf) == ("alice", session.csrf_token)
    guard.logout(session.secret)
    with pytest.raises(Unauthenticated, match="sign in again"):
        guard.authenticate_session(session.secret)

    expiring = guard.login("alice", PASSWORD, "10.0.0.1")
    clock.advance(SESSION_LIFETIME_MS / 1000)
    with pytest.raises(Unauthenticated):
        guard.authenticate_session(expiring.secret)

    changed = guard.login("alice", PASSWORD, "10.0.0.1")
    with pytest.raises(PermissionDenied, match="current password is wrong"):
        guard.change_password("alice", "not the password", "another-secret")
    guard.authenticate_session(changed.secret)
    guard.change_password("alice", PASSWORD, "another-secret")
    with pytest.raises(Unauthenticated):
        guard.authenticate_session(changed.secret)
    assert guard.login("alice", "another-secret", "10.0.0.1").user.username == "alice"


def test_guessing_the_current_password_is_limited_like_logins(
    guard: Guard, auth: AuthService, clock: Clock
) -> None:
    auth.create_user("alice", PASSWORD)
    for _ in range(LIMITS.per_username):
        with pytest.raises(PermissionDenied, match="current password is wrong"):
            guard.change_password("alice", "a guess", "another-secret", "10.0.0.9")
    with pytest.raises(RateLimited):
        guard.change_password("alice", PASSWORD, "another-secret", "10.0.0.9")
    with pytest.raises(RateLimited):
        guard.login("alice", PASSWORD, "10.0.0.1")  # the guesses count against the user everywhere
    clock.advance(LIMITS.window_s)
    guard.change_password("alice", PASSWORD, "another-secret", "10.0.0.9")
    assert guard.login("alice", "another-secret", "10.0.0.1").user.username == "alice"


def test_sessions_are_stored_as_digests(guard: Guard, auth: AuthService, database: Database) -> None:
    auth.create_user("alice", PASSWORD)
    session = guard.login("alice", PASSWORD, "10.0.0.1")
    with database.read() as conn:
        row = conn.execute(select(sessions)).one()
    assert row.digest == hashlib.sha256(session.secret.encode()).hexdigest()
    assert session.secret not in {str(value) for value in row}


def test_failed_logins_are_limited_per_username(guard: Guard, auth: AuthService, clock: Clock) -> None:
    auth.create_user("alice", PASSWORD)
    for _ in range(LIMITS.per_username):
        with pytest.raises(Unauthenticated):
            guard.login("alice", "wrong-password", "10.0.0.1")
    with pytest.raises(RateLimited) as limited:
        guard.login("alice", PASSWORD, "10.0.0.2")  # the right password, from elsewhere: still refused
    assert limited.value.retry_after_s == LIMITS.window_s
    clock.advance(LIMITS.window_s / 2)
    with pytest.raises(RateLimited) as still:
        guard.login("Alice", PASSWORD, "10.0.0.2")
    assert still.value.retry_after_s == LIMITS.window_s / 2
    clock.advance(LIMITS.window_s / 2)
    assert guard.login("alice", PASSWORD, "10.0.0.2").user.username == "alice"


def test_a_success_clears_the_username_count(guard: Guard, auth: AuthService) -> None:
    auth.create_user("alice", PASSWORD)
    for _ in range(LIMITS.per_username - 1):
        with pytest.raises(Unauthenticated):
            guard.login("alice", "wrong-password", "10.0.0.1")
    guard.login("alice", PASSWORD, "10.0.0.1")
    for _ in range(LIMITS.per_username - 1):
        with pytest.raises(Unauthenticated):
            guard.login("alice", "wrong-password", "10.0.0.1")
    assert guard.login("alice", PASSWORD, "10.0.0.1")


def test_failed_logins_are_limited_per_address_across_usernames(
    guard: Guard, auth: AuthService, clock: Clock
) -> None:
    auth.create_user("alice", PASSWORD)
    for index in range(LIMITS.per_address):
        with pytest.raises(Unauthenticated):
            guard.login(f"guess-{index}", "wrong-password", "10.9.9.9")
    with pytest.raises(RateLimited):
        guard.login("alice", PASSWORD, "10.9.9.9")
    assert guard.login("alice", PASSWORD, "10.0.0.1").user.username == "alice"


def test_old_failures_are_forgotten(
    guard: Guard, auth: AuthService, database: Database, clock: Clock
) -> None:
    for _ in range(2):
        with pytest.raises(Unauthenticated):
            guard.login("ghost", "wrong-password", "10.0.0.1")
    clock.advance(LIMITS.window_s + 1)
    with pytest.raises(Unauthenticated):
        guard.login("ghost", "wrong-password", "10.0.0.1")
    with database.read() as conn:
        assert len(conn.execute(select(login_failures)).all()) == 1


def test_a_disabled_user_cannot_sign_in(guard: Guard, auth: AuthService) -> None:
    auth.create_user("admin", PASSWORD, "admin")
    auth.create_user("alice", PASSWORD)
    auth.update_user("alice", disabled=True)
    with pytest.raises(Unauthenticated, match="disabled"):
        guard.login("alice", PASSWORD, "10.0.0.1")


def test_a_password_sent_with_each_request_is_checked_once_and_follows_changes(
    guard: Guard, auth: AuthService, clock: Clock
) -> None:
    auth.create_user("ana", "first-long-password", "user")
    assert guard.authenticate_password("ana", "first-long-password", "10.0.0.1").username == "ana"
    assert (
        guard.authenticate_password("ana", "first-long-password", "10.0.0.1").username == "ana"
    )  # remembered
    with pytest.raises(Unauthenticated, match="wrong username or password"):
        guard.authenticate_password("ana", "not-her-password", "10.0.0.1")
    auth.update_user("ana", password="second-long-password")
    with pytest.raises(Unauthenticated):  # the remembered pair no longer matches the stored hash
        guard.authenticate_password("ana", "first-long-password", "10.0.0.1")
    assert guard.authenticate_password("ana", "second-long-password", "10.0.0.1").username == "ana"
    auth.update_user("ana", disabled=True)
    with pytest.raises(Unauthenticated, match="disabled"):
        guard.authenticate_password("ana", "second-long-password", "10.0.0.1")
    with pytest.raises(RateLimited):  # wrong guesses count like failed logins
        for _ in range(LIMITS.per_username + 1):
            with contextlib.suppress(Unauthenticated):
                guard.authenticate_password("ana", "guess", "10.0.0.2")
