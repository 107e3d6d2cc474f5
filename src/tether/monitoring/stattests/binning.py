"""Reading binned counts as distributions: shares on wide bins, and the CDF gap between the two sides.

Inside each bin a value equal to the bin's left edge is a point mass and every other value is taken as
spread evenly over the bin, so both CDFs are piecewise linear and the distance between them integrates
in closed form. Discrete columns (every value on an edge) come out exact. Beyond the reference's range
the values themselves are kept (up to 5,000 per end), so the area there is exact too, or estimated from
a fixed sample.
"""

from __future__ import annotations

import math

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


def magnitude(*values: Floats) -> float:
    """A scale to divide values by before squaring or subtracting them: 1 for ordinary numbers, else a
    power of two at least as large as the largest one (so the division is exact and nothing overflows)."""
    largest = max((float(np.max(np.abs(v))) for v in values if v.size), default=0.0)
    if largest <= _SAFE_MAGNITUDE:
        return 1.0
    return math.ldexp(1.0, min(math.frexp(largest)[1], 1023))  # 2**1024 is not a float


_SAFE_MAGNITUDE = 2.0**64


def wasserstein(binned: Binned, scale: float = 1.0) -> float:
    """∫|F_ref − F_cur| dx in units of ``scale``: over the piecewise-linear CDFs inside the reference's
    range, and from the values themselves beyond it."""
    left, right, start, end = _segments(binned)
    width = np.maximum(right / scale - left / scale, 0.0)
    size = np.abs(start) + np.abs(end)
    same_sign = start * end >= 0
    crossing = np.divide(start**2 + end**2, 2 * size, out=np.zeros_like(size), where=size > 0)
    areas = width * np.where(same_sign, size / 2, crossing)
    below = _tail_area(binned, False, scale, float(areas[0]))
    above = _tail_area(binned, True, scale, float(areas[-1]))
    return float(np.sum(areas[1:-1])) + below + above


def _tail_area(binned: Binned, upper: bool, scale: float, spread: float) -> float:
    """The CDF gap integrated beyond one end of the reference's range, from the values kept there.

    Beyond the last edge the gap is the difference of the shares of each side above x, a step function
    of the kept values; each kept value stands for ``count / kept`` of its side's rows. ``spread`` (the
    bin read as spread evenly) is the answer only when a side has values there but none were kept.
    """
    last = binned.reference.size - 1
    if upper:
        edge = float(binned.edges[-1])
        counts = (
            int(binned.reference[last] - binned.reference_atoms[last]),
            int(binned.current[last] - binned.current_atoms[last]),
        )
        kept = (binned.reference_above, binned.current_above)
    else:
        edge = float(binned.edges[0])
        counts = (int(binned.reference[0]), int(binned.current[0]))
        kept = (binned.reference_below, binned.current_below)
    if any(count and values.size == 0 for count, values in zip(counts, kept, strict=True)):
        return spread
    sign = 1.0 if upper else -1.0
    distances = [np.sort(sign * (values / scale - edge / scale)) for values in kept]
    points = np.sort(np.concatenate(distances))
    if points.size == 0:
        return 0.0
    starts = np.concatenate([[0.0], points[:-1]])
    shares = []
    for count, total, found in zip(
        counts, (binned.reference_total, binned.current_total), distances, strict=True
    ):
        weight = count / (found.size * total) if found.size and total else 0.0
        shares.append(weight * (found.size - np.searchsorted(found, starts, side="right")))
    return float(np.sum((points - starts) * np.abs(shares[0] - shares[1])))


def ks_statistic(binned: Binned) -> float:
    """sup |F_ref − F_cur|: with piecewise-linear CDFs the largest gap is at a bin end."""
    _, _, start, end = _segments(binned)
    return float(max(np.abs(start).max(), np.abs(end).max()))


def reference_std(binned: Binned, scale: float = 1.0) -> float:
    """The reference's standard deviation under the same reading of the bins (point masses, even spread),
    in units of ``scale``."""
    counts = binned.reference.astype(np.float64)
    atoms = binned.reference_atoms.astype(np.float64)
    total = counts.sum()
    if total <= 0:
        return 0.0
    edges = binned.edges / scale
    centre = float(np.median(edges))
    left = np.concatenate([[binned.low / scale], edges]) - centre
    right = np.concatenate([edges, [binned.high / scale]]) - centre
    spread = counts - atoms
    first = (atoms * left + spread * (left + right) / 2).sum() / total
    second = (atoms * left**2 + spread * (left**2 + left * right + right**2) / 3).sum() / total
    return float(np.sqrt(max(second - first**2, 0.0)))
