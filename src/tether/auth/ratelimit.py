"""Limits on failed logins: a sliding window per username and per client address.

While a key is over its limit every attempt is refused without looking at the password, so a guesser learns
nothing, and refused attempts are not counted, so an attacker cannot keep a user locked out for longer than
one window after they stop. The failures themselves live in the database (see ``AuthService.login``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoginLimits:
    per_username: int = 5
    """Failed logins for one username inside the window before that username is refused."""
    per_address: int = 20
    """Failed logins from one client address (any usernames) inside the window before it is refused."""
    window_s: int = 15 * 60


def retry_after(recent_failures_ms: Sequence[int], limit: int, window_s: int, now_ms: int) -> int | None:
    """Whole seconds until the next attempt is allowed, or None when it is allowed now.

    ``recent_failures_ms`` are the times of the newest failures inside the window (at most ``limit`` are
    needed): at the limit, the next attempt waits until the oldest of them leaves the window.
    """
    window_ms = window_s * 1000
    inside = [t for t in recent_failures_ms if t > now_ms - window_ms]
    if len(inside) < limit:
        return None
    unlock_ms = sorted(inside)[len(inside) - limit] + window_ms
    return max(1, math.ceil((unlock_ms - now_ms) / 1000))
