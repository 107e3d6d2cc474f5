"""Per-column summaries built batch by batch: counts, missing values, min/max, histograms on bins fixed
from the reference, category counts and a capped sample of exact values.

Everything here is exact integer counting or a choice that does not depend on how rows are split into
batches (the sample keeps the rows whose index hashes lowest), so summarising a Parquet file 1,000 rows
at a time gives the same summary as summarising the frame in memory. Summaries of the same bins merge,
and serialise to JSON, so a reference is summarised once and compared with many current batches.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from tether.monitoring.sampling import SAMPLE_ROWS, KeyedSample, Keys, row_keys
from tether.monitoring.sources import Dataset, as_float
from tether.monitoring.stattests.base import Counts, Floats, Label

FINE_BINS = 200
"""Quantile bins of the reference that numeric counts are kept on."""
COARSE_BINS = 10
"""Wider quantile bins (a subset of the fine edges) that share-based tests (PSI, KL…) compare."""

SummaryKind = Literal["numeric", "categorical", "text", "datetime"]
_SECONDS = {"s": 1.0, "ms": 1e3, "us": 1e6, "ns": 1e9}


@dataclass(frozen=True)
class Bins:
    """Fine bin edges of a numeric column (from the reference) and the indices of the coarse edges."""

    edges: Floats
    coarse: npt.NDArray[np.intp]

    @classmethod
    def from_sample(cls, values: Floats, minimum: float, maximum: float, whole: bool = False) -> Bins:
        """Quantiles of reference values, with the exact minimum and maximum at the ends.

        Quantiles are taken as values (never interpolated), so ties land on edges; when the column is kept
        whole every distinct value is an edge, which makes the reference's CDF exact at every edge.
        """
        if values.size == 0:
            values = np.array([minimum, maximum])
        quantiles = np.quantile(values, np.linspace(0.0, 1.0, FINE_BINS + 1), method="inverted_cdf")
        quantiles[0], quantiles[-1] = minimum, maximum
        quantiles = np.maximum.accumulate(quantiles)
        edges = np.unique(np.concatenate([values, [minimum, maximum]]) if whole else quantiles)
        coarse = np.unique(np.searchsorted(edges, quantiles[:: FINE_BINS // COARSE_BINS]))
        return cls(edges, coarse.astype(np.intp))


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


@dataclass(frozen=True)
class NumericSummary:
    """A numeric column (datetimes as epoch seconds, text as lengths in characters)."""

    kind: SummaryKind
    rows: int
    missing: int
    minimum: float | None
    maximum: float | None
    bins: Bins | None
    counts: Counts
    atoms: Counts
    sample_keys: Keys
    sample_values: Floats
    whole: bool
    """Whether ``sample_values`` holds every non-missing value."""
    below: KeyedSample = field(default_factory=KeyedSample)
    """Values below the first edge (all of them up to ``SAMPLE_ROWS``): how far beyond the reference's range
    current values lie is read from them, never guessed from the extreme value."""
    above: KeyedSample = field(default_factory=KeyedSample)
    """Values above the last edge, likewise."""

    @property
    def present(self) -> int:
        return self.rows - self.missing

    def merge(self, other: NumericSummary) -> NumericSummary:
        """The summary of both row sets; both must be on the same bins."""
        if self.bins is None or other.bins is None or not np.array_equal(self.bins.edges, other.bins.edges):
            raise ValueError("only summaries on the same bins can be merged")
        sample = KeyedSample(self.sample_keys, self.sample_values).merged(
            KeyedSample(other.sample_keys, other.sample_values)
        )
        rows = self.rows + other.rows
        return NumericSummary(
            kind=self.kind,
            rows=rows,
            missing=self.missing + other.missing,
            minimum=_pick(min, self.minimum, other.minimum),
            maximum=_pick(max, self.maximum, other.maximum),
            bins=self.bins,
            counts=self.counts + other.counts,
            atoms=self.atoms + other.atoms,
            sample_keys=sample.keys,
            sample_values=sample.values,
            whole=self.whole and other.whole and self.present + other.present <= SAMPLE_ROWS,
            below=self.below.merged(other.below),
            above=self.above.merged(other.above),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "missing": self.missing,
            "minimum": self.minimum,
            "maximum": self.maximum,
            "edges": None if self.bins is None else self.bins.edges.tolist(),
            "coarse": None if self.bins is None else self.bins.coarse.tolist(),
            "counts": self.counts.tolist(),
            "atoms": self.atoms.tolist(),
            "sample_keys": self.sample_keys.tolist(),
            "sample_values": self.sample_values.tolist(),
            "whole": self.whole,
            "below": self.below.to_dict(),
            "above": self.above.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NumericSummary:
        bins = None
        if data["edges"] is not None:
            bins = Bins(np.asarray(data["edges"], np.float64), np.asarray(data["coarse"], np.intp))
        return cls(
            kind=data["kind"],
            rows=int(data["rows"]),
            missing=int(data["missing"]),
            minimum=data["minimum"],
            maximum=data["maximum"],
            bins=bins,
            counts=np.asarray(data["counts"], np.int64),
            atoms=np.asarray(data["atoms"], np.int64),
            sample_keys=np.asarray(data["sample_keys"], np.uint64),
            sample_values=np.asarray(data["sample_values"], np.float64),
            whole=bool(data["whole"]),
            below=KeyedSample.from_dict(data.get("below")),
            above=KeyedSample.from_dict(data.get("above")),
        )


@dataclass(frozen=True)
class CategoricalSummary:
    """Counts per category (most frequent first); missing values are nulls and NaN."""

    rows: int
    missing: int
    labels: list[Label]
    counts: Counts
    kind: SummaryKind = "categorical"

    @property
    def present(self) -> int:
        return self.rows - self.missing

    def merge(self, other: CategoricalSummary) -> CategoricalSummary:
        totals: dict[Label, int] = dict(zip(self.labels, self.counts.tolist(), strict=True))
        for label, count in zip(other.labels, other.counts.tolist(), strict=True):
            totals[label] = totals.get(label, 0) + count
        ordered = sorted(totals.items(), key=lambda item: (-item[1], str(item[0])))
        return CategoricalSummary(
            rows=self.rows + other.rows,
            missing=self.missing + other.missing,
            labels=[label for label, _ in ordered],
            counts=np.array([count for _, count in ordered], np.int64),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "rows": self.rows,
            "missing": self.missing,
            "labels": self.labels,
            "counts": self.counts.tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CategoricalSummary:
        return cls(
            rows=int(data["rows"]),
            missing=int(data["missing"]),
            labels=list(data["labels"]),
            counts=np.asarray(data["counts"], np.int64),
        )


ColumnSummary = NumericSummary | CategoricalSummary


def summary_from_dict(data: Mapping[str, Any]) -> ColumnSummary:
    if data["kind"] == "categorical":
        return CategoricalSummary.from_dict(data)
    return NumericSummary.from_dict(data)


def _pick(choose: Any, first: float | None, second: float | None) -> float | None:
    known = [value for value in (first, second) if value is not None]
    return float(choose(known)) if known else None


# --- building summaries from a dataset ----------------------------------------------------------------


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
        self.minimum = _pick(min, self.minimum, float(values.min()))
        self.maximum = _pick(max, self.maximum, float(values.max()))
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


@dataclass(frozen=True)
class DatasetSummary:
    """Summaries of a dataset's columns, keyed by column name."""

    rows: int
    columns: dict[str, ColumnSummary]

    def bins(self) -> dict[str, Bins]:
        return {
            name: summary.bins
            for name, summary in self.columns.items()
            if isinstance(summary, NumericSummary) and summary.bins is not None
        }

    def to_dict(self) -> dict[str, Any]:
        return {"rows": self.rows, "columns": {name: s.to_dict() for name, s in self.columns.items()}}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DatasetSummary:
        columns = {name: summary_from_dict(value) for name, value in data["columns"].items()}
        return cls(int(data["rows"]), columns)


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


def present_columns(columns: Iterable[str], summary: DatasetSummary) -> list[str]:
    return [name for name in columns if name in summary.columns]
