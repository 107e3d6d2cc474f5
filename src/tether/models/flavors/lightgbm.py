"""LightGBM models (the scikit-learn wrappers and plain Boosters) in LightGBM's own text format.

The text format holds trees and parameters only, so loading runs no code from the package. A classifier's
labels are kept in ``flavor.json``; loading rebuilds a model whose ``predict`` returns those labels and
whose ``predict_proba`` returns one column per label, as the wrapper did.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tether.errors import CorruptPackage
from tether.models.flavors.base import defined_in, no_device, no_options
from tether.models.flavors.options import one_of, read_options, write_options

MODEL_FILE = "model.txt"
KINDS = ("classifier", "regressor", "booster")
_KIND_OF = {
    "LGBMClassifier": "classifier",
    "LGBMRegressor": "regressor",
    "LGBMRanker": "regressor",
    "Booster": "booster",
}


class BoosterRegressor:
    """A Booster whose ``predict`` is the raw model output (regression, ranking, a plain Booster)."""

    def __init__(self, booster: Any) -> None:
        self.booster = booster

    def predict(self, data: Any) -> Any:
        return self.booster.predict(data)


class BoosterClassifier(BoosterRegressor):
    """A classifier's Booster with its labels: ``predict`` gives labels, ``predict_proba`` probabilities."""

    def __init__(self, booster: Any, classes: np.ndarray) -> None:
        super().__init__(booster)
        self.classes_ = classes

    def predict_proba(self, data: Any) -> np.ndarray:
        scores = np.asarray(self.booster.predict(data))
        return np.column_stack([1 - scores, scores]) if scores.ndim == 1 else scores

    def predict(self, data: Any) -> Any:
        return self.classes_[np.argmax(self.predict_proba(data), axis=1)]


class LightGBMFlavor:
    name = "lightgbm"
    framework = "lightgbm"
    uses_pickle = False

    def accepts(self, model: object) -> bool:
        return defined_in(model, "lightgbm") and type(model).__name__ in _KIND_OF

    def save(self, model: Any, folder: Path, options: Mapping[str, Any]) -> None:
        no_options(self.name, options)
        kind = _KIND_OF[type(model).__name__]
        booster = model if kind == "booster" else model.booster_
        booster.save_model(str(folder / MODEL_FILE))
        kept: dict[str, Any] = {"kind": kind}
        if kind == "classifier":
            kept["classes"] = np.asarray(model.classes_).tolist()
        write_options(folder, kept)

    def predictor(self, model: object) -> object:
        return model

    def prepare(self) -> None:
        import lightgbm  # noqa: F401

    def load(self, folder: Path, device: str | None = None) -> object:
        no_device(self.name, device)
        import lightgbm

        options = read_options(folder, self.name)
        kind = one_of(options, "kind", KINDS, self.name)
        booster = lightgbm.Booster(model_file=str(folder / MODEL_FILE))
        if kind != "classifier":
            return BoosterRegressor(booster)
        classes = options.get("classes")
        if not isinstance(classes, list) or not all(isinstance(c, (int, float, str, bool)) for c in classes):
            raise CorruptPackage("the lightgbm package's classes must be a list of numbers or strings")
        return BoosterClassifier(booster, np.asarray(classes))

    def requirements(self) -> list[str]:
        return ["lightgbm", "numpy", "scipy"]
