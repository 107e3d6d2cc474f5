"""XGBoost models (the scikit-learn wrappers and plain Boosters) in XGBoost's own UBJSON format.

The format holds trees and parameters only, so loading runs no code from the package. Which wrapper class
to rebuild is kept in ``flavor.json`` and must be one of ``ESTIMATORS``; a Booster is wrapped so that
``predict`` takes the same frames and arrays as every other flavor.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tether.models.flavors.base import defined_in, no_device, no_options
from tether.models.flavors.options import one_of, read_options, write_options

MODEL_FILE = "model.ubj"
ESTIMATORS = ("XGBClassifier", "XGBRegressor", "XGBRanker", "XGBRFClassifier", "XGBRFRegressor", "Booster")


class BoosterModel:
    """A plain Booster with ``predict`` over a DataFrame or an array (no DMatrix needed)."""

    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def predict(self, data: Any) -> Any:
        return self.booster.inplace_predict(data)


class XGBoostFlavor:
    name = "xgboost"
    framework = "xgboost"
    uses_pickle = False

    def accepts(self, model: object) -> bool:
        return defined_in(model, "xgboost") and type(model).__name__ in ESTIMATORS

    def save(self, model: object, folder: Path, options: Mapping[str, Any]) -> None:
        no_options(self.name, options)
        model.save_model(folder / MODEL_FILE)  # type: ignore[attr-defined]
        write_options(folder, {"estimator": type(model).__name__})

    def predictor(self, model: object) -> object:
        return BoosterModel(model) if type(model).__name__ == "Booster" else model

    def prepare(self) -> None:
        import xgboost  # noqa: F401

    def load(self, folder: Path, device: str | None = None) -> object:
        no_device(self.name, device)
        import xgboost

        estimator = one_of(read_options(folder, self.name), "estimator", ESTIMATORS, self.name)
        model = getattr(xgboost, estimator)()
        model.load_model(folder / MODEL_FILE)
        return self.predictor(model)

    def requirements(self) -> list[str]:
        return ["xgboost", "numpy", "scipy"]
