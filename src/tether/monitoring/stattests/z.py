"""Z-test for two proportions: the share of the most common reference category on each side."""

from __future__ import annotations

import math

import numpy as np

from tether.monitoring.stattests.base import CategoricalData, StatTest


def z_p_value(data: CategoricalData) -> float:
    """Two-sided p-value of the pooled two-proportion Z statistic; meant for binary columns."""
    from scipy import stats  # SciPy loads only when a test that needs it runs

    n1, n2 = float(data.reference.sum()), float(data.current.sum())
    if len(data.labels) < 2 or n1 == 0 or n2 == 0:
        return 1.0
    top = int(np.argmax(data.reference))  # the most common reference category (the first on ties)
    p1, p2 = data.reference[top] / n1, data.current[top] / n2
    pooled = (data.reference[top] + data.current[top]) / (n1 + n2)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if spread == 0:
        return 1.0 if p1 == p2 else 0.0
    return float(2 * stats.norm.sf(abs((p1 - p2) / spread)))


Z = StatTest(
    name="z",
    title="Z-test p-value",
    kind="p_value",
    default_threshold=0.05,
    categorical=z_p_value,
)
