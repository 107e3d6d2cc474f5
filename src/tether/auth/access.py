"""Permission levels and what they allow, without storage: the rules ``AuthService`` applies.

The levels are ordered (READ < EDIT < MANAGE) and each includes the ones below. The default experiment
"0" belongs to everyone: every signed-in user may read it and log runs into it, so a script that names no
experiment works on any server; managing it (renaming it, granting on it) stays with admins and with users
granted MANAGE.
"""

from __future__ import annotations

from tether.types import Level

RANK: dict[str, int] = {"READ": 1, "EDIT": 2, "MANAGE": 3}
DEFAULT_EXPERIMENT = 0
"""The id of the experiment every store starts with (made by the first migration)."""
EVERYONE_ON_DEFAULT: Level = "EDIT"

VERBS: dict[str, str] = {"READ": "read", "EDIT": "change", "MANAGE": "manage"}


def effective_level(experiment_id: int, granted: str | None) -> str | None:
    """The level a (non-admin) user holds on an experiment: their grant, or more on the default one."""
    if experiment_id != DEFAULT_EXPERIMENT:
        return granted
    if granted is None or RANK[granted] < RANK[EVERYONE_ON_DEFAULT]:
        return EVERYONE_ON_DEFAULT
    return granted


def allows(have: str | None, need: Level) -> bool:
    return have is not None and RANK[have] >= RANK[need]


def experiment_key(experiment_id: str) -> int | None:
    """The stored id of an experiment id as the API spells it; None for a string that cannot be one."""
    text = str(experiment_id)
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return None
    return int(text)
