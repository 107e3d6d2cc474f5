"""Model flavors: one per framework, in the ``FLAVORS`` catalog.

``flavor_for`` picks the first flavor in ``DETECTION_ORDER`` that accepts a model, so a framework's own
safe format always wins over the pickle-based python_function flavor. A flavor's module, and so its
framework, is imported only when the flavor is used.
"""

from __future__ import annotations

from tether.catalog import Catalog
from tether.errors import InvalidInput
from tether.models.flavors.base import Flavor

FLAVORS: Catalog[Flavor] = Catalog("model flavor")

DETECTION_ORDER = ("xgboost", "lightgbm", "sklearn", "pytorch", "onnx", "python_function")
"""Frameworks with scikit-learn wrappers come before sklearn, so their own format is used for them."""


def _sklearn() -> None:
    from tether.models.flavors.sklearn import SklearnFlavor

    FLAVORS.register("sklearn", SklearnFlavor())


def _xgboost() -> None:
    from tether.models.flavors.xgboost import XGBoostFlavor

    FLAVORS.register("xgboost", XGBoostFlavor())


def _lightgbm() -> None:
    from tether.models.flavors.lightgbm import LightGBMFlavor

    FLAVORS.register("lightgbm", LightGBMFlavor())


def _pytorch() -> None:
    from tether.models.flavors.pytorch import PyTorchFlavor

    FLAVORS.register("pytorch", PyTorchFlavor())


def _onnx() -> None:
    from tether.models.flavors.onnx import OnnxFlavor

    FLAVORS.register("onnx", OnnxFlavor())


def _python_function() -> None:
    from tether.models.flavors.python_function import PythonFunctionFlavor

    FLAVORS.register("python_function", PythonFunctionFlavor())


FLAVORS.register_loader("sklearn", _sklearn)
FLAVORS.register_loader("xgboost", _xgboost)
FLAVORS.register_loader("lightgbm", _lightgbm)
FLAVORS.register_loader("pytorch", _pytorch)
FLAVORS.register_loader("onnx", _onnx)
FLAVORS.register_loader("python_function", _python_function)


def flavor_for(model: object, name: str | None = None) -> Flavor:
    """The named flavor, or the first that accepts ``model``."""
    if name is not None:
        flavor = FLAVORS.get(name)
        if not flavor.accepts(model):
            raise InvalidInput(f"the {name} flavor cannot save a {type(model).__qualname__}")
        return flavor
    for candidate in DETECTION_ORDER:
        flavor = FLAVORS.get(candidate)
        if flavor.accepts(model):
            return flavor
    raise InvalidInput(
        f"no flavor can save a {type(model).__qualname__}: known flavors are {', '.join(FLAVORS.names())}; "
        "any object with a predict method can be saved as python_function"
    )
