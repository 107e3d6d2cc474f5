"""The ``Flavor`` protocol: how one framework's models are saved into a package folder and read back."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from tether.errors import InvalidInput


class Flavor(Protocol):
    """One framework's way to store a model; registered in ``FLAVORS`` under ``name``."""

    name: str
    framework: str
    """The distribution whose version the manifest records (``scikit-learn``)."""
    uses_pickle: bool
    """Loading runs pickle (any code can run): such packages load only with ``allow_pickle=True``."""

    def accepts(self, model: object) -> bool:
        """Whether this flavor can save ``model``; asked without importing the framework."""
        ...

    def save(self, model: object, folder: Path, options: Mapping[str, Any]) -> None:
        """Write the model's files into ``folder`` (empty, and the package's root); ``options`` are the
        flavor's own settings from ``log_model(..., options=)``, refused when it takes none."""
        ...

    def predictor(self, model: object) -> object:
        """``model`` as something whose ``predict`` takes a DataFrame or an array (often ``model`` itself)."""
        ...

    def prepare(self) -> None:
        """Import the modules ``load`` needs; called while another thread verifies the package, so that
        the framework's import (often most of a load) overlaps hashing the files."""
        ...

    def load(self, folder: Path, device: str | None = None) -> object:
        """The model from a verified package folder, on ``device`` where the framework places models
        (None: its default); refuses anything that would run untrusted code."""
        ...

    def requirements(self) -> list[str]:
        """The distributions loading needs, the framework first."""
        ...


def defined_in(model: object, package: str) -> bool:
    """Whether the model's class, or a class it derives from, comes from ``package`` (no import needed)."""
    return any(cls.__module__.split(".")[0] == package for cls in type(model).__mro__)


def no_options(flavor: str, options: Mapping[str, Any]) -> None:
    if options:
        raise InvalidInput(f"the {flavor} flavor takes no options, got {', '.join(sorted(options))}")


def no_device(flavor: str, device: str | None) -> None:
    if device is not None:
        raise InvalidInput(f"device= places PyTorch models; a {flavor} model runs where it is loaded")


def as_array(data: Any) -> Any:
    """A table's values (columns in signature order) or an array, as the NumPy array a tensor model takes."""
    import numpy as np

    return data.to_numpy() if hasattr(data, "to_numpy") else np.asarray(data)
