"""How a delivery proves it came from this tether server, and how a receiver checks it.

Every delivery carries ``Tether-Signature: t=<unix seconds>,v1=<hex>``, where ``<hex>`` is the
HMAC-SHA256, keyed with the webhook's secret, of ``"<t>."`` followed by the exact request body. Binding the
time into the signature lets a receiver refuse a replayed delivery (``verify``'s ``tolerance_s``); during a
secret rotation a receiver can try the old and the new secret.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from tether.errors import InvalidSignature

SIGNATURE_HEADER = "Tether-Signature"
EVENT_HEADER = "Tether-Event"
DELIVERY_HEADER = "Tether-Delivery"
DEFAULT_TOLERANCE_S = 300


def sign(secret: str, body: bytes, at_s: int) -> str:
    """The ``Tether-Signature`` header value for ``body`` sent at ``at_s`` (Unix seconds)."""
    return f"t={at_s},v1={_digest(secret, body, at_s)}"


def verify(
    secret: str,
    body: bytes,
    header: str | None,
    *,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
    now_s: float | None = None,
) -> int:
    """Check a delivery's signature header against its raw body; returns the signed time (Unix seconds).

    Raises InvalidSignature when the header is missing or malformed, older (or newer) than
    ``tolerance_s``, or not made with ``secret`` over exactly these bytes.
    """
    if not header:
        raise InvalidSignature(f"the delivery has no {SIGNATURE_HEADER} header")
    parts = dict(part.strip().partition("=")[::2] for part in header.split(","))
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not (stamp.isascii() and stamp.isdigit()) or not given:
        raise InvalidSignature(f"the {SIGNATURE_HEADER} header is not t=<seconds>,v1=<hex>: {header[:200]!r}")
    at_s = int(stamp)
    now = time.time() if now_s is None else now_s
    skew = abs(now - at_s)
    if skew > tolerance_s:
        raise InvalidSignature(
            f"the delivery was signed {skew:.0f} s from now; at most {tolerance_s:g} s is allowed"
        )
    if not hmac.compare_digest(_digest(secret, body, at_s), given):
        raise InvalidSignature("the signature does not match the body and the secret")
    return at_s


def _digest(secret: str, body: bytes, at_s: int) -> str:
    return hmac.new(secret.encode(), f"{at_s}.".encode() + body, hashlib.sha256).hexdigest()
