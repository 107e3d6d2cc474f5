"""Gathering every page of a paged listing."""

from __future__ import annotations

from tether.schemas import Page, every_item


def test_every_item_follows_the_tokens_until_the_last_page() -> None:
    pages = {None: Page(items=[1, 2], next_page_token="a"), "a": Page(items=[3], next_page_token="b")}
    pages["b"] = Page(items=[], next_page_token=None)
    asked: list[str | None] = []

    def fetch(token: str | None) -> Page[int]:
        asked.append(token)
        return pages[token]

    assert every_item(fetch) == [1, 2, 3]
    assert asked == [None, "a", "b"]
