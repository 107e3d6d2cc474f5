"""Typed references: one string that names any object tether keeps, such as ``run:<id>``.

Reports, lineage edges and links in the UI point at objects through these, so a monitoring report can
be attached to a run today and to a model version later without a new column for each kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, cast

RefKind = Literal["run", "experiment", "model", "data", "report"]
_PATTERNS: dict[str, re.Pattern[str]] = {
    "run": re.compile(r"^[0-9a-f]{32}$"),
    "experiment": re.compile(r"^[0-9]{1,18}$"),
    "model": re.compile(r"^[^/\s]{1,250}/[0-9]{1,9}$"),
    "data": re.compile(r"^[^@\s]{1,250}@[0-9a-f]{6,64}$"),
    "report": re.compile(r"^[0-9a-f]{32}$"),
}
_SHAPES = {
    "run": "run:<32 hex digits>",
    "experiment": "experiment:<number>",
    "model": "model:<name>/<version>",
    "data": "data:<name>@<commit>",
    "report": "report:<32 hex digits>",
}


class InvalidRef(ValueError):
    """Text that is not a reference; callers turn it into their own error type."""


@dataclass(frozen=True)
class Ref:
    kind: RefKind
    id: str

    @classmethod
    def parse(cls, text: str) -> Ref:
        kind, sep, ident = str(text).partition(":")
        if not sep or kind not in _PATTERNS:
            known = ", ".join(_SHAPES.values())
            raise InvalidRef(f"{text!r} is not a reference; references look like {known}")
        if not _PATTERNS[kind].match(ident):
            raise InvalidRef(f"{text!r} is not a valid {kind} reference; expected {_SHAPES[kind]}")
        return cls(cast(RefKind, kind), ident)

    @classmethod
    def run(cls, run_id: str) -> Ref:
        return cls.parse(f"run:{run_id}")

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"
