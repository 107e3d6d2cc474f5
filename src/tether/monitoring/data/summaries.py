"""Per-column summaries: counts, missing values, min/max, histograms on bins fixed from the reference,
category counts and a capped sample of exact values.

A summary depends only on the rows, not on how they were split into batches (``summarize.py`` builds
them batch by batch), so summaries of the same bins merge, and they serialise to JSON, so a reference is
summarised once and compared with many current batches.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from tether.monitoring.data.sampling import SAMPLE_ROWS, KeyedSample, Keys
from tether.monitoring.stattests.base import Counts, Floats, Label

FINE_BINS = 200
"""Quantile bins of the reference that numeric counts are kept on."""
COARSE_BINS = 10
"""Wider quantile bins (a subset of the fine edges) that share-based tests (PSI, KL…) compare."""

SummaryKind = Literal["numeric", "categorical", "text", "datetime"]
"""How a column is summarised: a feature by its kind, a target or prediction by its role."""


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
            minimum=pick_known(min, self.minimum, other.minimum),
            maximum=pick_known(max, self.maximum, other.maximum),
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


def pick_known(choose: Any, first: float | None, second: float | None) -> float | None:
    known = [value for value in (first, second) if value is not None]
    return float(choose(known)) if known else None


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
