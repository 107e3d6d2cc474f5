"""Catalog: items by unique name, an error that lists the known names, promised names loaded once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tether.catalog import Catalog
from tether.errors import ERRORS_BY_CODE, InvalidInput, TetherError, UnknownName


def test_an_item_is_registered_and_found_by_name() -> None:
    colours: Catalog[int] = Catalog("colour")
    assert colours.register("red", 1) == 1
    assert colours.get("red") == 1
    assert "red" in colours and "blue" not in colours and 1 not in colours


def test_register_is_also_a_decorator_that_returns_what_it_decorates() -> None:
    handlers: Catalog[Callable[[int], int]] = Catalog("handler")

    @handlers.register("double")
    def double(value: int) -> int:
        return 2 * value

    assert double(4) == 8
    assert handlers.get("double") is double


def test_an_unknown_name_lists_the_known_ones() -> None:
    colours: Catalog[int] = Catalog("colour")
    colours.register("red", 1)
    colours.register_loader("blue", lambda: colours.register("blue", 2))
    with pytest.raises(UnknownName, match=r"unknown colour 'green'; known colours: blue, red$") as caught:
        colours.get("green")
    assert (caught.value.name, caught.value.known) == ("green", ["blue", "red"])
    assert isinstance(caught.value, InvalidInput)
    assert caught.value.code == "UNKNOWN_NAME" and caught.value.http_status == 400
    assert ERRORS_BY_CODE["UNKNOWN_NAME"] is UnknownName


def test_an_empty_catalog_says_so() -> None:
    with pytest.raises(UnknownName, match="unknown colour 'red'; no colours are registered"):
        Catalog[int]("colour").get("red")


def test_a_name_is_taken_once_unless_replaced() -> None:
    colours: Catalog[int] = Catalog("colour")
    colours.register("red", 1)
    with pytest.raises(InvalidInput, match="a colour named 'red' is already registered"):
        colours.register("red", 2)
    with pytest.raises(InvalidInput, match="already registered"):
        colours.register("red")(3)
    with pytest.raises(InvalidInput, match="already registered"):
        colours.register_loader("red", lambda: None)
    assert colours.get("red") == 1
    colours.register("red", 4, replace=True)
    assert colours.get("red") == 4


def test_a_name_cannot_be_empty() -> None:
    colours: Catalog[int] = Catalog("colour")
    with pytest.raises(InvalidInput, match="a colour needs a name"):
        colours.register("", 1)
    with pytest.raises(InvalidInput, match="a colour needs a name"):
        colours.register_loader("", lambda: None)
    assert colours.names() == []


def test_names_and_items_are_sorted_whatever_the_order_of_registration() -> None:
    colours: Catalog[int] = Catalog("colour")
    for name, value in (("red", 1), ("blue", 2), ("amber", 3)):
        colours.register(name, value)
    assert colours.names() == ["amber", "blue", "red"]
    assert colours.items() == [("amber", 3), ("blue", 2), ("red", 1)]


def test_a_promised_name_loads_on_first_use_only() -> None:
    colours: Catalog[int] = Catalog("colour")
    calls: list[str] = []

    def load_blue() -> None:
        calls.append("blue")
        colours.register("blue", 2)

    colours.register_loader("blue", load_blue)
    assert "blue" in colours and colours.names() == ["blue"]
    assert calls == []
    assert colours.get("blue") == 2
    assert colours.get("blue") == 2
    assert calls == ["blue"]


def test_one_loader_may_register_several_promised_names() -> None:
    colours: Catalog[int] = Catalog("colour")
    calls: list[int] = []

    def load_palette() -> None:
        calls.append(1)
        colours.register("red", 1)
        colours.register("blue", 2)

    colours.register_loader("red", load_palette)
    colours.register_loader("blue", load_palette)
    assert colours.items() == [("blue", 2), ("red", 1)]
    assert calls == [1]


def test_registering_a_promised_name_directly_takes_the_promise() -> None:
    """A module imported by other means than its loader registers what the loader promised."""
    colours: Catalog[int] = Catalog("colour")
    colours.register_loader("red", lambda: pytest.fail("the loader must not run"))
    colours.register("red", 1)
    assert colours.get("red") == 1


def test_a_loader_that_does_not_register_its_name_is_an_internal_error() -> None:
    colours: Catalog[int] = Catalog("colour")
    colours.register_loader("red", lambda: colours.register("crimson", 1))
    with pytest.raises(TetherError, match="loading the colour 'red' did not register it") as caught:
        colours.get("red")
    assert type(caught.value) is TetherError


def test_a_loader_that_fails_is_tried_again_next_time() -> None:
    colours: Catalog[int] = Catalog("colour")
    attempts: list[int] = []

    def flaky() -> None:
        attempts.append(1)
        if len(attempts) == 1:
            raise ImportError("not yet")
        colours.register("red", 1)

    colours.register_loader("red", flaky)
    with pytest.raises(ImportError, match="not yet"):
        colours.get("red")
    assert "red" in colours
    assert colours.get("red") == 1
    assert len(attempts) == 2
