"""Anderson–Darling k-sample test on two samples.

It needs individual values: those of the whole column when kept whole, else each side's fixed sample.
SciPy caps its p-value to [0.001, 0.25] and warns when it does; the cap is documented, so the warning
is silenced here.
"""

from __future__ import annotations

import warnings

import numpy as np

from tether.errors import InvalidData
from tether.monitoring.stattests.base import NumericData, StatTest


def anderson_p_value(data: NumericData) -> float:
    from scipy import stats  # SciPy loads only when a test that needs it runs

    reference, current = data.reference_sample, data.current_sample
    if min(reference.size, current.size) < 2:
        raise InvalidData("the anderson test needs at least two values on each side")
    if np.unique(np.concatenate([reference, current])).size < 2:
        return 1.0
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="p-value (capped|floored)", category=UserWarning)
        return float(stats.anderson_ksamp([reference, current], variant="midrank").pvalue)


ANDERSON = StatTest(
    name="anderson",
    title="Anderson–Darling p-value",
    kind="p_value",
    default_threshold=0.05,
    numeric=anderson_p_value,
)
