"""Password hashing: argon2id hashes that verify, refuse other passwords, and never contain the password."""

from __future__ import annotations

import pytest

from tether.auth import passwords
from tether.errors import InvalidInput


def test_a_hash_is_argon2id_salted_and_verifies() -> None:
    first = passwords.hash_password("correct horse")
    second = passwords.hash_password("correct horse")
    assert first.startswith("$argon2id$")
    assert "correct horse" not in first
    assert first != second  # a fresh salt each time
    assert passwords.verify_password(first, "correct horse")
    assert not passwords.verify_password(first, "correct horsf")
    assert not passwords.needs_rehash(first)


def test_a_malformed_stored_hash_never_matches() -> None:
    assert not passwords.verify_password("not-a-hash", "anything at all")
    assert passwords.needs_rehash("not-a-hash")


def test_a_hash_made_with_weaker_parameters_asks_to_be_renewed() -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("correct horse")
    assert passwords.verify_password(weak, "correct horse")
    assert passwords.needs_rehash(weak)


@pytest.mark.parametrize("password", ["", "seven77", "x" * (passwords.MAX_PASSWORD + 1)])
def test_too_short_or_too_long_is_refused_without_echoing_it(password: str) -> None:
    with pytest.raises(InvalidInput, match="between 8 and 1024 characters") as raised:
        passwords.hash_password(password)
    assert not password or password not in raised.value.message


def test_burning_time_for_an_unknown_user_does_not_fail() -> None:
    passwords.burn_time("whatever the caller typed")
