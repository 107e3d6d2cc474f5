"""Conditions on one figure: operators, bounds relative to the reference, and the mistakes they refuse."""

from __future__ import annotations

import pytest

from tether.errors import InvalidInput
from tether.monitoring.suites.conditions import Condition, Reference
from tether.monitoring.suites.files import parse_suite


def test_condition_operators() -> None:
    assert Condition(lt=0.3).check("x", 0.2, None).status == "pass"
    assert Condition(lt=0.3).check("x", 0.3, None).status == "fail"
    assert Condition(lte=0.3).check("x", 0.3, None).status == "pass"
    assert Condition(gt=1, lt=3).check("x", 2, None).status == "pass"
    assert Condition(gte=2.5).check("x", 2, None).status == "fail"
    assert Condition(between=(0, 1)).check("x", 1.0, None).status == "pass"
    assert Condition(between=(0, 1)).check("x", 1.01, None).status == "fail"
    assert Condition(eq=0.3).check("x", 0.1 + 0.2, None).status == "pass"
    assert Condition(eq=0.3, tolerance=0.05).check("x", 0.34, None).status == "pass"
    assert Condition(not_eq=0).check("x", 0, None).status == "fail"
    assert Condition(eq=False).check("x", False, None).status == "pass"
    assert Condition(eq=False).check("x", True, None).status == "fail"
    assert Condition(lt=1).check("x", None, None).status == "error"
    assert Condition(lt=1).check("x", "text", None).status == "error"
    with pytest.raises(ValueError, match="give a condition"):
        Condition()
    with pytest.raises(ValueError, match="needs a number"):
        Condition(lt="big")


def test_reference_bounds() -> None:
    relative = Condition(gte=Reference(relative=-0.05))
    assert relative.check("auc", 0.96, 1.0).status == "pass"
    failed = relative.check("auc", 0.94, 1.0)
    assert failed.status == "fail" and "reference - 5%" in failed.message
    assert relative.check("auc", 0.9, None).status == "error"
    near = Condition(between=(Reference(relative=-0.1), Reference(relative=0.1)))
    assert near.check("rmse", 1.05, 1.0).status == "pass"
    assert near.check("rmse", 1.2, 1.0).status == "fail"
    assert Condition(lte=Reference(absolute=0.02)).check("m", 0.11, 0.1).status == "pass"
    assert Condition.model_validate({"lte": "reference"}).lte == Reference()
    assert Condition.model_validate({"gte": {"relative": -0.05}}).gte == Reference(relative=-0.05)
    assert relative.describe() == ">= reference - 5%"


def test_relative_bounds_move_away_from_a_negative_reference_by_its_size() -> None:
    near = Condition(between=(Reference(relative=-0.1), Reference(relative=0.1)))
    assert near.check("r2", -0.85, -0.85).status == "pass"
    assert near.check("r2", -0.93, -0.85).status == "pass"
    assert near.check("r2", -0.95, -0.85).status == "fail"
    assert Reference(relative=-0.1).resolve(-2.0) == pytest.approx(-2.2)
    assert Reference(relative=-0.1).resolve(2.0) == pytest.approx(1.8)
    assert Condition(gte=Reference(relative=-0.05)).check("mean_error", -1.04, -1.0).status == "pass"
    mixed = Condition(between=(Reference(absolute=0.5), 0.0))  # resolves in either order
    assert mixed.check("x", 0.25, 0.0).status == "pass"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{type: Accuracy, lt: {relativ: 0.1}}", "lt: unknown key 'relativ' in a reference bound"),
        ("{type: Accuracy, eq: 0.5, tolerance: -1}", "tolerance: Input should be greater than or equal to 0"),
        ("{type: Accuracy, between: [0.9, 0.1]}", "between needs the lower bound first: [0.1, 0.9]"),
        ("{type: Accuracy, between: [a, 1]}", "between needs two numbers or reference bounds"),
    ],
)
def test_condition_mistakes_are_named(text: str, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_suite(f"tests: [{text}]")
    assert message in caught.value.message
    assert "more problem" not in caught.value.message
