"""Which column is what: features by kind, the target, the prediction(s), an id.

Anything the user does not say is inferred from the reference data's Arrow types (and, for strings, from
how long and how varied the values are), so ``Report.run(reference=..., current=...)`` works with no
mapping at all while every guess can be overridden.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field

from tether.errors import InvalidData, InvalidInput
from tether.monitoring.data.kinds import ColumnKind, Task
from tether.monitoring.data.sources import Dataset

TEXT_MIN_MEAN_LENGTH = 30
"""A string column whose values average this many characters or more is read as free text."""
CLASSIFICATION_MAX_CLASSES = 50
"""An integer target with at most this many distinct values makes a classification task."""
_SAMPLE_ROWS = 10_000


class ColumnMapping(BaseModel):
    """What the user says about columns; ``None`` means "infer it"."""

    model_config = ConfigDict(extra="forbid")

    target: str | None = None
    prediction: str | list[str] | None = None
    """One column of labels or scores, or one probability column per class (named by class)."""
    id: str | None = None
    task: Task | None = None
    pos_label: str | int | bool = 1
    numeric: list[str] | None = None
    categorical: list[str] | None = None
    text: list[str] | None = None
    datetime: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)


class ResolvedMapping(BaseModel):
    """The mapping a report ran with: every feature column has a kind."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kinds: dict[str, ColumnKind]
    target: str | None
    prediction: list[str]
    id: str | None
    task: Task | None
    pos_label: str | int | bool
    exclude: list[str] = Field(default_factory=list)
    """Columns the user left out of every metric."""

    def columns_of(self, kind: ColumnKind) -> list[str]:
        return [name for name, found in self.kinds.items() if found == kind]


def resolve(mapping: ColumnMapping, reference: Dataset, current: Dataset) -> ResolvedMapping:
    """Check the mapping against both datasets and fill in what it leaves open."""
    if reference.num_rows == 0:
        raise InvalidData("the reference data has no rows")
    if current.num_rows == 0:
        raise InvalidData("the current data has no rows")
    predictions = _as_list(mapping.prediction)
    roles = [name for name in (mapping.target, mapping.id, *predictions) if name]
    for name in roles:
        if name not in reference.columns and name not in current.columns:
            raise InvalidData(f"column {name!r} is in neither the reference nor the current data")
    for name in _declared(mapping):
        _require_column(name, reference, current)
    explicit = _explicit_kinds(mapping)
    skip = set(roles) | set(mapping.exclude)
    kinds: dict[str, ColumnKind] = {}
    for name in reference.columns:
        if name in skip:
            continue
        if name not in current.columns:
            continue
        kinds[name] = explicit.get(name) or infer_kind(reference, name)
    task = mapping.task or _infer_task(mapping.target, _task_source(mapping.target, reference, current))
    return ResolvedMapping(
        kinds=kinds,
        target=mapping.target,
        prediction=predictions,
        id=mapping.id,
        task=task if mapping.target or predictions else None,
        pos_label=mapping.pos_label,
        exclude=list(mapping.exclude),
    )


def missing_columns(reference: Dataset, current: Dataset) -> tuple[list[str], list[str]]:
    """Columns only in the reference, and columns only in the current data."""
    ref, cur = set(reference.columns), set(current.columns)
    return [c for c in reference.columns if c not in cur], [c for c in current.columns if c not in ref]


def infer_kind(data: Dataset, column: str) -> ColumnKind:
    """A column's kind from its Arrow type; strings are text when long on average, else categorical."""
    if data.profile is not None and column in data.profile.kinds:
        return data.profile.kinds[column]
    kind = data.type_of(column)
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_boolean(kind):
        return "categorical"
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "numeric"
    if pa.types.is_temporal(kind):
        return "datetime"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "text" if _mean_length(data, column) >= TEXT_MIN_MEAN_LENGTH else "categorical"
    return "categorical"


def countable(kind: pa.DataType) -> bool:
    """Whether values of this type can be counted as categories: flat values (numbers, strings, booleans,
    dates…), not lists, structs or maps, which Arrow cannot count and a drift test cannot compare."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return not (pa.types.is_nested(kind) or isinstance(kind, pa.ExtensionType))


def _mean_length(data: Dataset, column: str) -> float:
    batch = next(data.batches([column]), None)
    if batch is None or batch.num_rows == 0:
        return 0.0
    values = batch.column(0).slice(0, _SAMPLE_ROWS)
    if pa.types.is_dictionary(values.type):
        values = values.cast(values.type.value_type)
    mean = pc.mean(pc.utf8_length(values)).as_py()
    return float(mean or 0.0)


def _task_source(target: str | None, reference: Dataset, current: Dataset) -> Dataset:
    """The data to infer the task from: the reference, unless it lacks the target or its rows (a profile)."""
    if target in reference.columns and (reference.profile is None or target not in current.columns):
        return reference
    return current


def _infer_task(target: str | None, reference: Dataset) -> Task | None:
    if target is None:
        return None
    if reference.profile is not None:
        return reference.profile.task
    kind = reference.type_of(target)
    if pa.types.is_floating(kind):
        return "regression"
    if pa.types.is_integer(kind):
        distinct = pc.count_distinct(reference.column_values(target)).as_py()
        return "classification" if distinct <= CLASSIFICATION_MAX_CLASSES else "regression"
    return "classification"


def _explicit_kinds(mapping: ColumnMapping) -> dict[str, ColumnKind]:
    found: dict[str, ColumnKind] = {}
    for kind in ("numeric", "categorical", "text", "datetime"):
        for name in getattr(mapping, kind) or []:
            if name in found:
                raise InvalidInput(f"column {name!r} is declared both {found[name]} and {kind}")
            found[name] = kind
    return found


def _declared(mapping: ColumnMapping) -> list[str]:
    return [
        name
        for kind in ("numeric", "categorical", "text", "datetime")
        for name in getattr(mapping, kind) or []
    ]


def _require_column(name: str, reference: Dataset, current: Dataset) -> None:
    for data in (reference, current):
        if name not in data.columns:
            raise InvalidData(
                f"column {name!r} is not in the {data.name} data (it has {_preview(data.columns)})"
            )


def _preview(columns: list[str]) -> str:
    shown = ", ".join(repr(c) for c in columns[:8])
    return shown + (f" and {len(columns) - 8} more" if len(columns) > 8 else "")


def _as_list(value: str | list[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
