"""Size and shape limits on what can be logged, checked before anything is written.

The numbers are part of the user contract (docs/limits.md lists them); a value over a limit is refused
with InvalidInput, never truncated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from tether.errors import InvalidInput

MAX_EXPERIMENT_NAME = 500
MAX_RUN_NAME = 250
MAX_KEY = 250
MAX_PARAM_VALUE = 6000
MAX_TAG_VALUE = 8000
MAX_EXPERIMENT_TAG_VALUE = 20000
MAX_PARAMS_PER_CALL = 1000
MAX_TAGS_PER_CALL = 1000
MAX_METRICS_PER_CALL = 100_000
MAX_PAGE_SIZE = 50_000
MAX_PREVIEW_ROWS = 1000

_KEY = re.compile(r"[\w.\- /:]+")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def check_name(kind: str, name: object, limit: int) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InvalidInput(f"{kind} must be a non-empty string, got {name!r}")
    if len(name) > limit:
        raise InvalidInput(f"{kind} is {len(name)} characters long; the limit is {limit}")
    if _CONTROL.search(name):
        raise InvalidInput(f"{kind} {name!r} contains control characters")
    check_text(f"{kind} {name[:40]!r}", name)
    return name


def check_text(what: str, text: str) -> str:
    """Text a database can store: no lone surrogates (half of a UTF-16 pair, which UTF-8 cannot encode)."""
    if not text.isascii() and _SURROGATE.search(text):
        raise InvalidInput(f"{what} holds a lone surrogate (half of a UTF-16 pair), which cannot be stored")
    return text


def check_key(kind: str, key: object) -> str:
    """Keys of params, metrics and tags: letters, digits, ``_ - . / : `` and spaces, up to 250 characters."""
    if not isinstance(key, str) or not key:
        raise InvalidInput(f"{kind} key must be a non-empty string, got {key!r}")
    if len(key) > MAX_KEY:
        raise InvalidInput(f"{kind} key {key[:40]!r}… is {len(key)} characters long; the limit is {MAX_KEY}")
    if not _KEY.fullmatch(key):
        raise InvalidInput(
            f"{kind} key {key!r} may contain only letters, digits, spaces and the characters _ - . / :"
        )
    return key


def check_values(kind: str, values: Mapping[str, object], limit: int, max_count: int) -> dict[str, str]:
    """Keys checked, values turned to strings (as params and tags are stored) and length-checked."""
    if len(values) > max_count:
        raise InvalidInput(f"{len(values)} {kind}s in one call; the limit is {max_count}")
    out: dict[str, str] = {}
    for key, value in values.items():
        check_key(kind, key)
        text = value if isinstance(value, str) else str(value)
        if len(text) > limit:
            raise InvalidInput(f"{kind} {key!r} has a {len(text)}-character value; the limit is {limit}")
        out[key] = check_text(f"the value of {kind} {key!r}", text)
    return out
