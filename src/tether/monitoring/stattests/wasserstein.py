"""First Wasserstein distance, divided by the reference's standard deviation so that one threshold fits
every column's scale."""

from __future__ import annotations

import numpy as np
from scipy import stats

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import NumericData, StatTest

MIN_NORM = 0.001
"""The divisor's floor, so that a constant reference column does not divide by zero."""


def wasserstein_normed(data: NumericData) -> float:
    """SciPy's ``wasserstein_distance`` on the values when kept whole; else integrated on the bins."""
    if data.reference_values is not None and data.current_values is not None:
        distance = stats.wasserstein_distance(data.reference_values, data.current_values)
        return float(distance / max(float(np.std(data.reference_values)), MIN_NORM))
    return binning.wasserstein(data.binned) / max(binning.reference_std(data.binned), MIN_NORM)


WASSERSTEIN = StatTest(
    name="wasserstein",
    title="Wasserstein distance (normed)",
    kind="distance",
    default_threshold=0.1,
    numeric=wasserstein_normed,
)
