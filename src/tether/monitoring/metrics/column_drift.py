"""How one column's drift is measured: both sides' summaries become a stat test's observed data, the
test gives a score, and the shares on common bins become a chart."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tether.errors import InvalidData
from tether.monitoring import stattests
from tether.monitoring.data.summaries import CategoricalSummary, ColumnSummary, NumericSummary
from tether.monitoring.results import Distribution
from tether.monitoring.stattests.base import Binned, CategoricalData, ColumnData, Label, NumericData
from tether.monitoring.stattests.binning import coarse_counts

TOP_CATEGORIES = 20
"""Categories shown by name in a chart; the rest are added up as "other"."""


@dataclass(frozen=True)
class ColumnDrift:
    """The outcome for one column, as shown in the drift table."""

    column: str
    kind: str
    stattest: str
    score: float
    threshold: float
    drifted: bool
    distribution: Distribution


def measure(
    column: str,
    kind: str,
    reference: ColumnSummary,
    current: ColumnSummary,
    stattest: str | None = None,
    threshold: float | None = None,
) -> ColumnDrift:
    """Score one column; ``InvalidData`` (shown as "not computed") when it cannot be compared."""
    for side, summary in (("reference", reference), ("current", current)):
        if summary.present == 0:
            raise InvalidData(f"every value of {column!r} is missing in the {side} data")
    data = observed(reference, current)
    test = stattests.get(stattest or stattests.default_for(data))
    score = test.score(data)
    limit = test.default_threshold if threshold is None else threshold
    return ColumnDrift(
        column=column,
        kind=kind,
        stattest=test.name,
        score=score,
        threshold=limit,
        drifted=test.drifted(score, limit),
        distribution=distribution(column, data),
    )


def observed(reference: ColumnSummary, current: ColumnSummary) -> ColumnData:
    """The two summaries as a stat test reads them."""
    if isinstance(reference, CategoricalSummary) and isinstance(current, CategoricalSummary):
        return _categorical(reference, current)
    if isinstance(reference, NumericSummary) and isinstance(current, NumericSummary):
        return _numeric(reference, current)
    raise InvalidData("the column was summarised as numeric on one side and categorical on the other")


def _categorical(reference: CategoricalSummary, current: CategoricalSummary) -> CategoricalData:
    position: dict[Label, int] = {label: i for i, label in enumerate(reference.labels)}
    labels = list(reference.labels)
    for label in current.labels:
        if label not in position:
            position[label] = len(labels)
            labels.append(label)
    current_counts = np.zeros(len(labels), np.int64)
    if current.labels:
        current_counts[[position[label] for label in current.labels]] = current.counts
    reference_counts = np.zeros(len(labels), np.int64)
    reference_counts[: len(reference.labels)] = reference.counts
    return CategoricalData(labels, reference_counts, current_counts)


def _numeric(reference: NumericSummary, current: NumericSummary) -> NumericData:
    ref_low, ref_high, cur_low, cur_high = (
        reference.minimum,
        reference.maximum,
        current.minimum,
        current.maximum,
    )
    if reference.bins is None or ref_low is None or ref_high is None or cur_low is None or cur_high is None:
        raise InvalidData("the column has no values to compare")
    if current.bins is None or not np.array_equal(reference.bins.edges, current.bins.edges):
        raise InvalidData("the current data was summarised on other bins than the reference")
    binned = Binned(
        edges=reference.bins.edges,
        reference=reference.counts,
        current=current.counts,
        reference_atoms=reference.atoms,
        current_atoms=current.atoms,
        low=min(ref_low, cur_low),
        high=max(ref_high, cur_high),
        coarse=reference.bins.coarse,
        reference_below=reference.below.values,
        reference_above=reference.above.values,
        current_below=current.below.values,
        current_above=current.above.values,
    )
    whole = reference.whole and current.whole
    return NumericData(
        binned=binned,
        reference_values=reference.sample_values if whole else None,
        current_values=current.sample_values if whole else None,
        reference_sample=reference.sample_values,
        current_sample=current.sample_values,
    )


def distribution(column: str, data: ColumnData) -> Distribution:
    """Reference and current shares: on the wide quantile bins, or per category (top ones + "other")."""
    if isinstance(data, CategoricalData):
        return _category_chart(column, data)
    binned = data.binned
    reference = coarse_counts(binned.reference, binned.reference_atoms, binned.coarse)
    current = coarse_counts(binned.current, binned.current_atoms, binned.coarse)
    inner = binned.edges[binned.coarse]
    if inner.size == 1:
        inner = np.repeat(inner, 2)
    edges = np.concatenate([[binned.low], inner, [binned.high]])
    keep = np.ones(reference.size, bool)
    keep[0] = reference[0] + current[0] > 0
    keep[-1] = reference[-1] + current[-1] > 0
    edge_keep = np.concatenate([[keep[0]], np.ones(edges.size - 2, bool), [keep[-1]]])
    return Distribution(
        name=f"distribution.{column}",
        title=column,
        numeric=True,
        bins=[float(e) for e in edges[edge_keep]],
        reference=_shares(reference[keep]),
        current=_shares(current[keep]),
    )


def _category_chart(column: str, data: CategoricalData) -> Distribution:
    order = np.argsort(-(data.reference + data.current), kind="stable")
    shown, rest = order[:TOP_CATEGORIES], order[TOP_CATEGORIES:]
    labels: list[str | float | int | bool | None] = [data.labels[i] for i in shown]
    reference = data.reference[shown].astype(np.float64)
    current = data.current[shown].astype(np.float64)
    if rest.size:
        labels.append("other")
        reference = np.append(reference, data.reference[rest].sum())
        current = np.append(current, data.current[rest].sum())
    return Distribution(
        name=f"distribution.{column}",
        title=column,
        numeric=False,
        bins=labels,
        reference=_shares(reference),
        current=_shares(current),
    )


def _shares(counts: np.ndarray) -> list[float]:
    total = float(counts.sum())
    return [float(c) / total if total > 0 else 0.0 for c in counts]
