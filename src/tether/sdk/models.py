"""Logging a model to a run as a package, and loading one back from a run or a folder, over any backend.

A package is stored as the run's artifacts under ``name`` (``runs:/<run id>/<name>``), so it travels
through the embedded store and a server alike, and lives under the run that made it.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tether.errors import InvalidInput
from tether.models.package import Model, load_package, save_package
from tether.models.signatures import ModelInput, Signature
from tether.refs import RunRef
from tether.schemas import ReadModel
from tether.sdk import artifacts

if TYPE_CHECKING:
    from tether.client.backend import TrackingAPI

RUNS_SCHEME = "runs:/"


class ModelInfo(ReadModel):
    """What ``log_model`` stored: where, as which flavor, with which signature."""

    run_id: str
    artifact_path: str
    model_uri: str
    flavor: str
    signature: Signature
    files: list[str]


def log_model(
    tracking: TrackingAPI,
    run_id: str,
    model: Any,
    name: str,
    input_example: ModelInput,
    flavor: str | None = None,
) -> ModelInfo:
    """Package ``model`` and store it as run ``run_id``'s artifacts under ``name``."""
    if not name.strip("/"):
        raise InvalidInput("a model needs a name to be stored under (for example 'model')")
    name = name.strip("/")
    tracking.get_run(run_id)  # an unknown run fails before any packaging work
    with tempfile.TemporaryDirectory(prefix="tether-model-") as scratch:
        folder = Path(scratch) / "package"
        manifest = save_package(model, folder, input_example, flavor=flavor, source_run=str(RunRef(run_id)))
        stored = artifacts.upload_dir(tracking, run_id, folder, name)
    return ModelInfo(
        run_id=run_id,
        artifact_path=name,
        model_uri=f"{RUNS_SCHEME}{run_id}/{name}",
        flavor=manifest.flavor,
        signature=manifest.signature,
        files=stored,
    )


def load_model(tracking: TrackingAPI, uri: str, *, allow_pickle: bool = False) -> Model:
    """The model at ``runs:/<run id>/<path>`` or in a local package folder."""
    if not uri.startswith(RUNS_SCHEME):
        folder = Path(uri)
        if not folder.is_dir():
            raise InvalidInput(f"{uri!r} is neither a model URI (runs:/<run id>/<path>) nor a package folder")
        return load_package(folder, allow_pickle=allow_pickle)
    run_id, _, path = uri[len(RUNS_SCHEME) :].partition("/")
    if not path.strip("/"):
        raise InvalidInput(f"the model URI {uri!r} names no path inside the run (runs:/<run id>/<path>)")
    with tempfile.TemporaryDirectory(prefix="tether-model-") as scratch:
        folder = artifacts.download(tracking, run_id, path.strip("/"), scratch)
        return load_package(folder, allow_pickle=allow_pickle)
