"""Reading binned counts as distributions: shares on wide bins, and the CDF gap between the two sides.

Inside each bin a value equal to the bin's left edge is a point mass and every other value is taken as
spread evenly over the bin, so both CDFs are piecewise linear and the distance between them integrates
in closed form. Discrete columns (every value on an edge) come out exact.
"""

from __future__ import annotations

import numpy as np

from tether.monitoring.stattests.base import Binned, CategoricalData, ColumnData, Floats, NumericData

ZERO_SHARE = 1e-4
"""What an empty bin's share becomes for tests that take a logarithm of shares (PSI, KL), as is usual."""


def shares(data: ColumnData) -> tuple[Floats, Floats]:
    """Reference and current shares on common bins: per category, per value, or on the wide bins."""
    if isinstance(data, NumericData):
        view = data.as_categorical()
        if view is None:
            return coarse_shares(data.binned)
        data = view
    return _normalise(data.reference), _normalise(data.current)


def coarse_shares(binned: Binned) -> tuple[Floats, Floats]:
    """Shares on the wide bins, plus below-minimum and above-maximum bins when either side uses them."""
    reference = coarse_counts(binned.reference, binned.reference_atoms, binned.coarse)
    current = coarse_counts(binned.current, binned.current_atoms, binned.coarse)
    used = (reference + current) > 0
    return _normalise(reference[used]), _normalise(current[used])


def coarse_counts(counts: np.ndarray, atoms: np.ndarray, coarse: np.ndarray) -> Floats:
    """Counts below the minimum, on each wide bin (the last holds the maximum's point mass), above it."""
    last = counts.size - 1
    regular = counts[1:last].astype(np.float64)
    inner = np.add.reduceat(regular, coarse[:-1]) if regular.size and coarse.size > 1 else np.zeros(1)
    inner[-1] += atoms[last]
    return np.concatenate([[counts[0]], inner, [counts[last] - atoms[last]]]).astype(np.float64)


def _normalise(counts: np.ndarray) -> Floats:
    total = float(counts.sum())
    if total <= 0:
        return np.zeros(counts.size)
    result: Floats = counts.astype(np.float64) / total
    return result


def fill_zeros(values: Floats) -> Floats:
    """Empty bins get a small share so that logarithms stay finite."""
    return np.where(values > 0, values, ZERO_SHARE)


def categorical_shares(data: CategoricalData) -> tuple[Floats, Floats]:
    return _normalise(data.reference), _normalise(data.current)


def _segments(binned: Binned) -> tuple[Floats, Floats, Floats, Floats]:
    """Each bin's left and right ends, and the CDF gap (reference minus current) at both ends."""
    edges = binned.edges
    left = np.concatenate([[binned.low], edges])
    right = np.concatenate([edges, [binned.high]])
    start_r, end_r = _cdf_ends(binned.reference, binned.reference_atoms)
    start_c, end_c = _cdf_ends(binned.current, binned.current_atoms)
    return left, right, start_r - start_c, end_r - end_c


def _cdf_ends(counts: np.ndarray, atoms: np.ndarray) -> tuple[Floats, Floats]:
    """The CDF just after each bin's left edge (its point mass included) and at its right end."""
    total = float(counts.sum())
    before = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.float64)
    return (before + atoms) / total, (before + counts) / total


def wasserstein(binned: Binned) -> float:
    """∫|F_ref − F_cur| dx over the piecewise-linear CDFs."""
    left, right, start, end = _segments(binned)
    width = np.maximum(right - left, 0.0)
    size = np.abs(start) + np.abs(end)
    same_sign = start * end >= 0
    crossing = np.divide(start**2 + end**2, 2 * size, out=np.zeros_like(size), where=size > 0)
    mean_gap = np.where(same_sign, size / 2, crossing)
    return float(np.sum(width * mean_gap))


def ks_statistic(binned: Binned) -> float:
    """sup |F_ref − F_cur|: with piecewise-linear CDFs the largest gap is at a bin end."""
    _, _, start, end = _segments(binned)
    return float(max(np.abs(start).max(), np.abs(end).max()))


def reference_std(binned: Binned) -> float:
    """The reference's standard deviation under the same reading of the bins (point masses, even spread)."""
    counts = binned.reference.astype(np.float64)
    atoms = binned.reference_atoms.astype(np.float64)
    total = counts.sum()
    if total <= 0:
        return 0.0
    centre = float(np.median(binned.edges))
    left = np.concatenate([[binned.low], binned.edges]) - centre
    right = np.concatenate([binned.edges, [binned.high]]) - centre
    spread = counts - atoms
    first = (atoms * left + spread * (left + right) / 2).sum() / total
    second = (atoms * left**2 + spread * (left**2 + left * right + right**2) / 3).sum() / total
    return float(np.sqrt(max(second - first**2, 0.0)))
