"""Conditions on one named figure: fixed bounds, or bounds relative to the same figure on the reference.

A condition is pydantic data with the operators ``lt, lte, gt, gte, eq, not_eq`` and ``between``; each
bound is a number (or, for ``eq``/``not_eq``, a boolean or a string) or a ``Reference``: the figure's
value on the reference data, optionally moved by a relative or absolute amount. In YAML a reference
bound is a mapping (``gte: {relative: -0.05}``) or the word ``reference``. Every operator given must hold.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from tether.monitoring.results import Scalar, Status

OPERATORS = ("lt", "lte", "gt", "gte", "eq", "not_eq", "between")
_SYMBOLS = {"lt": "<", "lte": "<=", "gt": ">", "gte": ">=", "eq": "==", "not_eq": "!="}
_EXACT = 1e-9
"""Relative tolerance of ``eq``/``not_eq`` on numbers when no ``tolerance`` is given."""


class Reference(BaseModel):
    """A bound taken from the reference data: its value moved by ``relative`` of its size, plus ``absolute``.

    ``Reference(relative=-0.05)`` is 5% below the reference value, ``Reference(absolute=0.1)`` is 0.1
    above it, and ``Reference()`` is the reference value itself. "Below" means smaller whatever the sign:
    the bound is ``reference + relative × |reference| + absolute``, so that ``relative=-0.1`` on a
    reference of -2.0 gives -2.2, and a ``between`` of -10% and +10% holds the reference value.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    relative: float = 0.0
    absolute: float = 0.0

    def resolve(self, reference: float) -> float:
        return reference + self.relative * abs(reference) + self.absolute

    def describe(self) -> str:
        text = "reference"
        if self.relative:
            text += f" {'+' if self.relative > 0 else '-'} {abs(self.relative) * 100:g}%"
        if self.absolute:
            text += f" {'+' if self.absolute > 0 else '-'} {abs(self.absolute):g}"
        return text


Bound = bool | float | str | Reference
"""What an operator compares with; strings and booleans only make sense for ``eq`` and ``not_eq``."""


@dataclass(frozen=True)
class Check:
    """The verdict of one condition on one figure."""

    status: Status
    message: str


