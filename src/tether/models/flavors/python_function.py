"""Any object with a ``predict`` method, stored with cloudpickle: the flavor of last resort.

Unpickling runs whatever code the file names, so such a package loads only with ``allow_pickle=True``,
for models from a source the caller trusts.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tether.models.flavors.base import no_device, no_options

MODEL_FILE = "model.pkl"


class PythonFunctionFlavor:
    name = "python_function"
    framework = "cloudpickle"
    uses_pickle = True

    def accepts(self, model: object) -> bool:
        return callable(getattr(model, "predict", None))

    def save(self, model: object, folder: Path, options: Mapping[str, Any]) -> None:
        no_options(self.name, options)
        import cloudpickle

        with open(folder / MODEL_FILE, "wb") as out:
            cloudpickle.dump(model, out)

    def predictor(self, model: object) -> object:
        return model

    def prepare(self) -> None:
        import cloudpickle  # noqa: F401

    def load(self, folder: Path, device: str | None = None) -> object:
        no_device(self.name, device)
        import cloudpickle

        with open(folder / MODEL_FILE, "rb") as source:
            return cloudpickle.load(source)

    def requirements(self) -> list[str]:
        return ["cloudpickle", "numpy", "pandas"]
