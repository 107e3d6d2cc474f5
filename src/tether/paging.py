"""Opaque page tokens: an offset bound to the query that produced it, so a token cannot be replayed
against a different filter or order and silently return the wrong rows."""

from __future__ import annotations

import base64
import hashlib
import json

from tether.errors import InvalidInput


def query_fingerprint(*parts: object) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


def encode_token(offset: int, fingerprint: str) -> str:
    raw = json.dumps({"o": offset, "q": fingerprint}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_token(token: str | None, fingerprint: str) -> int:
    """The offset a token stands for; None or empty means the first page."""
    if not token:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        offset, owner = data["o"], data["q"]
    except (ValueError, KeyError, TypeError) as error:
        raise InvalidInput("the page token is malformed; pass back a next_page_token unchanged") from error
    if owner != fingerprint or not isinstance(offset, int) or offset < 0:
        raise InvalidInput("the page token belongs to a different query; start again without a token")
    return offset
