"""PyTorch modules as weights in safetensors plus the module's class, named by its import path.

safetensors holds tensors only and is memory-mapped on load, so loading runs no code from the package and
a large model's weights are not copied through Python. The architecture is the caller's own code: the
class named in ``flavor.json`` is imported from the loading environment, must be a ``torch.nn.Module``
subclass, and is built with the keyword arguments saved beside it (JSON values only, from
``options={"init": {...}}`` when the class needs any); then the weights are loaded into it strictly.
A class defined in ``__main__`` (a notebook, a script) cannot be imported elsewhere and is refused.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from tether.errors import CorruptPackage, InvalidInput, UnsafeModel
from tether.models.flavors.base import as_array, defined_in
from tether.models.flavors.options import read_options, write_options

MODEL_FILE = "model.safetensors"
OPTIONS = ("init",)


class TorchModel:
    """A module in evaluation mode whose ``predict`` takes arrays and frames and returns NumPy arrays."""

    def __init__(self, module: Any, device: str) -> None:
        self.module = module
        self.device = device

    def predict(self, data: Any) -> np.ndarray:
        import torch

        values = as_array(data)
        with torch.inference_mode():
            out = self.module(torch.as_tensor(values, device=self.device))
        result: np.ndarray = out.detach().cpu().numpy()
        return result


class PyTorchFlavor:
    name = "pytorch"
    framework = "torch"
    uses_pickle = False

    def accepts(self, model: object) -> bool:
        return defined_in(model, "torch") and hasattr(model, "state_dict") and callable(model)

    def save(self, model: Any, folder: Path, options: Mapping[str, Any]) -> None:
        import safetensors.torch

        unknown = sorted(set(options) - set(OPTIONS))
        if unknown:
            raise InvalidInput(
                f"the pytorch flavor's options are {', '.join(OPTIONS)}; got {', '.join(unknown)}"
            )
        cls = type(model)
        if cls.__module__ == "__main__" or "<locals>" in cls.__qualname__:
            raise InvalidInput(
                f"the module class {cls.__qualname__} is defined in a script or a function, so no other "
                "process can import it; define it in an importable module (or save with python_function)"
            )
        init = options.get("init", {})
        try:
            json.dumps(init, allow_nan=False)
        except (TypeError, ValueError):
            raise InvalidInput(
                "options['init'] must hold JSON values (numbers, text, lists, dicts)"
            ) from None
        safetensors.torch.save_model(model, str(folder / MODEL_FILE))
        write_options(folder, {"class": f"{cls.__module__}:{cls.__qualname__}", "init": init})

    def predictor(self, model: Any) -> object:
        return TorchModel(model.eval(), _device_of(model))

    def prepare(self) -> None:
        import safetensors.torch  # noqa: F401

    def load(self, folder: Path, device: str | None = None) -> object:
        import safetensors.torch

        options = read_options(folder, self.name)
        cls = _module_class(options.get("class"))
        init = options.get("init", {})
        if not isinstance(init, dict):
            raise CorruptPackage("the pytorch package's init arguments are not a JSON object")
        target = _usable(device or "cpu")
        weights = safetensors.torch.load_file(str(folder / MODEL_FILE), device=target)
        module = _built(cls, init, "meta")  # no memory, no random initialisation: the weights replace it all
        _fill(module, weights, assign=True)
        if any(t.is_meta for t in (*module.parameters(), *module.buffers())):  # state the file does not hold
            module = _built(cls, init, target)
            _fill(module, weights, assign=False)
        return TorchModel(module.eval(), target)

    def requirements(self) -> list[str]:
        return ["torch", "safetensors", "numpy"]


def _module_class(named: object) -> Any:
    """The ``torch.nn.Module`` subclass at ``module:qualname``; anything else is refused unbuilt."""
    import torch

    if not isinstance(named, str) or ":" not in named:
        raise CorruptPackage(f"the pytorch package names no module class (module:qualname), got {named!r}")
    module_name, _, qualname = named.partition(":")
    try:
        found: Any = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError) as error:
        raise InvalidInput(
            f"the model's class {named} cannot be imported here ({error}); install the code that defines it"
        ) from None
    if not (isinstance(found, type) and issubclass(found, torch.nn.Module)):
        raise UnsafeModel(f"the pytorch package names {named}, which is not a torch.nn.Module class")
    return found


def _usable(device: str) -> str:
    import torch

    try:
        kind = torch.device(device).type
    except RuntimeError:
        raise InvalidInput(f"{device!r} is not a torch device (try 'cpu', 'cuda' or 'cuda:1')") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise InvalidInput(f"device={device!r} was asked for, but torch sees no CUDA GPU on this machine")
    return device


def _built(cls: Any, init: dict[str, Any], device: str) -> Any:
    import torch

    try:
        with torch.device(device):
            return cls(**init)
    except TypeError as error:
        raise CorruptPackage(f"{cls.__qualname__}(**init) failed: {error}") from None


def _fill(module: Any, weights: dict[str, Any], *, assign: bool) -> None:
    try:
        module.load_state_dict(weights, strict=True, assign=assign)
    except RuntimeError as error:
        first = " ".join(str(error).split())[:300]
        raise CorruptPackage(f"the weights do not fit {type(module).__qualname__}: {first}") from None


def _device_of(model: Any) -> str:
    first = next(iter(model.parameters()), None)
    return "cpu" if first is None else str(first.device)
