"""ONNX models, run with onnxruntime: a graph of standard operators and its weights, no code.

The package holds the one ``model.onnx`` file; a model whose tensors live in external data files is
refused on save and on load (their locations are paths that could point outside the package), and the
runtime is given the model's bytes, never a path to resolve files from.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tether.errors import InvalidInput, UnsafeModel
from tether.models.flavors.base import as_array, defined_in, no_device, no_options

MODEL_FILE = "model.onnx"


class OnnxModel:
    """An inference session whose ``predict`` feeds the model's first input and returns its first output."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.input_name = session.get_inputs()[0].name

    def predict(self, data: Any) -> np.ndarray:
        values = as_array(data)
        result: np.ndarray = self.session.run(None, {self.input_name: values})[0]
        return result


class OnnxFlavor:
    name = "onnx"
    framework = "onnxruntime"
    uses_pickle = False

    def accepts(self, model: object) -> bool:
        return defined_in(model, "onnx") and type(model).__name__ == "ModelProto"

    def save(self, model: Any, folder: Path, options: Mapping[str, Any]) -> None:
        import onnx

        no_options(self.name, options)
        _require_one_file(model)
        onnx.save_model(model, str(folder / MODEL_FILE))

    def predictor(self, model: Any) -> object:
        import onnxruntime

        _require_one_file(model)
        return OnnxModel(
            onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        )

    def prepare(self) -> None:
        import onnx  # noqa: F401
        import onnxruntime  # noqa: F401

    def load(self, folder: Path, device: str | None = None) -> object:
        import onnx

        no_device(self.name, device)
        model = onnx.load_model(str(folder / MODEL_FILE), load_external_data=False)
        if _external(model):
            raise UnsafeModel("the ONNX package refers to external data files, which a package never holds")
        return self.predictor(model)

    def requirements(self) -> list[str]:
        return ["onnxruntime", "onnx", "numpy"]


def _require_one_file(model: Any) -> None:
    if _external(model):
        raise InvalidInput("the ONNX model keeps tensors in external files; save it as one file first")


def _external(model: Any) -> bool:
    import onnx

    return any(tensor.data_location == onnx.TensorProto.EXTERNAL for tensor in model.graph.initializer)
