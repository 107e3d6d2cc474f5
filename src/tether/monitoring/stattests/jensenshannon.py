"""Jensen–Shannon distance (natural logarithm) between the shares on common bins."""

from __future__ import annotations

import numpy as np

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import ColumnData, StatTest


def js_distance(data: ColumnData) -> float:
    """Bounded by √ln 2; empty bins need no correction here (0 · ln 0 counts as 0)."""
    reference, current = binning.shares(data)
    return jensen_shannon(reference, current)


def jensen_shannon(p: np.ndarray, q: np.ndarray) -> float:
    """The distance, as SciPy's ``jensenshannon`` defines it (both sides normalised to sum 1)."""
    p, q = p / p.sum(), q / q.sum()
    mean = (p + q) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        left = np.where(p > 0, p * np.log(p / mean), 0.0)
        right = np.where(q > 0, q * np.log(q / mean), 0.0)
    return float(np.sqrt(max(0.0, (left.sum() + right.sum()) / 2)))


JENSENSHANNON = StatTest(
    name="jensenshannon",
    title="Jensen–Shannon distance",
    kind="distance",
    default_threshold=0.1,
    numeric=js_distance,
    categorical=js_distance,
)
