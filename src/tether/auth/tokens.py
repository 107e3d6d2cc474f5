"""Random secrets (API tokens, session ids, CSRF tokens) and the digests under which they are stored.

A secret has 256 random bits, so a fast digest (SHA-256) is enough to store it: unlike a password it cannot
be guessed, and the database never holds anything that would let a reader act as its owner.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "tth_"
"""Marks API tokens, so secret scanners and people recognise a leaked one."""

SESSION_PREFIX = "tts_"


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_session_secret() -> str:
    return SESSION_PREFIX + secrets.token_urlsafe(32)


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    """The hex SHA-256 under which a token or session id is stored and looked up."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()
