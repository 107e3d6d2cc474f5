"""Statistical drift tests, by name.

Contracts: a test reads only summaries (``NumericData`` / ``CategoricalData``), never raw rows, so the
result of a chunked run equals that of an in-memory one; ``StatTest.score`` returns a p-value (drift
below the threshold) or a distance (drift at or above it) and raises ``InvalidData`` when the test does
not apply to the column. ``choice.default_for`` picks the default test of a column.
"""

from __future__ import annotations

from tether.monitoring.stattests.base import (
    Binned,
    CategoricalData,
    ColumnData,
    NumericData,
    StatTest,
    TestKind,
)
from tether.monitoring.stattests.choice import default_for, default_stattest
from tether.monitoring.stattests.registry import BUILT_IN, STATTESTS, available, get, names, register

__all__ = [
    "BUILT_IN",
    "STATTESTS",
    "Binned",
    "CategoricalData",
    "ColumnData",
    "NumericData",
    "StatTest",
    "TestKind",
    "available",
    "default_for",
    "default_stattest",
    "get",
    "names",
    "register",
]
