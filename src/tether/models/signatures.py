"""Model signatures: what a model takes and gives, inferred from an example and enforced at predict time.

A table signature lists columns with their pandas dtypes (nullable ``Int64``/``boolean`` included); a
tensor signature gives a NumPy dtype and a shape whose ``None`` axes take any size. Inputs are converted
only where no value can change (int32 to int64, int to float, a whole-number float to int, float64 values
that float32 holds exactly); anything else is a ``SignatureMismatch`` that names the column or axis and
what was expected.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import Field

from tether.errors import SignatureMismatch
from tether.schemas import ReadModel

ModelInput = Any
"""What ``predict`` takes: a DataFrame, a NumPy array, a list of records (dicts) or a dict of columns."""


class ColumnSpec(ReadModel):
    name: str
    dtype: str


class TableSpec(ReadModel):
    """Named columns, each of one pandas dtype; extra columns in an input are left out."""

    kind: Literal["table"] = "table"
    columns: list[ColumnSpec]


class TensorSpec(ReadModel):
    """One array of one dtype; ``None`` in ``shape`` is an axis of any size (the first is the batch)."""

    kind: Literal["tensor"] = "tensor"
    dtype: str
    shape: list[int | None]


Spec = Annotated[TableSpec | TensorSpec, Field(discriminator="kind")]


class Signature(ReadModel):
    inputs: Spec
    outputs: Spec | None = None


def infer_signature(example: ModelInput, output: Any = None) -> Signature:
    """The signature of ``example`` (and of the model's ``output`` on it, when given)."""
    return Signature(inputs=infer_spec(example), outputs=None if output is None else infer_spec(output))


def infer_spec(data: Any) -> TableSpec | TensorSpec:
    """A table spec for frames, records and column dicts; a tensor spec for arrays and number sequences."""
    if isinstance(data, pd.Series):
        data = data.to_numpy()
    if isinstance(data, (pd.DataFrame, Mapping)) or _is_records(data):
        frame = as_frame(data)
        return TableSpec(
            columns=[ColumnSpec(name=str(name), dtype=_column_dtype(frame, str(name))) for name in frame]
        )
    array = np.asarray(data)
    if array.dtype == object or array.ndim == 0:
        raise SignatureMismatch(
            f"cannot infer a signature from {type(data).__name__} (dtype {array.dtype}, {array.ndim} axes): "
            "give a DataFrame, a list of records or a numeric array"
        )
    return TensorSpec(dtype=str(array.dtype), shape=[None, *array.shape[1:]])


def conform(data: ModelInput, spec: TableSpec | TensorSpec) -> pd.DataFrame | np.ndarray:
    """``data`` in the form and dtypes ``spec`` asks for, converted only where no value changes."""
    if isinstance(spec, TensorSpec):
        return _conform_tensor(data, spec)
    frame = _frame_for(data, spec)
    missing = [c for c in spec.columns if c.name not in frame.columns]
    if missing:
        wanted = ", ".join(f"{c.name!r} ({c.dtype})" for c in missing)
        raise SignatureMismatch(f"the input is missing column(s) {wanted}; it has {list(frame.columns)}")
    expected = _pandas_dtypes(tuple(c.dtype for c in spec.columns))
    names = [c.name for c in spec.columns]
    if list(frame.columns) == names and all(a == e for a, e in zip(frame.dtypes, expected, strict=True)):
        return frame  # already the columns and dtypes asked for: the served hot path, nothing to copy
    conformed: pd.DataFrame = pd.DataFrame(
        {c.name: _conform_column(frame[c.name], c, e) for c, e in zip(spec.columns, expected, strict=True)},
        index=frame.index,
    )
    return conformed


@functools.lru_cache(maxsize=256)
def _pandas_dtypes(names: tuple[str, ...]) -> tuple[Any, ...]:
    """The pandas dtypes that a signature's dtype names stand for, worked out once per signature."""
    return tuple(pd.api.types.pandas_dtype(name) for name in names)


def as_frame(data: Any) -> pd.DataFrame:
    """A DataFrame from a frame, a list of records or a dict of columns, with string column names."""
    if isinstance(data, pd.DataFrame):
        frame = data
    elif isinstance(data, Mapping):
        frame = pd.DataFrame({key: np.atleast_1d(np.asarray(value)) for key, value in data.items()})
    else:
        frame = pd.DataFrame.from_records(list(data))
    bad = [name for name in frame.columns if not isinstance(name, str)]
    if bad:
        raise SignatureMismatch(f"column names must be strings, got {bad[:5]!r}")
    return frame


def _is_records(data: Any) -> bool:
    return (
        isinstance(data, Sequence)
        and not isinstance(data, str)
        and bool(data)
        and isinstance(data[0], Mapping)
    )


def _column_dtype(frame: pd.DataFrame, name: str) -> str:
    column = frame[name]
    if column.dtype != object:
        return str(column.dtype)
    kind = pd.api.types.infer_dtype(column, skipna=True)
    if kind in ("string", "empty"):
        return "str"
    raise SignatureMismatch(
        f"column {name!r} holds {kind} values; a signature needs one type per column "
        "(convert it, for example with .astype(str) or pd.to_numeric)"
    )


def _frame_for(data: ModelInput, spec: TableSpec) -> pd.DataFrame:
    if isinstance(data, np.ndarray):
        names = [c.name for c in spec.columns]
        if data.ndim != 2 or data.shape[1] != len(names):
            raise SignatureMismatch(
                f"an array input must have shape (rows, {len(names)}) for the columns {names}, "
                f"got {data.shape}"
            )
        table: pd.DataFrame = pd.DataFrame(data, columns=names)
        return table
    try:
        return as_frame(data)
    except (TypeError, ValueError) as error:
        raise SignatureMismatch(f"cannot read the input as a table: {error}") from None


def _conform_column(column: pd.Series, spec: ColumnSpec, expected: Any) -> pd.Series:
    actual = column.dtype
    if actual == expected:
        return column
    problem = _conversion_problem(column, expected)
    if problem:
        raise SignatureMismatch(f"column {spec.name!r} expects {spec.dtype}, got {actual}: {problem}")
    return column.astype(expected)


def _conversion_problem(column: pd.Series, expected: Any) -> str:
    """Why ``column`` cannot become ``expected`` without changing a value ('' when it can)."""
    api = pd.api.types
    if isinstance(expected, pd.CategoricalDtype):
        return ""
    for applies, check in (
        (api.is_bool_dtype, _to_bool),
        (api.is_integer_dtype, _to_integer),
        (api.is_float_dtype, _to_float),
        (lambda d: api.is_string_dtype(d) or d == np.dtype(object), _to_text),
    ):
        if applies(expected):
            return check(column, expected)
    return f"no safe conversion from {column.dtype}"


def _to_bool(column: pd.Series, expected: Any) -> str:
    if not pd.api.types.is_bool_dtype(column.dtype):
        return "only true/false values convert to a boolean column"
    if column.isna().any() and not isinstance(expected, pd.api.extensions.ExtensionDtype):
        return "it has missing values, which only the nullable 'boolean' dtype holds"
    return ""


def _to_integer(column: pd.Series, expected: Any) -> str:
    api = pd.api.types
    if api.is_bool_dtype(column.dtype) or not api.is_numeric_dtype(column.dtype):
        return "only whole numbers convert to an integer column"
    if column.isna().any() and not isinstance(expected, pd.api.extensions.ExtensionDtype):
        return "it has missing values, which only the nullable 'Int64' dtype holds"
    if api.is_float_dtype(column.dtype):
        values = column.dropna().to_numpy(dtype=float)
        if not np.all(np.isfinite(values) & (values == np.round(values))):
            return "it holds values that are not whole numbers"
    return ""


def _to_float(column: pd.Series, _expected: Any) -> str:
    api = pd.api.types
    if api.is_bool_dtype(column.dtype) or not api.is_numeric_dtype(column.dtype):
        return "only numbers convert to a float column"
    return ""


def _to_text(column: pd.Series, _expected: Any) -> str:
    kind = pd.api.types.infer_dtype(column, skipna=True)
    return "" if kind in ("string", "empty") else f"it holds {kind} values, not text"


def _conform_tensor(data: ModelInput, spec: TensorSpec) -> np.ndarray:
    values = data.to_numpy() if isinstance(data, (pd.DataFrame, pd.Series)) else data
    try:
        array = np.asarray(values)
    except (TypeError, ValueError) as error:
        raise SignatureMismatch(f"cannot read the input as an array: {error}") from None
    if array.ndim != len(spec.shape):
        raise SignatureMismatch(
            f"the input must have {len(spec.shape)} axes {_shape(spec.shape)}, got {array.shape}"
        )
    for axis, (size, want) in enumerate(zip(array.shape, spec.shape, strict=True)):
        if want is not None and size != want:
            raise SignatureMismatch(
                f"axis {axis} of the input must have size {want} {_shape(spec.shape)}, got {size}"
            )
    expected = np.dtype(spec.dtype)
    if array.dtype == expected:
        return array
    flags_as_numbers = array.dtype.kind == "b" and expected.kind != "b"
    if flags_as_numbers or not np.can_cast(array.dtype, expected, casting="same_kind"):
        raise SignatureMismatch(
            f"the input must be {expected}, got {array.dtype}, which does not convert safely"
        )
    converted = array.astype(expected)
    if not np.can_cast(array.dtype, expected, casting="safe") and not np.array_equal(
        converted, array, equal_nan=expected.kind in "fc"
    ):
        raise SignatureMismatch(
            f"the input must be {expected}; its {array.dtype} values do not all fit in {expected} unchanged"
        )
    return converted


def _shape(shape: Sequence[int | None]) -> str:
    return "(" + ", ".join("any" if size is None else str(size) for size in shape) + ")"
