"""Fixed pseudo-random samples of a column's values that do not depend on how rows are split into batches.

Each row index gets a key (SplitMix64) and a sample keeps the values whose keys are lowest (bottom-k), so
reading a Parquet file 1,000 rows at a time keeps exactly the values that reading it whole would.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

Keys = npt.NDArray[np.uint64]
Floats = npt.NDArray[np.float64]

SAMPLE_ROWS = 5_000
"""Values kept per sample: all of them up to this many."""


def row_keys(start: int, count: int) -> Keys:
    """A fixed pseudo-random key per row index (SplitMix64), so the sample ignores batch boundaries."""
    keys = np.arange(start, start + count, dtype=np.uint64)
    keys += np.uint64(0x9E3779B97F4A7C15)
    keys = (keys ^ (keys >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    keys = (keys ^ (keys >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    result: Keys = keys ^ (keys >> np.uint64(31))
    return result


@dataclass
class KeyedSample:
    """The ``SAMPLE_ROWS`` values whose row keys are lowest (bottom-k sampling)."""

    keys: Keys = field(default_factory=lambda: np.empty(0, np.uint64))
    values: Floats = field(default_factory=lambda: np.empty(0))

    def offer(self, keys: Keys, values: Floats) -> None:
        if self.keys.size >= SAMPLE_ROWS:
            wanted = keys < self.keys.max()
            keys, values = keys[wanted], values[wanted]
        if keys.size == 0:
            return
        merged_keys = np.concatenate([self.keys, keys])
        merged_values = np.concatenate([self.values, values])
        if merged_keys.size > SAMPLE_ROWS:
            keep = np.argpartition(merged_keys, SAMPLE_ROWS - 1)[:SAMPLE_ROWS]
            merged_keys, merged_values = merged_keys[keep], merged_values[keep]
        self.keys, self.values = merged_keys, merged_values

    def ordered(self) -> KeyedSample:
        """The same sample sorted by key, so equal samples serialise identically."""
        order = np.argsort(self.keys, kind="stable")
        return KeyedSample(self.keys[order], self.values[order])

    def merged(self, other: KeyedSample) -> KeyedSample:
        both = KeyedSample(self.keys, self.values)
        both.offer(other.keys, other.values)
        return both.ordered()

    def to_dict(self) -> dict[str, Any]:
        return {"keys": self.keys.tolist(), "values": self.values.tolist()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> KeyedSample:
        if not data:
            return cls()
        return cls(np.asarray(data["keys"], np.uint64), np.asarray(data["values"], np.float64))
