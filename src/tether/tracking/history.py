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
    order = np.lexsort((values[index], bucket))
    ordered_buckets = bucket[order]
    starts = np.flatnonzero(np.r_[True, ordered_buckets[1:] != ordered_buckets[:-1]])
    ends = np.r_[starts[1:], len(order)] - 1
    keep = np.concatenate([index[order[starts]], index[order[ends]], index[[0, -1]]])
    return np.unique(keep)
