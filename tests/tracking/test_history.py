"""The downsampling algorithm, directly."""

from __future__ import annotations

import numpy as np
import pytest
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


@pytest.mark.parametrize("seed", range(5))
def test_every_bucket_keeps_its_lowest_and_highest_value(seed: int) -> None:
    rng = np.random.default_rng(seed)
    count = int(rng.integers(500, 5000))
    steps = np.sort(rng.integers(0, 3000, count)).astype(np.int64)
    values = rng.normal(size=count)
    values[rng.random(count) < 0.05] = np.nan
    keep = downsample_indices(steps, values, 100)
    finite = np.flatnonzero(~np.isnan(values))
    lo, hi, buckets = steps[finite[0]], steps[finite[-1]], (100 - 2) // 2
    bucket = np.minimum(((steps[finite] - lo) / ((hi - lo + 1) / buckets)).astype(np.int64), buckets - 1)
    kept_values = set(values[keep].tolist())
    for b in np.unique(bucket):
        inside = values[finite[bucket == b]]
        assert inside.min() in kept_values and inside.max() in kept_values
    assert len(keep) <= 100 and not np.isnan(values[keep]).any()
