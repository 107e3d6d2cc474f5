"""Any object with a ``predict`` method, stored with cloudpickle: the flavor of last resort.

Unpickling runs whatever code the file names, so such a package loads only with ``allow_pickle=True``,
for models from a source the caller trusts.
"""

from __future__ import annotations

from pathlib import Path

MODEL_FILE = "model.pkl"


class PythonFunctionFlavor:
    name = "python_function"
    framework = "cloudpickle"
    uses_pickle = True

    def accepts(self, model: object) -> bool:
        return callable(getattr(model, "predict", None))

    def save(self, model: object, folder: Path) -> None:
        import cloudpickle

        with open(folder / MODEL_FILE, "wb") as out:
            cloudpickle.dump(model, out)

    def predictor(self, model: object) -> object:
        return model

    def load(self, folder: Path) -> object:
        import cloudpickle

        with open(folder / MODEL_FILE, "rb") as source:
            return cloudpickle.load(source)

    def requirements(self) -> list[str]:
        return ["cloudpickle", "numpy", "pandas"]
