"""First Wasserstein distance, divided by the reference's standard deviation so that one threshold fits
every column's scale."""

from __future__ import annotations

import numpy as np

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import NumericData, StatTest

MIN_NORM = 0.001
"""The divisor's floor, so that a constant reference column does not divide by zero."""


def wasserstein_normed(data: NumericData) -> float:
    """SciPy's ``wasserstein_distance`` on the values when kept whole; else integrated on the bins.

    Both the distance and the deviation are scale-free once divided, so huge values are first divided
    by a power of two (exact) and nothing squared overflows.
    """
    if data.reference_values is not None and data.current_values is not None:
        scale = binning.magnitude(data.reference_values, data.current_values)
        reference, current = data.reference_values / scale, data.current_values / scale
        distance = wasserstein_distance(reference, current)
        return float(distance / max(float(np.std(reference)), MIN_NORM / scale))
    binned = data.binned
    scale = binning.magnitude(np.array([binned.low, binned.high]))
    return binning.wasserstein(binned, scale) / max(binning.reference_std(binned, scale), MIN_NORM / scale)


def wasserstein_distance(u: np.ndarray, v: np.ndarray) -> float:
    """The area between the two empirical CDFs (SciPy's definition), in NumPy so SciPy need not load."""
    u, v = np.sort(u), np.sort(v)
    both = np.sort(np.concatenate([u, v]))
    widths = np.diff(both)
    u_cdf = np.searchsorted(u, both[:-1], side="right") / len(u)
    v_cdf = np.searchsorted(v, both[:-1], side="right") / len(v)
    return float(np.sum(np.abs(u_cdf - v_cdf) * widths))


WASSERSTEIN = StatTest(
    name="wasserstein",
    title="Wasserstein distance (normed)",
    kind="distance",
    default_threshold=0.1,
    numeric=wasserstein_normed,
)
