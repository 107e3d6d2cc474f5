"""The downsampling algorithm, directly."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tether.tracking.history import downsample_indices


def test_short_series_are_untouched() -> None:
    steps = np.arange(10, dtype=np.int64)
    assert list(downsample_indices(steps, steps.astype(np.float64), 10)) == list(range(10))


def test_spikes_survive() -> None:
    steps = np.arange(100_000, dtype=np.int64)
    values = np.sin(steps / 1000.0)
    values[12_345] = 50.0
    values[77_777] = -50.0
    keep = downsample_indices(steps, values, 200)
    assert len(keep) <= 200
    assert 12_345 in keep and 77_777 in keep and 0 in keep and 99_999 in keep


def test_nan_points_are_dropped() -> None:
    steps = np.arange(20, dtype=np.int64)
    values = np.where(steps % 2 == 0, np.nan, steps.astype(np.float64))
    keep = downsample_indices(steps, values, 6)
    assert all(not np.isnan(values[i]) for i in keep)
    all_nan = downsample_indices(steps, np.full(20, np.nan), 6)
    assert len(all_nan) == 0


@given(
    st.lists(st.floats(allow_nan=False, allow_infinity=False, width=32), min_size=1, max_size=500),
    st.integers(min_value=4, max_value=60),
)
def test_every_bucket_keeps_its_extremes(values: list[float], max_points: int) -> None:
    array = np.array(values, dtype=np.float64)
    steps = np.arange(len(array), dtype=np.int64) * 3
    keep = downsample_indices(steps, array, max_points)
    assert len(keep) <= max(max_points, len(array) if len(array) <= max_points else max_points)
    assert list(keep) == sorted(set(keep))
    kept = array[keep]
    assert kept.max() == array.max() and kept.min() == array.min()
