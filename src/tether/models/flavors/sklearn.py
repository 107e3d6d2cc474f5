"""scikit-learn models, stored with skops: loading builds objects of trusted types and never unpickles.

The trusted types are decided here, by the loader, and never read from the package: classes defined in
scikit-learn itself, plus what skops trusts by default (NumPy and SciPy containers, ufuncs). A package that
names any other type (a function from ``os``, a class of the user's own) is refused, naming it. Decision
trees, whose indices scikit-learn follows unchecked, are checked once built (``trees.py``).
"""

from __future__ import annotations

import importlib
import sys
import zipfile
from collections.abc import Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from tether.errors import UnsafeModel
from tether.models.flavors.base import no_device, no_options
from tether.models.flavors.trees import check_trees

MODEL_FILE = "model.skops"


class SklearnFlavor:
    name = "sklearn"
    framework = "scikit-learn"
    uses_pickle = False

    def accepts(self, model: object) -> bool:
        return type(model).__module__.split(".")[0] == "sklearn"  # subclasses of one's own: python_function

    def save(self, model: object, folder: Path, options: Mapping[str, Any]) -> None:
        no_options(self.name, options)
        # deflate at its fastest level: a forest's node arrays shrink about fivefold at no cost in time
        skops_io().dump(model, folder / MODEL_FILE, compression=zipfile.ZIP_DEFLATED, compresslevel=1)

    def predictor(self, model: object) -> object:
        return model

    def prepare(self) -> None:
        skops_io()

    def load(self, folder: Path, device: str | None = None) -> object:
        no_device(self.name, device)
        skops = skops_io()
        path = folder / MODEL_FILE
        named = skops.get_untrusted_types(file=path)
        refused = [name for name in named if not _trusted(name)]
        if refused:
            raise UnsafeModel(
                f"the scikit-learn package names types outside scikit-learn: {', '.join(refused[:5])}; "
                "loading them could run code. Save such a model with the python_function flavor and load "
                "it with allow_pickle=True if you trust where it came from"
            )
        model = skops.load(path, trusted=named)
        check_trees(model)
        return model

    def requirements(self) -> list[str]:
        return ["scikit-learn", "skops", "numpy", "scipy", "joblib", "threadpoolctl"]


_TORCH_SHIM = "sklearn.externals.array_api_compat.torch"


def skops_io() -> ModuleType:
    """``skops.io``, imported without importing PyTorch.

    skops lists scikit-learn's estimators when it is imported, and the listing walks every sklearn
    package, including the array-API shim for torch, which imports torch (over a second where torch is
    installed) although no estimator lives there. The shim is hidden for the length of that import only.
    """
    loaded: ModuleType | None = sys.modules.get("skops.io")
    if loaded is not None:
        return loaded
    hidden = _TORCH_SHIM not in sys.modules
    if hidden:
        sys.modules[_TORCH_SHIM] = None  # type: ignore[assignment]  # None makes its import fail
    try:
        module = importlib.import_module("skops.io")
    finally:
        if hidden and _TORCH_SHIM in sys.modules and sys.modules[_TORCH_SHIM] is None:
            del sys.modules[_TORCH_SHIM]
    return module


def _trusted(qualified: str) -> bool:
    """A class (not a function) defined in a scikit-learn module."""
    module_name, _, attribute = qualified.rpartition(".")
    if module_name.split(".")[0] != "sklearn":
        return False
    try:
        found = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):
        return False
    return isinstance(found, type)
