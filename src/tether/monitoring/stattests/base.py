"""What a drift test is, and the two shapes of observed data it reads.

A test never sees raw rows: it reads a column's summaries on both sides, so the same code serves a
frame in memory and a Parquet file read in chunks. Numeric columns arrive as counts on the reference's
bins (plus every value, when both sides are small enough to be kept whole); categorical columns as
counts per category over the categories of both sides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt

from tether.errors import InvalidData

TestKind = Literal["p_value", "distance"]
"""``p_value``: drift when the score is below the threshold; ``distance``: drift when at or above it."""
DataKind = Literal["numeric", "categorical"]

Floats = npt.NDArray[np.float64]
Counts = npt.NDArray[np.int64]
Label = float | int | str | bool

DISCRETE_MAX_VALUES = 20
"""A numeric column whose reference holds at most this many distinct values (all on bin edges) is
compared value by value by the share-based tests, as a categorical column would be."""


@dataclass(frozen=True)
class Binned:
    """Counts of both sides on the reference's bins.

    ``edges`` are e_0 < … < e_B, taken from reference values (e_0 is its minimum, e_B its maximum).
    Bin 0 holds values below e_0, bin j (1…B) values in [e_{j-1}, e_j), bin B+1 values at or above e_B.
    ``*_atoms`` count the values exactly equal to a bin's left edge: with them a discrete column is
    described exactly, and a continuous one is read as spread evenly inside each bin. The two outer bins
    are not read that way: ``*_below`` and ``*_above`` hold their values (all of them, or a fixed sample
    of 5,000), because values beyond the reference's range are rarely spread evenly up to the extreme one.
    """

    edges: Floats
    reference: Counts
    current: Counts
    reference_atoms: Counts
    current_atoms: Counts
    low: float
    """The smallest value on either side (the left end of bin 0)."""
    high: float
    """The largest value on either side (the right end of bin B+1)."""
    coarse: npt.NDArray[np.intp]
    """Indices into ``edges`` of the edges of the few wide bins that share-based tests compare."""
    reference_below: Floats = field(default_factory=lambda: np.empty(0))
    reference_above: Floats = field(default_factory=lambda: np.empty(0))
    current_below: Floats = field(default_factory=lambda: np.empty(0))
    current_above: Floats = field(default_factory=lambda: np.empty(0))

    @property
    def reference_total(self) -> int:
        return int(self.reference.sum())

    @property
    def current_total(self) -> int:
        return int(self.current.sum())


@dataclass(frozen=True)
class NumericData:
    """One numeric column (or a datetime as epoch seconds, or a text column's lengths) on both sides."""

    binned: Binned
    reference_values: Floats | None
    """Every non-missing reference value, when both sides were kept whole; else None."""
    current_values: Floats | None
    reference_sample: Floats
    """Non-missing values of a fixed pseudo-random subset of rows (all of them when kept whole)."""
    current_sample: Floats

    @property
    def exact(self) -> bool:
        return self.reference_values is not None and self.current_values is not None

    def distinct_values(self) -> int:
        """Distinct values on both sides; counted on the bin edges when the values are not kept whole.

        Values of the current data that fall between edges are counted as one more value.
        """
        if self.reference_values is not None and self.current_values is not None:
            return int(np.unique(np.concatenate([self.reference_values, self.current_values])).size)
        binned = self.binned
        if not self.reference_is_discrete():
            return int(binned.edges.size) + 1
        on_edges = int(np.count_nonzero((binned.reference_atoms + binned.current_atoms)[1:]))
        between = int((binned.current - binned.current_atoms).sum())
        return on_edges + (1 if between else 0)

    def reference_is_discrete(self) -> bool:
        """Every reference value sits on an edge, so the counts are exact per value."""
        binned = self.binned
        return bool(np.array_equal(binned.reference, binned.reference_atoms))

    def as_categorical(self) -> CategoricalData | None:
        """The column as counts per value, when the reference has few distinct values; else None."""
        binned = self.binned
        if not self.reference_is_discrete():
            return None
        atoms = binned.reference_atoms[1:]
        present = (atoms + binned.current_atoms[1:]) > 0
        if int(np.count_nonzero(atoms)) > DISCRETE_MAX_VALUES:
            return None
        labels: list[Label] = [float(v) for v in binned.edges[present]]
        reference = atoms[present]
        current = binned.current_atoms[1:][present]
        between = int((binned.current - binned.current_atoms).sum())
        if between:
            labels.append("other values")
            reference = np.append(reference, 0)
            current = np.append(current, between)
        return CategoricalData(labels, reference.astype(np.int64), current.astype(np.int64))


@dataclass(frozen=True)
class CategoricalData:
    """Counts per category on both sides, over the categories seen on either side."""

    labels: list[Label]
    reference: Counts
    current: Counts


ColumnData = NumericData | CategoricalData


@dataclass(frozen=True)
class StatTest:
    """A drift test: how to score a column of each kind, and how to read the score.

    A test that defines only ``categorical`` still applies to a numeric column with few distinct values
    (read value by value), which is how the default table uses chi-square and the Z-test on numbers.
    """

    name: str
    title: str
    kind: TestKind
    default_threshold: float
    numeric: Callable[[NumericData], float] | None = None
    categorical: Callable[[CategoricalData], float] | None = None

    @property
    def applies_to(self) -> frozenset[DataKind]:
        kinds: set[DataKind] = set()
        if self.numeric is not None:
            kinds.add("numeric")
        if self.categorical is not None:
            kinds.add("categorical")
        return frozenset(kinds)

    def score(self, data: ColumnData) -> float:
        """The test's p-value or distance; ``InvalidData`` when it cannot read this column."""
        if isinstance(data, CategoricalData):
            if self.categorical is None:
                raise InvalidData(f"the {self.name} test does not apply to categorical columns")
            return float(self.categorical(data))
        if self.numeric is not None:
            return float(self.numeric(data))
        view = data.as_categorical() if self.categorical is not None else None
        if view is None or self.categorical is None:
            raise InvalidData(
                f"the {self.name} test applies to categorical columns and to numeric columns with at most "
                f"{DISCRETE_MAX_VALUES} distinct values, and this column has more"
            )
        return float(self.categorical(view))

    def drifted(self, score: float, threshold: float) -> bool:
        if np.isnan(score):
            return False
        return score < threshold if self.kind == "p_value" else score >= threshold
