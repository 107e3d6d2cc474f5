"""The stat tests a report can name (``STATTESTS``): the built-in ones, and any the user registers."""

from __future__ import annotations

from tether.catalog import Catalog
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

STATTESTS: Catalog[StatTest] = Catalog("stat test")
"""Every test a report can name, the built-in ones first registered here."""

for _test in BUILT_IN:
    STATTESTS.register(_test.name, _test)


def register(test: StatTest, *, replace: bool = False) -> StatTest:
    """Make ``test`` available by name to ``DataDrift(stattest=...)``; names are unique unless replaced."""
    if test.numeric is None and test.categorical is None:
        raise InvalidInput(f"stat test {test.name!r} scores neither numeric nor categorical columns")
    return STATTESTS.register(test.name, test, replace=replace)


def get(name: str) -> StatTest:
    """The test named ``name``; ``UnknownName`` lists the known ones."""
    return STATTESTS.get(name)


def names() -> list[str]:
    return STATTESTS.names()


def available() -> list[StatTest]:
    """Every registered test, by name."""
    return [test for _, test in STATTESTS.items()]
