"""Pinned requirements: the distributions a package needs, at the versions installed when it was saved.

Versions are written exactly as installed, local labels included (``torch==2.13.0+cu128``), so the place that
loads the package can install the same build.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import metadata


def installed_version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def pinned(distributions: Iterable[str]) -> list[str]:
    """``name==version`` for each installed distribution, in the order given, once each."""
    lines = []
    for name in dict.fromkeys(distributions):
        version = installed_version(name)
        if version is not None:
            lines.append(f"{name}=={version}")
    return lines
