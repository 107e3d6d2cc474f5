"""HTTP header values that carry user data, built and parsed in one place: Content-Disposition and Range.

A file name is user input: it may hold quotes, semicolons or characters outside Latin-1, none of which
may reach a header raw. A Range header is client input: its numbers are bounded before they are read.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_RANGE = re.compile(r"^bytes=([0-9]{0,19})-([0-9]{0,19})$")
"""At most 19 digits each: every byte offset fits, and no number is long enough to be slow to read."""
_TOKEN_SAFE = "!#$&+-.^_`|~"
"""attr-char of RFC 5987 besides letters and digits: what a filename* value may hold unescaped."""
_FALLBACK_UNSAFE = re.compile(r'[^\x20-\x7e]|["\\%]')


def content_disposition(filename: str, kind: str = "attachment") -> str:
    """``attachment; filename="…"; filename*=UTF-8''…`` (RFC 6266): the quoted name is an ASCII stand-in
    with anything unsafe replaced by ``_``; ``filename*`` carries the exact name, percent-encoded."""
    fallback = _FALLBACK_UNSAFE.sub("_", filename) or "download"
    header = f'{kind}; filename="{fallback}"'
    if filename and fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe=_TOKEN_SAFE, errors='surrogatepass')}"
    return header


class RangeError(ValueError):
    """The Range header cannot be satisfied for this file (answer 416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """[start, end) of a single ``bytes=a-b`` range; None without a header (the whole file).

    Raises RangeError for a range that is malformed, a list of ranges, or outside the file.
    """
    if not header:
        return None
    match = _RANGE.match(header.strip())
    if match is None or match.group(1) == match.group(2) == "":
        raise RangeError(f"the Range header {header[:60]!r} is not a single 'bytes=start-end' range")
    first, last = match.groups()
    if first == "":
        start, end = max(0, size - int(last)), size
    else:
        start, end = int(first), min(size, int(last) + 1) if last else size
    if last and first and int(last) < int(first):
        raise RangeError(f"the Range header {header!r} ends before it starts")
    if start >= end:
        raise RangeError(f"the range {header!r} is outside the file's {size} bytes")
    return start, end
