"""Pearson's chi-square test of the current category counts against the reference shares."""

from __future__ import annotations

import numpy as np

from tether.monitoring.stattests.base import CategoricalData, StatTest


def chisquare_p_value(data: CategoricalData) -> float:
    """A category the reference never had, seen in the current data, is drift beyond doubt (p = 0)."""
    from scipy import stats  # SciPy loads only when a test that needs it runs

    reference = data.reference.astype(np.float64)
    current = data.current.astype(np.float64)
    if np.any((reference == 0) & (current > 0)):
        return 0.0
    seen = reference > 0
    if np.count_nonzero(seen) < 2:
        return 1.0
    expected = reference[seen] * (current.sum() / reference.sum())
    return float(stats.chisquare(current[seen], expected).pvalue)


CHISQUARE = StatTest(
    name="chisquare",
    title="chi-square p-value",
    kind="p_value",
    default_threshold=0.05,
    categorical=chisquare_p_value,
)
