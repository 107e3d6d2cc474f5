"""Class labels as text, so a target of ints and a prediction of floats (1 and 1.0) name the same class.

A class is named the way a person writes it: integral numbers without a decimal point, booleans as
``True``/``False``. Those names are the ``<class>`` in figure keys such as ``precision.1``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from tether.errors import InvalidData
from tether.monitoring.data.sources import as_float

StrArray = npt.NDArray[np.str_]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

_EXACT_INTEGERS = 2.0**53


def label_name(value: object) -> str:
    """The name of one class label."""
    if isinstance(value, float) and value.is_integer() and abs(value) < _EXACT_INTEGERS:
        return str(int(value))
    return str(value)


def label_keys(array: pa.ChunkedArray | pa.Array) -> tuple[StrArray, BoolArray]:
    """Every value's class name, and which values are present (not null or NaN)."""
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    kind = array.type
    if pa.types.is_boolean(kind):
        flags = as_float(array)
        present = ~np.isnan(flags)
        return np.where(flags == 1.0, "True", "False").astype(np.str_), present
    if pa.types.is_integer(kind):
        array = array.cast(pa.string())  # exact, where a float would merge ids beyond 2**53
    elif pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        numbers = as_float(array)
        present = ~np.isnan(numbers)
        integral = present & (np.abs(np.where(present, numbers, 0.0)) < _EXACT_INTEGERS)
        integral &= np.where(integral, numbers, 0.0) % 1 == 0
        as_ints = np.where(integral, numbers, 0.0).astype(np.int64).astype(np.str_)
        return np.where(integral, as_ints, numbers.astype(np.str_)), present
    elif not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        array = array.cast(pa.string())
    values = np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)
    present = np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
    return np.where(present, values, "").astype(np.str_), present


@dataclass(frozen=True)
class Encoded:
    """Target and predicted labels as codes into one sorted list of class names."""

    classes: list[str]
    truth: IntArray
    predicted: IntArray
    dropped: int

    @property
    def kept(self) -> int:
        return int(self.truth.size)


MAX_CLASSES = 1000
"""More labels than this is almost always a continuous target read as classes (a huge confusion matrix)."""


def encode_labels(
    target: pa.ChunkedArray, prediction: pa.ChunkedArray, classes: list[str] | None = None
) -> Encoded:
    """Rows with both labels, coded by class; classes sort numerically when every name is a number.

    ``classes`` (every name the rows hold, and more) fixes the class list, so that both sides of a report
    code the same class the same way even when one side lacks a class.
    """
    truth, truth_present = label_keys(target)
    predicted, predicted_present = label_keys(prediction)
    both = truth_present & predicted_present
    truth, predicted = truth[both], predicted[both]
    names, codes = np.unique(np.concatenate([truth, predicted]), return_inverse=True)
    ordered = check_classes(names.tolist()) if classes is None else classes
    position = {name: code for code, name in enumerate(ordered)}
    rank = np.array([position[str(name)] for name in names], dtype=np.int64)
    coded = rank[codes]
    return Encoded(
        classes=list(ordered),
        truth=coded[: truth.size],
        predicted=coded[truth.size :],
        dropped=int((~both).sum()),
    )


def check_classes(names: list[str]) -> list[str]:
    """Class names in their order (numerically when every one is a number); too many is refused."""
    if len(names) > MAX_CLASSES:
        raise InvalidData(
            f"the target and prediction hold {len(names):,} distinct labels; classification metrics take at "
            f"most {MAX_CLASSES} classes (is this a regression task? use RegressionPerformance)"
        )
    return sorted(names, key=_sort_key)


def _sort_key(name: str) -> tuple[int, float, str]:
    try:
        return (0, float(name), name)
    except ValueError:
        return (1, 0.0, name)
