"""Hellinger distance between the shares on common bins: ‖√ref − √cur‖₂ / √2, in [0, 1]."""

from __future__ import annotations

import math

import numpy as np

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import ColumnData, StatTest


def hellinger_distance(data: ColumnData) -> float:
    reference, current = binning.shares(data)
    return float(np.linalg.norm(np.sqrt(reference) - np.sqrt(current)) / math.sqrt(2))


HELLINGER = StatTest(
    name="hellinger",
    title="Hellinger distance",
    kind="distance",
    default_threshold=0.1,
    numeric=hellinger_distance,
    categorical=hellinger_distance,
)
