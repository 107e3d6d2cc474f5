"""Cramér–von Mises two-sample test, on the whole values when kept whole, else on each side's sample."""

from __future__ import annotations

from tether.errors import InvalidData
from tether.monitoring.stattests.base import NumericData, StatTest


def cramer_von_mises_p_value(data: NumericData) -> float:
    from scipy import stats  # SciPy loads only when a test that needs it runs

    reference, current = data.reference_sample, data.current_sample
    if reference.size < 2 or current.size < 2:
        raise InvalidData("the Cramér–von Mises test needs at least two values on each side")
    return float(stats.cramervonmises_2samp(reference, current).pvalue)


CRAMER_VON_MISES = StatTest(
    name="cramer_von_mises",
    title="Cramér–von Mises p-value",
    kind="p_value",
    default_threshold=0.05,
    numeric=cramer_von_mises_p_value,
)
