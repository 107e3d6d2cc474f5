"""ONNX packages: a graph built here round-trips and runs in onnxruntime; external data is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from tether.errors import InvalidInput, UnsafeModel
from tether.models import manifest as manifests
from tether.models.package import load_package, save_package
from tether.models.signatures import TensorSpec

WEIGHTS = np.arange(8, dtype=np.float32).reshape(4, 2) / 10
BIAS = np.array([0.5, -0.5], dtype=np.float32)


def linear_model() -> onnx.ModelProto:
    """y = x @ W + b, with a free batch axis."""
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])],
        "linear",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 2])],
        initializer=[numpy_helper.from_array(WEIGHTS, "W"), numpy_helper.from_array(BIAS, "b")],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def rows(count: int = 6) -> np.ndarray:
    return np.random.default_rng(1).normal(size=(count, 4)).astype(np.float32)


def test_an_onnx_graph_round_trips(tmp_path: Path) -> None:
    manifest = save_package(linear_model(), tmp_path / "pkg", rows(3))
    assert manifest.flavor == "onnx" and manifest.requirements[0].startswith("onnxruntime==")
    assert manifest.signature.outputs == TensorSpec(dtype="float32", shape=[None, 2])
    data = rows(20)
    np.testing.assert_allclose(load_package(tmp_path / "pkg").predict(data), data @ WEIGHTS + BIAS, rtol=1e-6)


def test_external_data_is_refused(tmp_path: Path) -> None:
    model = linear_model()
    onnx.external_data_helper.convert_model_to_external_data(model, size_threshold=0, location="weights.bin")
    with pytest.raises(InvalidInput, match="external files"):
        save_package(model, tmp_path / "a", rows(2))
    folder = tmp_path / "b"
    manifest = save_package(linear_model(), folder, rows(2))
    onnx.save_model(model, str(folder / "model.onnx"), save_as_external_data=True, location="weights.bin")
    manifests.write(folder, manifest.model_copy(update={"files": manifests.files_of(folder)}))  # re-hashed
    with pytest.raises(UnsafeModel, match="external data"):
        load_package(folder)
