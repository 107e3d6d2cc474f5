"""Building summaries from a dataset, batch by batch, and a saved reference profile from raw data.

Everything here is exact integer counting or a choice that does not depend on how rows are split into
batches (the sample keeps the rows whose index hashes lowest), so summarising a Parquet file 1,000 rows
at a time gives the same summary as summarising the frame in memory.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tether.monitoring.data.mapping import ColumnMapping, ResolvedMapping, countable, resolve
from tether.monitoring.data.profile import ReferenceProfile
from tether.monitoring.data.sampling import SAMPLE_ROWS, KeyedSample, Keys, row_keys
from tether.monitoring.data.sources import DEFAULT_BATCH_ROWS, DataLike, Dataset, as_float
from tether.monitoring.data.summaries import (
    Bins,
    CategoricalSummary,
    ColumnSummary,
    DatasetSummary,
    NumericSummary,
    SummaryKind,
    pick_known,
)
from tether.monitoring.stattests.base import Floats, Label

_SECONDS = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


class _Binner:
    """Bins values on fixed edges fast: a uniform lookup grid finds the bin, a check falls back to search."""

    def __init__(self, edges: Floats) -> None:
        self.edges = edges
        self.low = float(edges[0])
        self.cells = max(4096, 8 * edges.size)
        with np.errstate(over="ignore"):
            span = float(edges[-1]) - self.low
        usable = 0 < span < np.inf  # edges spanning more than the largest float are searched instead
        self.scale = self.cells / span if usable else 0.0
        starts = self.low + np.arange(self.cells + 1) / self.scale if usable else edges[:1]
        self.first = np.concatenate([[0], np.searchsorted(edges, starts, side="right")]).astype(np.intp)
        self.bounds = np.concatenate([[-np.inf], edges, [np.inf, np.inf]])

    def index(self, values: Floats) -> tuple[npt.NDArray[np.intp], Floats]:
        """Each value's bin (0…B+1) and that bin's left edge."""
        if self.scale == 0.0:
            found = np.searchsorted(self.edges, values, side="right").astype(np.intp)
            return found, self.bounds[found]
        with np.errstate(over="ignore"):  # a value too far out for a float lands in an end cell
            cell = (values - self.low) * self.scale
        np.floor(cell, out=cell)
        np.clip(cell, -1, self.cells, out=cell)
        found = self.first[cell.astype(np.intp) + 1]
        found += values >= self.bounds[found + 1]
        left = self.bounds[found]
        wrong = (left > values) | (values >= self.bounds[found + 1])
        if wrong.any():
            found[wrong] = np.searchsorted(self.edges, values[wrong], side="right")
            left = self.bounds[found]
        return found, left


def numeric_values(array: pa.Array, kind: SummaryKind) -> Floats:
    """What a numeric-like column is compared on: numbers, epoch seconds, or text lengths; NaN if missing."""
    if pa.types.is_dictionary(array.type):
        array = array.dictionary_decode()
    if kind == "text":
        return as_float(pc.utf8_length(array.cast(pa.large_string())))
    if pa.types.is_timestamp(array.type):
        return as_float(array) / _SECONDS[array.type.unit]
    if pa.types.is_date(array.type):
        return as_float(array.cast(pa.timestamp("s")).cast(pa.int64()))
    if pa.types.is_null(array.type):
        return np.full(len(array), np.nan)
    return as_float(array)


class _NumericBuilder:
    def __init__(self, kind: SummaryKind, bins: Bins | None, whole: bool) -> None:
        self.kind = kind
        self.bins = bins
        self.whole = whole
        self.binner = _Binner(bins.edges) if bins is not None else None
        size = bins.edges.size + 1 if bins is not None else 0
        self.counts = np.zeros(size, np.int64)
        self.atoms = np.zeros(size, np.int64)
        self.rows = 0
        self.missing = 0
        self.minimum: float | None = None
        self.maximum: float | None = None
        self.sample = KeyedSample()
        self.below = KeyedSample()
        self.above = KeyedSample()

    def add(self, values: Floats, keys: Keys, *, sample: bool = True, count: bool = True) -> None:
        self.rows += values.size
        finite = np.isfinite(values)
        if not finite.all():
            values, keys = values[finite], keys[finite]
        self.missing += int(finite.size - values.size)
        if values.size == 0:
            return
        self.minimum = pick_known(min, self.minimum, float(values.min()))
        self.maximum = pick_known(max, self.maximum, float(values.max()))
        if sample:
            self.sample.offer(keys, values)
        if count and self.binner is not None:
            found, left = self.binner.index(values)
            self.counts += np.bincount(found, minlength=self.counts.size)
            on_edge = values == left
            self.atoms += np.bincount(found[on_edge], minlength=self.counts.size)
            self._offer_tails(found, on_edge, values, keys)

    def _offer_tails(
        self, found: npt.NDArray[np.intp], on_edge: npt.NDArray[np.bool_], values: Floats, keys: Keys
    ) -> None:
        below = found == 0
        above = (found == self.counts.size - 1) & ~on_edge
        if below.any():
            self.below.offer(keys[below], values[below])
        if above.any():
            self.above.offer(keys[above], values[above])

    def finish(self) -> NumericSummary:
        sample = self.sample.ordered()
        return NumericSummary(
            kind=self.kind,
            rows=self.rows,
            missing=self.missing,
            minimum=self.minimum,
            maximum=self.maximum,
            bins=self.bins,
            counts=self.counts,
            atoms=self.atoms,
            sample_keys=sample.keys,
            sample_values=sample.values,
            whole=self.whole,
            below=self.below.ordered(),
            above=self.above.ordered(),
        )


class _CategoricalBuilder:
    def __init__(self) -> None:
        self.rows = 0
        self.missing = 0
        self.parts: list[pa.StructArray] = []

    def add(self, array: pa.Array) -> None:
        if pa.types.is_dictionary(array.type):
            array = array.dictionary_decode()
        if pa.types.is_float16(array.type):  # Arrow counts no half floats
            array = array.cast(pa.float64())
        self.rows += len(array)
        self.parts.append(pc.value_counts(array))

    def finish(self) -> CategoricalSummary:
        labels: list[Label] = []
        counts: list[int] = []
        missing = 0
        if self.parts:
            table = pa.Table.from_arrays(
                [
                    pa.concat_arrays([p.field("values") for p in self.parts]),
                    pa.concat_arrays([p.field("counts") for p in self.parts]),
                ],
                names=["value", "count"],
            )
            grouped = table.group_by("value").aggregate([("count", "sum")])
            grouped = grouped.sort_by([("count_sum", "descending"), ("value", "ascending")])
            for value, count in zip(
                grouped.column("value").to_pylist(), grouped.column("count_sum").to_pylist(), strict=True
            ):
                if value is None or (isinstance(value, float) and math.isnan(value)):
                    missing += int(count)
                    continue
                labels.append(value if isinstance(value, (str, int, float, bool)) else str(value))
                counts.append(int(count))
        return CategoricalSummary(self.rows, missing, labels, np.array(counts, np.int64))


def summarize_columns(
    data: Dataset, kinds: Mapping[str, SummaryKind], bins: Mapping[str, Bins] | None = None
) -> DatasetSummary:
    """Summaries of ``kinds``' columns. Without ``bins`` (a reference) numeric columns take two passes:
    the first finds min, max and the sample that places the bins, the second counts on them."""
    numeric = [name for name, kind in kinds.items() if kind != "categorical"]
    categorical = [name for name, kind in kinds.items() if kind == "categorical"]
    whole = data.num_rows <= SAMPLE_ROWS
    if bins is None:
        first = {name: _NumericBuilder(kinds[name], None, whole) for name in numeric}
        cats = {name: _CategoricalBuilder() for name in categorical}
        _scan(data, first, cats, sample=True, count=False)
        placed = {name: _place_bins(builder) for name, builder in first.items()}
        second = {name: _NumericBuilder(kinds[name], placed[name], whole) for name in numeric}
        _scan(data, second, {}, sample=False, count=True)
        for name, builder in second.items():
            builder.sample = first[name].sample
        numbers = second
    else:
        numbers = {name: _NumericBuilder(kinds[name], bins.get(name), whole) for name in numeric}
        cats = {name: _CategoricalBuilder() for name in categorical}
        _scan(data, numbers, cats, sample=True, count=True)
    columns: dict[str, ColumnSummary] = {name: builder.finish() for name, builder in numbers.items()}
    columns.update({name: builder.finish() for name, builder in cats.items()})
    return DatasetSummary(data.num_rows, {name: columns[name] for name in kinds})


def _place_bins(builder: _NumericBuilder) -> Bins | None:
    if builder.minimum is None or builder.maximum is None:
        return None
    return Bins.from_sample(builder.sample.values, builder.minimum, builder.maximum, builder.whole)


def _scan(
    data: Dataset,
    numbers: Mapping[str, _NumericBuilder],
    cats: Mapping[str, _CategoricalBuilder],
    *,
    sample: bool,
    count: bool,
) -> None:
    wanted = [*numbers, *cats]
    if not wanted:
        return
    start = 0
    for batch in data.batches(wanted):
        keys = row_keys(start, batch.num_rows)
        start += batch.num_rows
        for name, builder in numbers.items():
            values = numeric_values(batch.column(name), builder.kind)
            builder.add(values, keys, sample=sample, count=count)
        for name, cat in cats.items():
            cat.add(batch.column(name))


# --- a reference profile ---------------------------------------------------------------------------


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
