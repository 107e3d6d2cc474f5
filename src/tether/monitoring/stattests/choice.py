"""Which test a column gets when the report does not say: by column kind, reference size and how many
distinct values the column holds (the widely used default table, documented in monitoring-drift.md)."""

from __future__ import annotations

from tether.monitoring.stattests.base import CategoricalData, ColumnData, DataKind

SMALL_REFERENCE_ROWS = 1000
"""Up to this many non-missing reference values, p-value tests; above it, p-values of large samples flag
trivial differences, so distances with a fixed threshold are used instead."""
FEW_VALUES = 5
"""A numeric column with at most this many distinct values is tested as a categorical one."""
BINARY = 2


def default_stattest(kind: DataKind, reference_rows: int, distinct_values: int) -> str:
    """The default test's name for a column (numeric covers datetimes and text lengths too)."""
    few = kind == "categorical" or distinct_values <= FEW_VALUES
    if reference_rows <= SMALL_REFERENCE_ROWS:
        if few:
            return "z" if distinct_values <= BINARY else "chisquare"
        return "ks"
    return "jensenshannon" if few else "wasserstein"


def default_for(data: ColumnData) -> str:
    """The default test's name for a column's observed data."""
    if isinstance(data, CategoricalData):
        distinct = int(((data.reference + data.current) > 0).sum())
        return default_stattest("categorical", int(data.reference.sum()), distinct)
    return default_stattest("numeric", data.binned.reference_total, data.distinct_values())
