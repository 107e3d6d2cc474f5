"""Kullback–Leibler divergence of the reference shares from the current shares."""

from __future__ import annotations

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import ColumnData, StatTest


def kl_divergence(data: ColumnData) -> float:
    """KL(ref ‖ cur) in nats, empty bins given a small share so that it stays finite."""
    from scipy import stats  # SciPy loads only when a test that needs it runs

    reference, current = binning.shares(data)
    return float(stats.entropy(binning.fill_zeros(reference), binning.fill_zeros(current)))


KL_DIV = StatTest(
    name="kl_div",
    title="Kullback–Leibler divergence",
    kind="distance",
    default_threshold=0.1,
    numeric=kl_divergence,
    categorical=kl_divergence,
)
