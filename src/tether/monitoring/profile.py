"""A reference summarised once and saved, to compare many current batches with it without the raw data.

``summarize(reference_df, target="churned")`` reads the data once (twice for numeric columns: bins are
placed from a first pass) and keeps only summaries; ``profile.save("ref.json")`` writes them as JSON and
``load_profile`` reads them back. A profile stands in for the reference in ``Report.run``: metrics that
work from summaries (the drift metrics) give the same result as with the raw reference, and metrics that
need raw rows report "not computed" with the reason.
"""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa

from tether.errors import InvalidData
from tether.monitoring.mapping import ColumnKind, ColumnMapping, ResolvedMapping, Task, countable, resolve
from tether.monitoring.sources import DEFAULT_BATCH_ROWS, DataLike, Dataset
from tether.monitoring.summaries import DatasetSummary, SummaryKind, summarize_columns

FORMAT = "tether.monitoring.profile/1"


@dataclass(frozen=True)
class ReferenceProfile:
    """The summaries of a reference dataset, with its schema and how its columns were read."""

    name: str
    num_rows: int
    schema: pa.Schema
    kinds: dict[str, ColumnKind]
    """The kind of every feature column, as the mapping resolved it."""
    target: str | None
    prediction: list[str]
    task: Task | None
    summary: DatasetSummary
    created_at: int

    def as_dataset(self, name: str = "reference") -> Dataset:
        return Dataset(name, self.schema, self.num_rows, profile=self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "name": self.name,
            "num_rows": self.num_rows,
            "created_at": self.created_at,
            "schema": base64.b64encode(self.schema.serialize().to_pybytes()).decode("ascii"),
            "kinds": self.kinds,
            "target": self.target,
            "prediction": self.prediction,
            "task": self.task,
            "summary": self.summary.to_dict(),
        }

    def save(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(json.dumps(self.to_dict(), separators=(",", ":")), encoding="utf-8")
        return target

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReferenceProfile:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise InvalidData(f"not a tether reference profile (expected format {FORMAT!r})")
        try:
            schema = pa.ipc.read_schema(pa.py_buffer(base64.b64decode(data["schema"])))
            return cls(
                name=str(data["name"]),
                num_rows=int(data["num_rows"]),
                schema=schema,
                kinds=dict(data["kinds"]),
                target=data["target"],
                prediction=list(data["prediction"]),
                task=data["task"],
                summary=DatasetSummary.from_dict(data["summary"]),
                created_at=int(data["created_at"]),
            )
        except (KeyError, TypeError, ValueError, pa.ArrowInvalid) as error:
            raise InvalidData(f"the reference profile is damaged: {error!r}") from None


def load_profile(path: str | Path) -> ReferenceProfile:
    """A profile written by ``ReferenceProfile.save``."""
    source = Path(path)
    if not source.is_file():
        raise InvalidData(f"the reference profile {str(source)!r} does not exist")
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidData(f"the reference profile {str(source)!r} is not JSON: {error}") from None
    return ReferenceProfile.from_dict(data)


def summarize(
    data: DataLike,
    target: str | None = None,
    prediction: str | list[str] | None = None,
    mapping: ColumnMapping | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    name: str = "reference",
) -> ReferenceProfile:
    """Summarise a reference dataset (pandas, Arrow, or a Parquet path read in chunks) into a profile."""
    if isinstance(data, ReferenceProfile):
        return data
    dataset = Dataset.of(data, name, batch_rows=batch_rows)
    given = mapping or ColumnMapping()
    given = given.model_copy(
        update={k: v for k, v in {"target": target, "prediction": prediction}.items() if v is not None}
    )
    resolved = resolve(given, dataset, dataset)
    return ReferenceProfile(
        name=name,
        num_rows=dataset.num_rows,
        schema=dataset.schema,
        kinds=dict(resolved.kinds),
        target=resolved.target,
        prediction=resolved.prediction,
        task=resolved.task,
        summary=summarize_columns(dataset, summary_kinds(resolved, dataset)),
        created_at=int(time.time() * 1000),
    )


def summary_kinds(mapping: ResolvedMapping, data: Dataset) -> dict[str, SummaryKind]:
    """How each column of ``data`` is summarised: features by their kind, target and predictions by role."""
    kinds: dict[str, SummaryKind] = {
        name: kind
        for name, kind in mapping.kinds.items()
        if name in data.columns and readable(data, name, kind)
    }

    for name in (mapping.target, *mapping.prediction):
        if name is not None and name in data.columns:
            role = role_kind(mapping, data, name)
            if readable(data, name, role):
                kinds[name] = role
    return kinds


def readable(data: Dataset, column: str, kind: SummaryKind) -> bool:
    """Whether a column's values can be read as its kind: categories need flat values, text needs strings,
    numbers and datetimes need a numeric type."""
    found = data.type_of(column)
    if pa.types.is_dictionary(found):
        found = found.value_type
    if kind == "categorical":
        return countable(found)
    if kind == "text":
        return bool(pa.types.is_string(found) or pa.types.is_large_string(found))
    numeric = pa.types.is_integer(found) or pa.types.is_floating(found) or pa.types.is_decimal(found)
    return bool(
        numeric or pa.types.is_boolean(found) or pa.types.is_temporal(found) or pa.types.is_null(found)
    )


def role_kind(mapping: ResolvedMapping, data: Dataset, column: str) -> SummaryKind:
    """A classification target is categorical; a prediction of floats is numeric (scores), else labels."""
    if column == mapping.target:
        return "categorical" if mapping.task == "classification" else "numeric"
    kind = data.type_of(column)
    if pa.types.is_floating(kind):
        return "numeric"
    if pa.types.is_integer(kind) and mapping.task == "regression":
        return "numeric"
    return "categorical"
