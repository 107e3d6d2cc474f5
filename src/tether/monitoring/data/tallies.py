"""One streaming pass over one side of a report: the per-column tallies that data quality is judged on.

Everything here is mergeable batch by batch, so a Parquet file larger than memory is read one row group
at a time: missing counts, numeric ranges, value frequencies (exact up to a cap, then a Misra-Gries
summary whose counts are low by at most ``rows / (cap + 1)``), 64-bit row hashes for duplicates, and
shifted running sums from which a pairwise Pearson correlation matrix follows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tether.monitoring.data.mapping import countable
from tether.monitoring.data.sources import Dataset, as_float

FloatArray = npt.NDArray[np.float64]

FREQUENCY_CAP = 10_000
"""Distinct values counted exactly per column; past it the rarest are summarised (Misra-Gries)."""
SAMPLE_STRIDE = 16
"""Once a column has more than ``FREQUENCY_CAP`` distinct values, later batches are counted on every
16th row (counts scaled back up): such a column's top share is then an estimate within a fraction of a
percent, which is all the almost-constant check needs, at a sixteenth of the cost."""
_HASH_COMPACT_AT = 4_000_000
"""Row hashes kept before they are deduplicated in place, so memory follows distinct rows."""


def plain_type(kind: pa.DataType) -> pa.DataType:
    """A column's type with storage details (dictionary encoding, 64-bit offsets) taken away."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_large_string(kind):
        return pa.string()
    if pa.types.is_large_binary(kind):
        return pa.binary()
    return kind


class Frequencies:
    """How often each value occurs in one column; exact while there are at most ``cap`` distinct values."""

    def __init__(self, cap: int = FREQUENCY_CAP) -> None:
        self.cap = cap
        self.values: pa.Array | None = None
        self.counts: npt.NDArray[np.int64] = np.zeros(0, dtype=np.int64)
        self.exact = True

    def add(self, array: pa.Array) -> None:
        """Count the non-missing values of ``array`` (every ``SAMPLE_STRIDE``-th one once past the cap)."""
        weight = 1
        if not self.exact and len(array) > SAMPLE_STRIDE * 64:
            array = array.take(pa.array(np.arange(0, len(array), SAMPLE_STRIDE)))
            weight = SAMPLE_STRIDE
        present = pc.drop_null(array)
        if pa.types.is_floating(present.type):
            present = present.filter(pc.invert(pc.is_nan(present)))
        if len(present) == 0:
            return
        tallied = pc.value_counts(present)
        values, counts = tallied.field("values"), tallied.field("counts")
        if weight != 1:
            counts = pc.multiply(counts, weight)
        if self.values is not None:
            merged = pa.table(
                {
                    "v": pa.concat_arrays([self.values, values]),
                    "c": pa.concat_arrays([pa.array(self.counts), counts]),
                }
            )
            grouped = merged.group_by("v").aggregate([("c", "sum")])
            values, counts = grouped.column("v").combine_chunks(), grouped.column("c_sum").combine_chunks()
        self.values = values
        self.counts = np.asarray(counts.to_numpy(zero_copy_only=False), dtype=np.int64)
        if len(self.counts) > self.cap:
            self._prune()

    def _prune(self) -> None:
        assert self.values is not None
        order = np.argsort(-self.counts, kind="stable")
        floor = self.counts[order[self.cap]]
        keep = order[: self.cap]
        kept = self.counts[keep] - floor
        alive = kept > 0
        self.values = self.values.take(pa.array(keep[alive]))
        self.counts = kept[alive]
        self.exact = False

    @property
    def distinct(self) -> int:
        return len(self.counts)

    def top(self) -> int:
        """The count of the most common value (0 when the column holds no values)."""
        return int(self.counts.max()) if len(self.counts) else 0


