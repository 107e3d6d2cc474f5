"""Password hashing with argon2id (argon2-cffi), the winner of the Password Hashing Competition.

Each hash takes tens of milliseconds and 64 MiB on purpose, so guessing offline is slow; a semaphore
bounds how many run at once, so a burst of logins queues instead of exhausting the server's memory.
"""

from __future__ import annotations

import functools
import threading

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from argon2.profiles import RFC_9106_LOW_MEMORY

from tether.auth.schemas import MAX_PASSWORD
from tether.errors import InvalidInput

MIN_PASSWORD = 8
MAX_CONCURRENT_HASHES = 4

_hasher = PasswordHasher.from_parameters(RFC_9106_LOW_MEMORY)
_slots = threading.BoundedSemaphore(MAX_CONCURRENT_HASHES)


def check_password(password: str) -> str:
    """The password, if it is acceptable as a new one; the message never repeats it."""
    if not isinstance(password, str) or not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"a password must have between {MIN_PASSWORD} and {MAX_PASSWORD} characters")
    return password


def hash_password(password: str) -> str:
    with _slots:
        return _hasher.hash(check_password(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """True when ``password`` matches; a malformed stored hash counts as no match."""
    with _slots:
        try:
            return _hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's, so a login should renew it."""
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


def burn_time(password: str) -> None:
    """Spend as long as a real check, so an unknown username answers no faster than a wrong password."""
    verify_password(_decoy_hash(), password)


@functools.cache
def _decoy_hash() -> str:
    return hash_password("a decoy that no password matches")
