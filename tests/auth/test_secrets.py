"""API tokens, session ids and CSRF tokens: unguessable, recognisable, stored only as digests."""

from __future__ import annotations

import hashlib

from tether.auth import tokens


def test_tokens_are_prefixed_random_and_long() -> None:
    made = {tokens.new_token() for _ in range(100)}
    assert len(made) == 100
    for token in made:
        assert token.startswith("tth_")
        assert len(token) == len("tth_") + 43  # 32 random bytes, url-safe base64 without padding
    assert tokens.new_session_secret().startswith("tts_")
    assert tokens.new_csrf_token() != tokens.new_csrf_token()


def test_the_digest_is_sha256_hex_and_stable() -> None:
    token = tokens.new_token()
    assert tokens.digest(token) == hashlib.sha256(token.encode()).hexdigest()
    assert tokens.digest(token) == tokens.digest(token)
    assert tokens.digest(token) != tokens.digest(token + "x")