class Moments:
    """Running sums over pairs of numeric columns, each pair over the rows where both are present.

    Values are shifted by a per-column centre (taken from the reference) before summing, so large
    offsets do not cancel away the precision of the variance. A column holding huge values (beyond
    2**64) is also divided by a power of two, exactly, so that its squares do not overflow: a correlation
    does not change when a column is scaled.
    """

    def __init__(self, width: int, shift: FloatArray | None = None) -> None:
        self.shift = shift
        self.scale = np.ones(width)
        self.n = np.zeros((width, width))
        self.s = np.zeros((width, width))
        self.ss = np.zeros((width, width))
        self.sxy = np.zeros((width, width))

    def add(self, matrix: FloatArray) -> None:
        if matrix.shape[0] == 0:
            return
        needed = _magnitudes(matrix)
        if self.shift is not None:
            needed = np.maximum(needed, _magnitudes(self.shift[None, :]))
        if np.any(needed > self.scale):
            self._rescale(np.maximum(self.scale, needed))
        scaled = matrix / self.scale if np.any(self.scale != 1.0) else matrix
        if self.shift is None:
            self.shift = _column_centres(scaled) * self.scale
        shifted = scaled - self.shift / self.scale
        present = np.isfinite(shifted)
        zeroed = np.where(present, shifted, 0.0)
        if present.all():
            sums = zeroed.sum(axis=0)
            squares = (zeroed * zeroed).sum(axis=0)
            self.n += float(matrix.shape[0])
            self.s += sums[:, None]
            self.ss += squares[:, None]
        else:
            weights = present.astype(np.float64)
            self.n += weights.T @ weights
            self.s += zeroed.T @ weights
            self.ss += (zeroed * zeroed).T @ weights
        self.sxy += zeroed.T @ zeroed

    def _rescale(self, scale: FloatArray) -> None:
        """Move the sums to a larger per-column scale (powers of two, so exactly)."""
        factor = self.scale / scale
        self.s *= factor[:, None]
        self.ss *= (factor * factor)[:, None]
        self.sxy *= factor[:, None] * factor[None, :]
        self.scale = scale

    def correlation(self) -> FloatArray:
        """Pearson correlation per pair; NaN where a pair has fewer than two rows or no variance."""
        n, sx, sy = self.n, self.s, self.s.T
        covariance = n * self.sxy - sx * sy
        spread = (n * self.ss - sx * sx) * (n * self.ss.T - sy * sy)
        defined = (n >= 2) & (spread > 0)
        result = np.full_like(covariance, np.nan)
        np.divide(covariance, np.sqrt(np.where(defined, spread, 1.0)), out=result, where=defined)
        clipped: FloatArray = np.clip(result, -1.0, 1.0)
        return clipped


_SAFE_MAGNITUDE = 2.0**64


def _magnitudes(matrix: FloatArray) -> FloatArray:
    """Per column: 1, or a power of two above the largest finite value when that exceeds 2**64."""
    largest = np.where(np.isfinite(matrix), np.abs(matrix), 0.0).max(axis=0)
    result: FloatArray = np.where(
        largest > _SAFE_MAGNITUDE, np.ldexp(1.0, np.minimum(np.frexp(largest)[1], 1023)), 1.0
    )
    return result


def _column_centres(matrix: FloatArray) -> FloatArray:
    finite = np.isfinite(matrix)
    counts = finite.sum(axis=0)
    sums = np.where(finite, matrix, 0.0).sum(axis=0)
    centres = np.zeros(matrix.shape[1])
    np.divide(sums, counts, out=centres, where=counts > 0)
    return centres


_NULLABLE: dict[pa.DataType, object] = {
    pa.int8(): pd.Int8Dtype(),
    pa.int16(): pd.Int16Dtype(),
    pa.int32(): pd.Int32Dtype(),
    pa.int64(): pd.Int64Dtype(),
    pa.uint8(): pd.UInt8Dtype(),
    pa.uint16(): pd.UInt16Dtype(),
    pa.uint32(): pd.UInt32Dtype(),
    pa.uint64(): pd.UInt64Dtype(),
    pa.bool_(): pd.BooleanDtype(),
}
"""Integer and boolean columns as pandas' nullable types: by default a batch holding a null turns them
into floats or objects, which hash differently, so a row's hash would depend on its batch."""


