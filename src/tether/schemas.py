"""The pydantic bases every domain's wire shapes are built on, and the one page shape.

Read shapes (``ReadModel``) are frozen and ignore fields they do not know, so an older client reads a
newer server's answers. Write shapes (``WriteModel``) forbid unknown fields, so a misspelt setting is an
error instead of being silently dropped. Query strings (``QueryModel``) ignore parameters they do not know,
as query strings conventionally do (caches and proxies add their own). JSON has no NaN or
infinity: they travel as the strings "NaN", "Infinity" and "-Infinity".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

Int64 = Annotated[int, Field(ge=INT64_MIN, le=INT64_MAX)]
"""An integer a database column can hold; anything wider is refused before it reaches storage."""

Millis = Annotated[int, Field(ge=0, le=INT64_MAX)]
"""Milliseconds since the Unix epoch, as stored."""


class ReadModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", ser_json_inf_nan="strings")


class WriteModel(BaseModel):
    model_config = ConfigDict(extra="forbid", ser_json_inf_nan="strings")


class QueryModel(BaseModel):
    """The query-string parameters of one endpoint, as one shape (documented field by field)."""

    model_config = ConfigDict(extra="ignore")


class Page(ReadModel, Generic[T]):
    """One page of results; pass ``next_page_token`` back to get the next one (None: no more)."""

    items: list[T]
    next_page_token: str | None = None


def every_item(fetch: Callable[[str | None], Page[T]]) -> list[T]:
    """The items of every page ``fetch`` gives, in order: it is called with None, then with each
    ``next_page_token`` until one is None."""
    found: list[T] = []
    token: str | None = None
    while True:
        page = fetch(token)
        found += page.items
        token = page.next_page_token
        if token is None:
            return found


def describe_errors(errors: Sequence[Mapping[str, Any]], limit: int = 5) -> str:
    """A one-line account of pydantic validation errors: ``where: what``, the first few of them.

    The server answers a bad request with it and the remote client raises it for a bad argument, so a
    caller reads the same words on either side.
    """
    problems = []
    for item in list(errors)[:limit]:
        where = ".".join(str(part) for part in item.get("loc", ()) if part != "body")
        problems.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    return "; ".join(problems) or "the request is invalid"
