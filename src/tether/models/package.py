"""Saving a model as a package folder and loading it back as a ``Model`` that predicts the same everywhere.

Saving infers the signature from the input example (and the model's output on it), writes the flavor's
files, the example, pinned requirements and the manifest. Loading reads the manifest, checks every file
against its digest, refuses pickle unless allowed, and wraps the framework's model so that ``predict``
takes a DataFrame, an array or records and checks them against the signature first.
"""

from __future__ import annotations

import platform
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from tether.errors import InvalidInput, SignatureMismatch, UnsafeModel
from tether.models import manifest as manifests
from tether.models.flavors import FLAVORS, flavor_for
from tether.models.flavors.base import Flavor
from tether.models.manifest import Manifest
from tether.models.requirements import installed_version, pinned
from tether.models.signatures import ModelInput, Signature, TableSpec, as_frame, conform, infer_signature
from tether.version import __version__

EXAMPLE_TABLE = "input_example.parquet"
EXAMPLE_ARRAY = "input_example.npy"
REQUIREMENTS = "requirements.txt"


class Model:
    """A loaded package: ``predict`` (and ``predict_proba`` where the framework has it) on checked input."""

    def __init__(
        self, native: Any, manifest: Manifest, input_example: pd.DataFrame | np.ndarray | None = None
    ) -> None:
        self.native = native
        self.manifest = manifest
        self.input_example = input_example
        """The example saved with the package; a model server predicts on it to warm up."""

    @property
    def signature(self) -> Signature:
        return self.manifest.signature

    def predict(self, data: ModelInput) -> Any:
        return self.native.predict(conform(data, self.signature.inputs))

    def predict_proba(self, data: ModelInput) -> Any:
        method = getattr(self.native, "predict_proba", None)
        if method is None:
            raise InvalidInput(f"this {self.manifest.flavor} model has no predict_proba")
        return method(conform(data, self.signature.inputs))

    def __repr__(self) -> str:
        return f"Model(flavor={self.manifest.flavor!r}, framework={self.manifest.framework!r})"


def save_package(
    model: Any,
    folder: Path,
    input_example: ModelInput,
    *,
    flavor: str | None = None,
    source_run: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> Manifest:
    """Write ``model`` as a package into ``folder`` (created; it must be empty) and return its manifest;
    ``options`` are the flavor's own settings (see docs/models.md)."""
    if input_example is None:
        raise SignatureMismatch("an input example is needed to infer the model's signature (input_example=)")
    chosen = flavor_for(model, flavor)
    folder.mkdir(parents=True, exist_ok=True)
    if any(folder.iterdir()):
        raise InvalidInput(f"the package folder {folder} is not empty")
    signature = _signature(chosen.predictor(model), input_example)
    chosen.save(model, folder, options or {})
    example_file = _write_example(folder, input_example, signature)
    requirements = pinned(chosen.requirements())
    (folder / REQUIREMENTS).write_text("".join(f"{line}\n" for line in requirements), encoding="utf-8")
    manifest = Manifest(
        flavor=chosen.name,
        framework=chosen.framework,
        framework_version=installed_version(chosen.framework) or "unknown",
        tether_version=__version__,
        python_version=platform.python_version(),
        created_at=int(time.time() * 1000),
        source_run=source_run,
        signature=signature,
        input_example=example_file,
        requirements=requirements,
        uses_pickle=chosen.uses_pickle,
        files=manifests.files_of(folder),
    )
    manifests.write(folder, manifest)
    return manifest


def load_package(folder: Path, *, allow_pickle: bool = False, device: str | None = None) -> Model:
    """The model in ``folder``, after checking its files; pickle-based packages need ``allow_pickle``;
    ``device`` places a PyTorch model (``"cuda"``, ``"cuda:1"``, ``"cpu"``)."""
    manifest = manifests.read(folder)
    flavor: Flavor = FLAVORS.get(manifest.flavor)
    if (flavor.uses_pickle or manifest.uses_pickle) and not allow_pickle:  # the flavor decides, not the file
        raise UnsafeModel(
            f"this {manifest.flavor} package loads with pickle, which can run any code it contains; "
            "pass allow_pickle=True only if you trust where it came from"
        )
    with ThreadPoolExecutor(1, thread_name_prefix="tether-verify") as pool:
        verified = pool.submit(manifests.verify, folder, manifest)
        flavor.prepare()  # importing the framework overlaps hashing; nothing is read before both are done
        verified.result()
    return Model(flavor.load(folder, device), manifest, load_example(folder, manifest))


def load_example(folder: Path, manifest: Manifest) -> pd.DataFrame | np.ndarray | None:
    """The input example saved with the package, as it was given (frame or array)."""
    if manifest.input_example is None:
        return None
    path = folder / manifest.input_example
    if manifest.input_example.endswith(".npy"):
        array: np.ndarray = np.load(path, allow_pickle=False)
        return array
    frame: pd.DataFrame = pd.read_parquet(path)
    return frame


def _signature(model: Any, example: ModelInput) -> Signature:
    inputs = infer_signature(example).inputs
    predict = getattr(model, "predict", None)
    if predict is None:
        return Signature(inputs=inputs)
    try:
        output = predict(conform(example, inputs))
    except Exception as error:  # the user's model failing on the user's example is theirs to see
        raise SignatureMismatch(f"the model's predict failed on the input example: {error}") from error
    return infer_signature(example, output)


def _write_example(folder: Path, example: ModelInput, signature: Signature) -> str:
    if isinstance(signature.inputs, TableSpec):
        as_frame(example).to_parquet(folder / EXAMPLE_TABLE, index=False)
        return EXAMPLE_TABLE
    np.save(folder / EXAMPLE_ARRAY, np.asarray(example), allow_pickle=False)
    return EXAMPLE_ARRAY
