"""Tallies of one side: frequencies within the Misra-Gries bound, correlation sums that match NumPy."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from tether.monitoring.data.tallies import Frequencies, Moments


def test_frequencies_past_the_cap_stay_within_the_misra_gries_bound() -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([np.zeros(5000), rng.integers(1, 100_000, 5000)]).astype(np.int64)
    rng.shuffle(values)
    tally = Frequencies(cap=50)
    for start in range(0, values.size, 700):
        tally.add(pa.array(values[start : start + 700]))
    assert not tally.exact
    assert 5000 - values.size / 51 <= tally.top() <= 5000
    exact = Frequencies()
    exact.add(pa.array(["a", None, "a", "b"]))
    assert exact.exact and exact.top() == 2 and exact.distinct == 2


def test_moments_match_numpy_with_large_offsets_and_gaps() -> None:
    rng = np.random.default_rng(4)
    x = rng.normal(1e9, 1, 2000)
    y = (x - 1e9) * 2 + rng.normal(0, 1, 2000)
    y[::7] = np.nan
    moments = Moments(2)
    matrix = np.column_stack([x, y])
    for start in range(0, 2000, 300):
        moments.add(matrix[start : start + 300])
    keep = ~np.isnan(y)
    expected = np.corrcoef(x[keep], y[keep])[0, 1]
    assert moments.correlation()[0, 1] == pytest.approx(expected, rel=1e-9)
