"""Two-sample Kolmogorov–Smirnov test: the largest gap between the two CDFs, as a p-value.

On small samples with ties SciPy's exact p-value can fail; it then falls back to the asymptotic one and
warns. The fallback is the documented answer, so the warning is silenced here.
"""

from __future__ import annotations

import warnings

import numpy as np

from tether.monitoring.stattests import binning
from tether.monitoring.stattests.base import NumericData, StatTest


def ks_p_value(data: NumericData) -> float:
    """SciPy's ``ks_2samp`` on the values when kept whole; else the same asymptotic p-value on bins."""
    from scipy import stats  # SciPy loads only when a test that needs it runs

    if data.reference_values is not None and data.current_values is not None:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore", message=".*Exact calculation unsuccessful", category=RuntimeWarning
            )
            return float(stats.ks_2samp(data.reference_values, data.current_values).pvalue)
    statistic = binning.ks_statistic(data.binned)
    n, m = data.binned.reference_total, data.binned.current_total
    return float(np.clip(stats.kstwo.sf(statistic, round(n * m / (n + m))), 0.0, 1.0))


KS = StatTest(
    name="ks",
    title="Kolmogorov–Smirnov p-value",
    kind="p_value",
    default_threshold=0.05,
    numeric=ks_p_value,
)
