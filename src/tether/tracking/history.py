"""Downsampling of a metric's history for drawing: fewer points, same visible shape.

The step range is cut into equal-width buckets and each bucket keeps its lowest and highest point, plus the
series keeps its first and last point, so spikes survive however far the series is reduced.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def downsample_indices(
    steps: npt.NDArray[np.int64], values: npt.NDArray[np.float64], max_points: int
) -> npt.NDArray[np.intp]:
    """Indices (ascending) of the points to keep; ``steps`` must be sorted. NaN points are dropped."""
    count = len(steps)
    if count <= max_points:
        return np.arange(count)
    finite = ~np.isnan(values)
    index = np.flatnonzero(finite)
    if len(index) == 0:
        return index
    buckets = max(1, (max_points - 2) // 2)
    lo, hi = int(steps[index[0]]), int(steps[index[-1]])
    width = (hi - lo + 1) / buckets
    bucket = np.minimum(((steps[index] - lo) / width).astype(np.int64), buckets - 1)
    # Steps are sorted, so each bucket is one contiguous run of points: its extremes come from reduceat
    # in linear time rather than from sorting a million values.
    finite_values = values[index]
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    segment = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(index)]))
    lows = _first_in_segment(finite_values == np.minimum.reduceat(finite_values, starts)[segment], segment)
    highs = _first_in_segment(finite_values == np.maximum.reduceat(finite_values, starts)[segment], segment)
    keep = np.concatenate([index[lows], index[highs], index[[0, -1]]])
    return np.unique(keep)


def _first_in_segment(hits: npt.NDArray[np.bool_], segment: npt.NDArray[np.int64]) -> npt.NDArray[np.intp]:
    """Position of the first True of each segment (every segment has one)."""
    positions = np.flatnonzero(hits)
    owners = segment[positions]
    return positions[np.r_[True, owners[1:] != owners[:-1]]]
