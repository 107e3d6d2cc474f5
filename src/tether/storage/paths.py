"""The one path-safety check for every key a user can influence.

A key is a relative, ``/``-separated path. Anything that could make a storage backend (local disk, S3, a
URL router in front of them) resolve outside the key's root is refused rather than repaired, so that a
path means the same thing everywhere it travels.
"""

from __future__ import annotations

import re

from tether.errors import UnsafePath

MAX_KEY_BYTES = 1024
MAX_SEGMENT_BYTES = 255
"""Counted in UTF-8 bytes, as file systems count a name: 255 of them is 85 characters of CJK text."""
TEMP_PREFIX = ".tether-tmp-"
"""Files being written are named this plus 16 hex digits; no key may use a name starting so."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_key(path: str, *, allow_root: bool = False) -> str:
    """Return ``path`` in canonical form (``a/b/c``) or raise UnsafePath naming what is wrong.

    ``.`` segments and repeated slashes are dropped; ``..``, absolute paths, drive letters, backslashes,
    percent escapes (which a later decode could turn into any of those), ``?``, ``#``, control
    characters (NUL included), names over 255 bytes and names the store keeps for files being written
    are refused. ``allow_root`` accepts the empty path, meaning the root itself.
    """
    if not isinstance(path, str):
        raise UnsafePath(f"a path must be a string, got {type(path).__name__}")
    problem = _problem(path)
    if problem:
        raise UnsafePath(f"unsafe path {path!r}: {problem}")
    segments = [s for s in path.split("/") if s not in ("", ".")]
    if ".." in segments:
        raise UnsafePath(f"unsafe path {path!r}: '..' is not allowed")
    if not segments and not allow_root:
        raise UnsafePath(f"unsafe path {path!r}: the path is empty")
    long = next((s for s in segments if len(s.encode("utf-8", "surrogatepass")) > MAX_SEGMENT_BYTES), None)
    if long is not None:
        raise UnsafePath(f"unsafe path: the name {long[:40]!r}… is over {MAX_SEGMENT_BYTES} bytes of UTF-8")
    reserved = next((s for s in segments if s.startswith(TEMP_PREFIX)), None)
    if reserved is not None:
        raise UnsafePath(f"unsafe path: names starting with {TEMP_PREFIX!r} are kept for files being written")
    return "/".join(segments)


_CHECKS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_CONTROL, "control characters (such as NUL) are not allowed"),
    (re.compile(r"\\"), "backslashes are not allowed; use '/'"),
    (re.compile(r"^[/~]"), "absolute paths are not allowed"),
    (_DRIVE, "drive letters are not allowed"),
    (_PERCENT_ESCAPE, "percent-encoded characters are not allowed"),
    (re.compile(r"[?#]"), "'?' and '#' are not allowed"),
)


def _problem(path: str) -> str:
    if len(path.encode("utf-8", "surrogatepass")) > MAX_KEY_BYTES:
        return f"longer than {MAX_KEY_BYTES} bytes of UTF-8"
    return next((message for pattern, message in _CHECKS if pattern.search(path)), "")


def join_key(*parts: str) -> str:
    """Join already-safe keys; empty parts (the root) vanish."""
    return "/".join(p for p in parts if p)