class Condition(BaseModel):
    """Operators on one figure; every one that is set must hold."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lt: Bound | None = None
    lte: Bound | None = None
    gt: Bound | None = None
    gte: Bound | None = None
    eq: Bound | None = None
    not_eq: Bound | None = None
    between: tuple[Bound, Bound] | None = None
    """Inclusive on both ends."""
    tolerance: float | None = Field(default=None, ge=0)
    """Absolute tolerance of ``eq``/``not_eq`` on numbers (default: equal to 1 part in a billion)."""

    @field_validator("lt", "lte", "gt", "gte", "eq", "not_eq", mode="before")
    @classmethod
    def _word_reference(cls, value: Any) -> Any:
        return _reference_bound(value)

    @field_validator("between", mode="before")
    @classmethod
    def _pair_reference(cls, value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return [_reference_bound(v) for v in value]
        return value

    @model_validator(mode="after")
    def _needs_an_operator(self) -> Condition:
        if not self.operators():
            raise ValueError(f"give a condition: one or more of {', '.join(OPERATORS)}")
        for name in ("lt", "lte", "gt", "gte"):
            if isinstance(getattr(self, name), (bool, str)):
                raise ValueError(f"{name} needs a number or a reference bound")
        if self.between is not None:
            _check_between(self.between)
        return self

    def operators(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OPERATORS if getattr(self, name) is not None}

    def uses_reference(self) -> bool:
        bounds = [b for name, b in self.operators().items() if name != "between"]
        bounds += list(self.between or ())
        return any(isinstance(b, Reference) for b in bounds)

    def describe(self) -> str:
        """The condition as people write it: ``< 0.3``, ``>= reference - 5%``, ``between 0 and 1``."""
        parts = []
        for name, bound in self.operators().items():
            if name == "between":
                low, high = bound
                parts.append(f"between {_show(low)} and {_show(high)}")
            else:
                parts.append(f"{_SYMBOLS[name]} {_show(bound)}")
        text = " and ".join(parts)
        if self.tolerance is not None and (self.eq is not None or self.not_eq is not None):
            text += f" (± {self.tolerance:g})"
        return text

    def check(self, figure: str, value: Scalar, reference: Scalar) -> Check:
        """Whether ``value`` meets every operator; "error" when it or a needed reference is missing."""
        if value is None or (isinstance(value, float) and math.isnan(value)) or value == "NaN":
            return Check("error", f"{figure} is undefined on the current data")
        failed: list[str] = []
        for name, bound in self.operators().items():
            pairs = list(bound) if name == "between" else [bound]
            resolved: list[Scalar] = []
            for item in pairs:
                found = _resolve(item, reference)
                if isinstance(found, Check):
                    return Check("error", f"{figure}: {found.message}")
                resolved.append(found)
            verdict = self._apply(name, value, resolved)
            if isinstance(verdict, Check):
                return Check("error", f"{figure}: {verdict.message}")
            if not verdict:
                failed.append(_explain(name, value, resolved, pairs))
        shown = _show(value)
        if failed:
            return Check("fail", f"{figure} = {shown}, expected {'; '.join(failed)}")
        return Check("pass", f"{figure} = {shown} ({self.describe()})")

    def _apply(self, name: str, value: Scalar, bounds: list[Scalar]) -> bool | Check:
        if name in ("eq", "not_eq"):
            equal = _equal(value, bounds[0], self.tolerance)
            return equal if name == "eq" else not equal
        if not _is_number(value) or not all(_is_number(b) for b in bounds):
            return Check(
                "error", f"{_show(value)} cannot be ordered against {', '.join(_show(b) for b in bounds)}"
            )
        number = float(value)  # type: ignore[arg-type]
        limits = [float(b) for b in bounds]  # type: ignore[arg-type]
        if name == "between":  # bounds taken from the reference may come out in either order
            return min(limits) <= number <= max(limits)
        return {
            "lt": number < limits[0],
            "lte": number <= limits[0],
            "gt": number > limits[0],
            "gte": number >= limits[0],
        }[name]


def _check_between(pair: tuple[Bound, Bound]) -> None:
    low, high = pair
    if any(isinstance(bound, (bool, str)) for bound in pair):
        raise ValueError("between needs two numbers or reference bounds")
    if isinstance(low, float) and isinstance(high, float) and low > high:
        raise ValueError(f"between needs the lower bound first: [{high:g}, {low:g}], not [{low:g}, {high:g}]")


def _reference_bound(value: Any) -> Any:
    """The word ``reference`` and mappings such as ``{relative: -0.05}`` as a ``Reference``; a mapping with
    another key is refused by name (the union of bound types would otherwise list four problems)."""
    if isinstance(value, str) and value == "reference":
        return Reference()
    if isinstance(value, Mapping):
        unknown = [str(key) for key in value if key not in Reference.model_fields]
        if unknown:
            raise ValueError(
                f"unknown key {unknown[0]!r} in a reference bound; use 'relative' and/or 'absolute'"
            )
        return Reference.model_validate(dict(value))
    return value


def _resolve(bound: Bound, reference: Scalar) -> Scalar | Check:
    if not isinstance(bound, Reference):
        return bound
    if not _is_number(reference):
        return Check(
            "error", "no reference value to compare with (is the figure computed on the reference data?)"
        )
    return bound.resolve(float(reference))  # type: ignore[arg-type]


def _equal(value: Scalar, bound: Scalar, tolerance: float | None) -> bool:
    if _is_number(value) and _is_number(bound):
        a, b = float(value), float(bound)  # type: ignore[arg-type]
        if tolerance is not None:
            return abs(a - b) <= tolerance
        return math.isclose(a, b, rel_tol=_EXACT, abs_tol=1e-12)
    return value == bound


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


def _explain(name: str, value: Scalar, resolved: list[Scalar], bounds: list[Bound]) -> str:
    shown = [
        _show(r) + (f" ({_show(b)})" if isinstance(b, Reference) else "")
        for r, b in zip(resolved, bounds, strict=True)
    ]
    if name == "between":
        return f"between {shown[0]} and {shown[1]}"
    return f"{_SYMBOLS[name]} {shown[0]}"


def _show(value: object) -> str:
    if isinstance(value, Reference):
        return value.describe()
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)