class RowHashes:
    """Distinct rows counted by 64-bit hashes of whole rows (a collision needs ~4 billion rows)."""

    def __init__(self) -> None:
        self._parts: list[npt.NDArray[np.uint64]] = []
        self._held = 0
        self.rows = 0
        self.failure: str | None = None

    def add(self, batch: pa.RecordBatch) -> None:
        if self.failure is not None or batch.num_rows == 0:
            return
        try:
            frame = batch.to_pandas(types_mapper=_NULLABLE.get)
            hashes = pd.util.hash_pandas_object(frame, index=False).to_numpy(dtype=np.uint64)
        except (TypeError, ValueError, pa.ArrowException) as error:
            self.failure = f"rows could not be hashed: {error}"
            return
        self._parts.append(hashes)
        self._held += len(hashes)
        self.rows += len(hashes)
        if self._held > _HASH_COMPACT_AT:
            self._compact()

    def _compact(self) -> None:
        unique = pd.unique(np.concatenate(self._parts))
        self._parts = [unique]
        self._held = len(unique)

    def distinct(self) -> int:
        if not self._parts:
            return 0
        self._compact()
        return self._held


@dataclass
class ColumnTally:
    """What one pass learns about one column."""

    kind: str
    arrow_type: pa.DataType
    missing: int = 0
    minimum: float | None = None
    maximum: float | None = None
    numbers: int = 0
    """Non-missing numeric values seen (the denominator of the out-of-range share)."""
    out_of_range: int = 0
    frequencies: Frequencies | None = None


@dataclass
class SideTally:
    """One side's tallies: per column, duplicates, and the numeric columns' correlation sums."""

    rows: int
    columns: dict[str, ColumnTally]
    hashes: RowHashes
    moments: Moments | None = None
    correlation_columns: list[str] = field(default_factory=list)


def tally_side(
    data: Dataset,
    kinds: dict[str, str],
    correlation_columns: Sequence[str],
    bounds: dict[str, tuple[float, float]] | None = None,
    shift: FloatArray | None = None,
) -> SideTally:
    """Read ``data`` once; with ``bounds`` (the reference's ranges) count values outside them too."""
    tallies = {name: ColumnTally(kind, data.type_of(name)) for name, kind in kinds.items()}
    for tally in tallies.values():
        if tally.kind != "text" and countable(plain_type(tally.arrow_type)):
            tally.frequencies = Frequencies()
    correlated = list(correlation_columns)
    moments = Moments(len(correlated), shift) if len(correlated) >= 2 else None
    hashes = RowHashes()
    for batch in data.batches(data.columns):
        hashes.add(batch)
        for name, tally in tallies.items():
            _tally(tally, batch.column(name), (bounds or {}).get(name))
        if moments is not None:
            moments.add(np.column_stack([as_float(batch.column(name)) for name in correlated]))
    return SideTally(data.num_rows, tallies, hashes, moments, correlated)


def _tally(tally: ColumnTally, array: pa.Array, bounds: tuple[float, float] | None) -> None:
    if pa.types.is_dictionary(array.type):
        array = array.cast(array.type.value_type)
    if pa.types.is_float16(array.type):  # Arrow's kernels (NaN checks, value counts) skip half floats
        array = array.cast(pa.float64())
    nans = int(pc.sum(pc.is_nan(array)).as_py() or 0) if pa.types.is_floating(array.type) else 0
    tally.missing += array.null_count + nans
    if tally.frequencies is not None:
        tally.frequencies.add(array)
    if tally.kind != "numeric":
        return
    numbers = as_float(array)
    numbers = numbers[~np.isnan(numbers)]
    if numbers.size == 0:
        return
    tally.numbers += numbers.size
    low, high = float(numbers.min()), float(numbers.max())
    tally.minimum = low if tally.minimum is None else min(tally.minimum, low)
    tally.maximum = high if tally.maximum is None else max(tally.maximum, high)
    if bounds is not None:
        tally.out_of_range += int(np.count_nonzero((numbers < bounds[0]) | (numbers > bounds[1])))
