"""Arrow columns turned into JSON cells of bounded length.

Text is cut inside Arrow before any Python string exists, so a one-gigabyte cell costs a few kilobytes
here; nested values (lists, structs, maps) are written out element by element until the bound is reached.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

Cell = str | int | float | bool | None
ELLIPSIS = "…"
"""Ends a cell that was cut; a cut cell is the only kind longer than the bound (by this one character)."""


def column_cells(array: pa.Array, max_chars: int) -> list[Cell]:
    """The cells of one column; text longer than ``max_chars`` characters is cut there and ends in '…'."""
    import pyarrow as pa
    import pyarrow.compute as pc

    kind = array.type
    if pa.types.is_dictionary(kind):
        values = _shortened(array.dictionary, max_chars)
        array = pa.DictionaryArray.from_arrays(array.indices, values).dictionary_decode()
        kind = array.type
    if _is_text(kind):
        found: list[Any] = pc.utf8_slice_codeunits(array, 0, max_chars + 1).to_pylist()
    elif _is_binary(kind):
        found = [
            None if v is None else v.hex() for v in pc.binary_slice(array, 0, max_chars // 2 + 1).to_pylist()
        ]
    elif pa.types.is_nested(kind):
        found = [render_nested(array[i], max_chars + 1) for i in range(len(array))]
    else:
        found = [_json_value(v) for v in array.to_pylist()]
    return [cut(v, max_chars) for v in found]


def is_cut(cell: Cell, max_chars: int) -> bool:
    return isinstance(cell, str) and len(cell) > max_chars


def json_size(cell: Cell) -> int:
    """Bytes the cell takes in the response, with its separator."""
    if isinstance(cell, str):
        return len(json.dumps(cell, ensure_ascii=False).encode("utf-8")) + 1
    return len(str(cell)) + 1


def render_nested(scalar: pa.Scalar, limit: int) -> str | None:
    """A list, struct or map value as JSON-like text of at most ``limit`` characters (more are dropped)."""
    if not scalar.is_valid:
        return None
    text = _Text(limit)
    with contextlib.suppress(_Full):
        _write(scalar, text)
    return text.value()


def _shortened(values: pa.Array, max_chars: int) -> pa.Array:
    import pyarrow.compute as pc

    if _is_text(values.type):
        return pc.utf8_slice_codeunits(values, 0, max_chars + 1)
    if _is_binary(values.type):
        return pc.binary_slice(values, 0, max_chars // 2 + 1)
    return values


def _is_text(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_string_view(kind))


def _is_binary(kind: pa.DataType) -> bool:
    import pyarrow as pa

    return bool(
        pa.types.is_binary(kind)
        or pa.types.is_large_binary(kind)
        or pa.types.is_fixed_size_binary(kind)
        or pa.types.is_binary_view(kind)
    )


def cut(value: Cell, max_chars: int) -> Cell:
    """Text longer than ``max_chars`` characters cut there, ending in '…'; anything else as it is."""
    if isinstance(value, str) and len(value) > max_chars:
        return value[:max_chars] + ELLIPSIS
    return value


class _Full(Exception):
    """The text reached its bound; the rest of the value is not written."""


class _Text:
    def __init__(self, limit: int) -> None:
        self.parts: list[str] = []
        self.left = limit

    def add(self, part: str) -> None:
        self.parts.append(part[: self.left])
        self.left -= len(part)
        if self.left <= 0:
            raise _Full

    def value(self) -> str:
        return "".join(self.parts)


def _write(scalar: pa.Scalar, out: _Text) -> None:
    import pyarrow as pa

    if not scalar.is_valid:
        out.add("null")
    elif isinstance(scalar, pa.DictionaryScalar):
        _write(scalar.value, out)
    elif isinstance(scalar, pa.MapScalar):
        _write_map(scalar.values, out)
    elif isinstance(scalar, pa.StructScalar):
        out.add("{")
        for index, field in enumerate(scalar.type):
            out.add(", " if index else "")
            out.add(json.dumps(field.name, ensure_ascii=False) + ": ")
            _write(scalar[index], out)
        out.add("}")
    elif isinstance(scalar, (pa.ListScalar, pa.LargeListScalar, pa.FixedSizeListScalar)):
        out.add("[")
        values = scalar.values
        for index in range(len(values)):
            out.add(", " if index else "")
            _write(values[index], out)
        out.add("]")
    else:
        _write_leaf(scalar, out)


def _write_map(entries: pa.StructArray, out: _Text) -> None:
    out.add("{")
    keys, values = entries.field(0), entries.field(1)
    for index in range(len(entries)):
        out.add(", " if index else "")
        _write(keys[index], out)
        out.add(": ")
        _write(values[index], out)
    out.add("}")


def _write_leaf(scalar: pa.Scalar, out: _Text) -> None:
    value = scalar.as_py()
    if isinstance(value, str):
        value = value[: out.left + 1]
    elif isinstance(value, bytes):
        value = value[: out.left // 2 + 1].hex()
    out.add(json.dumps(_json_value(value), ensure_ascii=False))


def _json_value(value: Any) -> Cell:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)
