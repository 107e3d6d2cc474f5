"""PyTorch packages: weights in safetensors plus an importable module class, loaded in a fresh process,
and the refusals (a class no one can import, a name that is no module class, weights that do not fit)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression
from tests.models.fresh import predict_in_fresh_process
from tests.models.torch_nets import MLP, Normalised

from tether.errors import CorruptPackage, InvalidInput, SignatureMismatch, UnsafeModel
from tether.models import manifest as manifests
from tether.models.flavors.options import OPTIONS_FILE
from tether.models.package import load_package, save_package
from tether.models.signatures import TensorSpec


def example(rows: int = 5, width: int = 4) -> np.ndarray:
    return np.random.default_rng(0).normal(size=(rows, width)).astype(np.float32)


def fitted_linear() -> LinearRegression:
    return LinearRegression().fit(example(rows=20), np.arange(20.0))


def reference(module: torch.nn.Module, data: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        return module.eval()(torch.as_tensor(data)).numpy()


def test_a_module_round_trips_with_its_init_arguments(tmp_path: Path) -> None:
    torch.manual_seed(0)
    net = MLP(hidden=32, outputs=3)
    manifest = save_package(net, tmp_path / "pkg", example(), options={"init": {"hidden": 32, "outputs": 3}})
    assert manifest.flavor == "pytorch" and not manifest.uses_pickle
    assert manifest.requirements[0].startswith("torch==")
    assert manifest.signature.inputs == TensorSpec(dtype="float32", shape=[None, 4])
    assert manifest.signature.outputs == TensorSpec(dtype="float32", shape=[None, 3])
    assert sorted(f.path for f in manifest.files) == [
        "flavor.json",
        "input_example.npy",
        "model.safetensors",
        "requirements.txt",
    ]
    loaded = load_package(tmp_path / "pkg", device="cpu")
    data = example(rows=64)
    np.testing.assert_allclose(loaded.predict(data), reference(net, data), rtol=1e-6)
    with pytest.raises(SignatureMismatch, match="axis 1"):
        loaded.predict(example(width=5))


def test_a_buffer_the_file_does_not_hold_is_built_by_init(tmp_path: Path) -> None:
    net = Normalised()
    save_package(net, tmp_path / "pkg", example(width=3))
    data = example(rows=8, width=3)
    np.testing.assert_allclose(load_package(tmp_path / "pkg").predict(data), reference(net, data), rtol=1e-6)


def test_a_package_loads_in_a_fresh_process(tmp_path: Path) -> None:
    net = MLP()
    save_package(net, tmp_path / "pkg", example())
    predicted = predict_in_fresh_process(tmp_path / "pkg", example(rows=10), tmp_path)
    np.testing.assert_allclose(predicted, reference(net, example(rows=10)), rtol=1e-6)


def test_a_class_defined_in_a_script_or_function_is_refused(tmp_path: Path) -> None:
    class Local(torch.nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    with pytest.raises(InvalidInput, match="importable module"):
        save_package(Local(), tmp_path / "pkg", example())


def test_bad_options_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="options are init; got layers"):
        save_package(MLP(), tmp_path / "a", example(), options={"layers": 2})
    with pytest.raises(InvalidInput, match="JSON values"):
        save_package(MLP(), tmp_path / "b", example(), options={"init": {"hidden": object()}})
    with pytest.raises(InvalidInput, match="the sklearn flavor takes no options, got x"):
        save_package(fitted_linear(), tmp_path / "c", example(), options={"x": 1})


def rewrite_options(folder: Path, **changes: object) -> None:
    """Change flavor.json and re-hash the package, as someone crafting one would."""
    manifest = manifests.read(folder)
    options = json.loads((folder / OPTIONS_FILE).read_text())
    (folder / OPTIONS_FILE).write_text(json.dumps({**options, **changes}))
    manifests.write(folder, manifest.model_copy(update={"files": manifests.files_of(folder)}))


@pytest.mark.parametrize(
    ("changes", "error", "reason"),
    [
        ({"class": "os:system"}, UnsafeModel, "not a torch.nn.Module class"),
        ({"class": "builtins:dict"}, UnsafeModel, "not a torch.nn.Module class"),
        ({"class": "no_such_module_here:Net"}, InvalidInput, "cannot be imported here"),
        (
            {"class": "torch.nn:Linear", "init": {"in_features": 4, "out_features": 2}},
            CorruptPackage,
            "do not fit",
        ),
        ({"init": {"hidden": 99}}, CorruptPackage, "do not fit"),
        ({"init": {"unknown": 1}}, CorruptPackage, "failed"),
        ({"init": [1, 2]}, CorruptPackage, "not a JSON object"),
    ],
)
def test_a_crafted_flavor_file_is_refused_before_any_weights_are_used(
    tmp_path: Path, changes: dict[str, object], error: type[Exception], reason: str
) -> None:
    save_package(MLP(), tmp_path / "pkg", example())
    rewrite_options(tmp_path / "pkg", **changes)
    with pytest.raises(error, match=reason):
        load_package(tmp_path / "pkg")


def test_devices_are_checked(tmp_path: Path) -> None:
    save_package(MLP(), tmp_path / "pkg", example())
    with pytest.raises(InvalidInput, match="not a torch device"):
        load_package(tmp_path / "pkg", device="gpu-please")
    if not torch.cuda.is_available():
        with pytest.raises(InvalidInput, match="no CUDA GPU"):
            load_package(tmp_path / "pkg", device="cuda")
    save_package(fitted_linear(), tmp_path / "other", example())
    with pytest.raises(InvalidInput, match="device= places PyTorch models; a sklearn model"):
        load_package(tmp_path / "other", device="cpu")
