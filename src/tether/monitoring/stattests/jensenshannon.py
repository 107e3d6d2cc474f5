"""Jensen–Shannon distance (natural logarithm) between the shares on common bins."""

from __future__ import annotations

from scipy.spatial import distance

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import ColumnData, StatTest


def js_distance(data: ColumnData) -> float:
    """Bounded by √ln 2; empty bins need no correction here."""
    reference, current = binning.shares(data)
    return float(distance.jensenshannon(reference, current))


JENSENSHANNON = StatTest(
    name="jensenshannon",
    title="Jensen–Shannon distance",
    kind="distance",
    default_threshold=0.1,
    numeric=js_distance,
    categorical=js_distance,
)
