"""Population Stability Index: Σ (ref − cur) · ln(ref / cur) over shares on common bins."""

from __future__ import annotations

import numpy as np

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import ColumnData, StatTest


def psi(data: ColumnData) -> float:
    reference, current = binning.shares(data)
    reference, current = binning.fill_zeros(reference), binning.fill_zeros(current)
    return float(np.sum((reference - current) * np.log(reference / current)))


PSI = StatTest(
    name="psi",
    title="Population Stability Index",
    kind="distance",
    default_threshold=0.1,
    numeric=psi,
    categorical=psi,
)
