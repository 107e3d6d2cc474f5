"""The stat tests a report can name: the built-in ones, plus any registered by the user at run time."""

from __future__ import annotations

from tether.errors import InvalidInput
from tether.monitoring.stattests.anderson import ANDERSON
from tether.monitoring.stattests.base import StatTest
from tether.monitoring.stattests.chisquare import CHISQUARE
from tether.monitoring.stattests.cramer_von_mises import CRAMER_VON_MISES
from tether.monitoring.stattests.hellinger import HELLINGER
from tether.monitoring.stattests.jensenshannon import JENSENSHANNON
from tether.monitoring.stattests.kl_div import KL_DIV
from tether.monitoring.stattests.ks import KS
from tether.monitoring.stattests.psi import PSI
from tether.monitoring.stattests.wasserstein import WASSERSTEIN
from tether.monitoring.stattests.z import Z

BUILT_IN: tuple[StatTest, ...] = (
    KS,
    CHISQUARE,
    Z,
    PSI,
    JENSENSHANNON,
    WASSERSTEIN,
    KL_DIV,
    ANDERSON,
    CRAMER_VON_MISES,
    HELLINGER,
)

_TESTS: dict[str, StatTest] = {test.name: test for test in BUILT_IN}


def register(test: StatTest, *, replace: bool = False) -> StatTest:
    """Make ``test`` available by name to ``DataDrift(stattest=...)``; names are unique unless replaced."""
    if test.numeric is None and test.categorical is None:
        raise InvalidInput(f"stat test {test.name!r} scores neither numeric nor categorical columns")
    if test.name in _TESTS and not replace:
        raise InvalidInput(f"a stat test named {test.name!r} is already registered")
    _TESTS[test.name] = test
    return test


def get(name: str) -> StatTest:
    test = _TESTS.get(name)
    if test is None:
        raise InvalidInput(f"unknown stat test {name!r}; known tests: {', '.join(names())}")
    return test


def names() -> list[str]:
    return sorted(_TESTS)


def available() -> list[StatTest]:
    """Every registered test, by name."""
    return [_TESTS[name] for name in names()]
