"""What a metric sees while a report runs: both datasets, the resolved mapping, and a shared cache.

Several metrics need the same expensive pieces (one pass over a Parquet file to build every column's
histogram, the target column as an array); ``cached`` computes each piece once per report run.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Literal, TypeVar

from tether.monitoring.data.mapping import ResolvedMapping
from tether.monitoring.data.sources import Dataset

T = TypeVar("T")
Side = Literal["reference", "current"]


class Context:
    def __init__(
        self,
        reference: Dataset,
        current: Dataset,
        mapping: ResolvedMapping,
        options: dict[str, Any] | None = None,
    ) -> None:
        self.reference = reference
        self.current = current
        self.mapping = mapping
        self.options = options or {}
        self._cache: dict[Hashable, Any] = {}

    def data(self, side: Side) -> Dataset:
        return self.reference if side == "reference" else self.current

    def cached(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()`` the first time ``key`` is asked for during this run, the stored value after."""
        if key not in self._cache:
            self._cache[key] = build()
        value: T = self._cache[key]
        return value
