"""Pinned requirements: the distributions a package needs, at the versions installed when it was saved.

Versions are written exactly as installed, local labels included (``torch==2.13.0+cu128``), so the place that
loads the package can install the same build. A name is the import name or the distribution's; when the
import comes from a differently named distribution (``xgboost`` from ``xgboost-cpu``), that one is pinned.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import metadata


def distribution_of(name: str) -> str | None:
    """The installed distribution called ``name``, or the one that provides the import ``name``."""
    try:
        metadata.version(name)
        return name
    except metadata.PackageNotFoundError:
        providers = _providers().get(name)
        return providers[0] if providers else None


def installed_version(name: str) -> str | None:
    distribution = distribution_of(name)
    return None if distribution is None else metadata.version(distribution)


def pinned(names: Iterable[str]) -> list[str]:
    """``distribution==version`` for each installed one, in the order given, once each."""
    lines: dict[str, str] = {}
    for name in names:
        distribution = distribution_of(name)
        if distribution is not None:
            lines.setdefault(distribution, f"{distribution}=={metadata.version(distribution)}")
    return list(lines.values())


@functools.cache
def _providers() -> dict[str, list[str]]:
    return {name: list(found) for name, found in metadata.packages_distributions().items()}
