"""Metric history stored as columnar chunks: one row holds many points of one (run, key).

A chunk packs steps and timestamps (int64) and values (float64) as little-endian arrays. Writing a batch
of points is then a few row writes instead of one per point, and reading a long series is a few array
decodes. NaN and ±inf are stored exactly as they are inside the arrays.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MERGE_BELOW = 1024
"""A batch is appended to the last chunk of its key while that chunk holds fewer points than this, so a
slowly logged metric does not end up as thousands of one-point chunks."""


@dataclass(frozen=True)
class Series:
    """Points of one metric, in storage order or sorted by (step, timestamp)."""

    steps: npt.NDArray[np.int64]
    timestamps: npt.NDArray[np.int64]
    values: npt.NDArray[np.float64]

    def __len__(self) -> int:
        return len(self.steps)

    def pack(self) -> tuple[bytes, bytes, bytes]:
        return (
            self.steps.astype("<i8").tobytes(),
            self.timestamps.astype("<i8").tobytes(),
            self.values.astype("<f8").tobytes(),
        )

    @classmethod
    def unpack(cls, steps: bytes, timestamps: bytes, values: bytes) -> Series:
        return cls(
            np.frombuffer(steps, dtype="<i8").astype(np.int64),
            np.frombuffer(timestamps, dtype="<i8").astype(np.int64),
            np.frombuffer(values, dtype="<f8").astype(np.float64),
        )

    @classmethod
    def concat(cls, parts: Sequence[Series]) -> Series:
        if not parts:
            return EMPTY
        if len(parts) == 1:
            return parts[0]
        return cls(
            np.concatenate([p.steps for p in parts]),
            np.concatenate([p.timestamps for p in parts]),
            np.concatenate([p.values for p in parts]),
        )

    def sorted(self) -> Series:
        """Ordered by step, then timestamp; points logged in the same place keep their logging order."""
        step_gaps, time_gaps = np.diff(self.steps), np.diff(self.timestamps)
        if bool(np.all((step_gaps > 0) | ((step_gaps == 0) & (time_gaps >= 0)))):
            return self  # the usual case (steps logged in order): a linear check instead of a sort
        order = np.lexsort((self.timestamps, self.steps))
        return Series(self.steps[order], self.timestamps[order], self.values[order])

    def between(self, first: int | None, last: int | None) -> Series:
        """The points with ``first <= step <= last`` (either bound may be open); the series must be sorted."""
        start = 0 if first is None else int(np.searchsorted(self.steps, first, side="left"))
        stop = len(self.steps) if last is None else int(np.searchsorted(self.steps, last, side="right"))
        return Series(self.steps[start:stop], self.timestamps[start:stop], self.values[start:stop])

    def latest(self) -> int:
        """Index of the latest point: highest step, then latest timestamp, then largest value (NaN lowest)."""
        ranked_values = np.where(np.isnan(self.values), -np.inf, self.values)
        return int(np.lexsort((ranked_values, self.timestamps, self.steps))[-1])


EMPTY = Series(np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.float64))
