"""Logging a model to a run as a package, and loading one back from a run, the registry or a folder.

A package is stored as the run's artifacts under ``name`` (``runs:/<run id>/<name>``), so it travels
through the embedded store and a server alike, and lives under the run that made it. Registering it makes
a version of a registered model that points at those artifacts; ``models:/<name>/<version>`` and
``models:/<name>@<alias>`` resolve through the registry to them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tether.errors import AlreadyExists, DeprecatedModelWarning, InvalidInput
from tether.models import manifest as manifest_file
from tether.models.package import Model, load_package, save_package
from tether.models.signatures import ModelInput, Signature
from tether.refs import ModelAliasRef, ModelVersionRef, Ref, RunRef
from tether.schemas import ReadModel
from tether.sdk import artifacts, context

if TYPE_CHECKING:
    from tether.client.backend import Backend
    from tether.registry.schemas import ModelVersion

RUNS_SCHEME = "runs:/"
MODELS_SCHEME = "models:/"
REGISTERED_FROM_TAG = "tether.registered_from"
"""On the run that ``register_model`` makes for a package from elsewhere: where the package came from."""


class ModelInfo(ReadModel):
    """What ``log_model`` stored: where, as which flavor, with which signature."""

    run_id: str
    artifact_path: str
    model_uri: str
    flavor: str
    signature: Signature
    files: list[str]
    registered_model_name: str | None = None
    version: int | None = None
    """The registered version made from the package, when ``registered_model_name`` was given."""


def log_model(
    backend: Backend,
    run_id: str,
    model: Any,
    name: str,
    input_example: ModelInput,
    flavor: str | None = None,
    registered_model_name: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ModelInfo:
    """Package ``model``, store it as run ``run_id``'s artifacts under ``name``, and register it as a new
    version of ``registered_model_name`` (created if it does not exist) when that is given."""
    tracking = backend.tracking
    if not name.strip("/"):
        raise InvalidInput("a model needs a name to be stored under (for example 'model')")
    name = name.strip("/")
    tracking.get_run(run_id)  # an unknown run fails before any packaging work
    with tempfile.TemporaryDirectory(prefix="tether-model-") as scratch:
        folder = Path(scratch) / "package"
        manifest = save_package(
            model, folder, input_example, flavor=flavor, source_run=str(RunRef(run_id)), options=options
        )
        stored = artifacts.upload_dir(tracking, run_id, folder, name)
    uri = f"{RUNS_SCHEME}{run_id}/{name}"
    version = None if registered_model_name is None else register(backend, registered_model_name, uri)
    return ModelInfo(
        run_id=run_id,
        artifact_path=name,
        model_uri=uri,
        flavor=manifest.flavor,
        signature=manifest.signature,
        files=stored,
        registered_model_name=registered_model_name,
        version=version,
    )


def register_model(
    backend: Backend, source: str | os.PathLike[str], name: str, *, run_id: str | None = None
) -> ModelVersion:
    """A new version of registered model ``name`` (created if need be) from ``source``: a ``runs:/`` or
    ``models:/`` URI, a package folder, or a package at an fsspec URL (``s3://…``, ``file://…``).

    A package from elsewhere is checked against its manifest, then stored as the artifacts of run
    ``run_id`` (by default a new run in the default experiment, tagged with where it came from), so every
    version has a stored copy that cannot change under it and a run that it came from.
    """
    text = os.fspath(source)
    if text.startswith(MODELS_SCHEME):
        text = source_of(backend, text)
    if not text.startswith(RUNS_SCHEME):
        text = _store_package(backend, text, name, run_id)
    return backend.registry.get_version(name, register(backend, name, text))


def _store_package(backend: Backend, source: str, name: str, run_id: str | None) -> str:
    """Fetch, verify and store the package at ``source`` as a run's artifacts; returns its ``runs:/`` URI."""
    tracking = backend.tracking
    with tempfile.TemporaryDirectory(prefix="tether-model-") as scratch:
        folder = _fetched(source, Path(scratch) / "package")
        manifest_file.verify(folder, manifest_file.read(folder))
        if run_id is None:
            run_id = tracking.create_run(
                "0",
                run_name=f"register {name}",
                tags={REGISTERED_FROM_TAG: source[:5000]},
                user_id=context.current_user(),
            ).run_id
            artifacts.upload_dir(tracking, run_id, folder, "model")
            tracking.update_run(run_id, status="FINISHED")
        else:
            artifacts.upload_dir(tracking, run_id, folder, "model")
    return f"{RUNS_SCHEME}{run_id}/model"


def _fetched(source: str, into: Path) -> Path:
    """The package folder at ``source``: a local folder as it is, anything else copied by fsspec."""
    if "://" not in source:
        folder = Path(source).expanduser()
        if not folder.is_dir():
            raise InvalidInput(
                f"{source!r} is neither a model URI (runs:/…, models:/…), a package folder nor a URL"
            )
        return folder
    import fsspec

    try:
        filesystem, path = fsspec.core.url_to_fs(source)
        is_folder = filesystem.isdir(path)
        if is_folder:
            filesystem.get(path.rstrip("/") + "/", str(into), recursive=True)
    except Exception as error:  # each filesystem has its own errors (OSError, botocore's, gcsfs's …)
        raise InvalidInput(f"cannot read {source}: {error}") from None
    if not is_folder:
        raise InvalidInput(f"{source} is not a folder; a model package is a folder with a manifest")
    return into


def register(backend: Backend, name: str, source: str) -> int:
    """A new version of registered model ``name`` from ``source``; the model is created if need be."""
    registry = backend.registry
    actor = context.current_user()
    with contextlib.suppress(AlreadyExists):  # it exists (perhaps made by another process just now)
        registry.create_model(name, actor=actor)
    return registry.create_version(name, source, actor=actor).version


def load_model(backend: Backend, uri: str, *, allow_pickle: bool = False, device: str | None = None) -> Model:
    """The model at ``runs:/<run id>/<path>``, ``models:/<name>/<version>``, ``models:/<name>@<alias>``,
    or in a local package folder."""
    if uri.startswith(MODELS_SCHEME):
        version = version_of(backend, uri)
        if version.status != "ready":
            warnings.warn(
                f"{uri} is version {version.version} of {version.name!r}, which is marked {version.status}",
                DeprecatedModelWarning,
                stacklevel=3,
            )
        uri = version.source
    if not uri.startswith(RUNS_SCHEME):
        folder = Path(uri)
        if not folder.is_dir():
            raise InvalidInput(
                f"{uri!r} is neither a model URI (runs:/<run id>/<path>, models:/<name>/<version>, "
                "models:/<name>@<alias>) nor a package folder"
            )
        return load_package(folder, allow_pickle=allow_pickle, device=device)
    run_id, path = run_artifact(uri)
    in_place = None if backend.remote else backend.tracking.local_artifact_dir(run_id, path)
    if in_place is not None:  # the embedded store on local disk: verify and read the files where they are
        return load_package(Path(in_place), allow_pickle=allow_pickle, device=device)
    with tempfile.TemporaryDirectory(prefix="tether-model-") as scratch:
        folder = artifacts.download(backend.tracking, run_id, path, scratch)
        return load_package(folder, allow_pickle=allow_pickle, device=device)


def run_artifact(uri: str) -> tuple[str, str]:
    """The run id and the artifact path that a ``runs:/<run id>/<path>`` URI names."""
    run_id, _, path = uri[len(RUNS_SCHEME) :].partition("/")
    if not path.strip("/"):
        raise InvalidInput(f"the model URI {uri!r} names no path inside the run (runs:/<run id>/<path>)")
    return run_id, path.strip("/")


def source_of(backend: Backend, uri: str) -> str:
    """Where the registered version that a ``models:/`` URI names keeps its package."""
    return version_of(backend, uri).source


def version_of(backend: Backend, uri: str) -> ModelVersion:
    """The registered version a ``models:/<name>/<version>`` or ``models:/<name>@<alias>`` URI names."""
    ref = Ref.parse(uri)
    if isinstance(ref, ModelVersionRef):
        return backend.registry.get_version(ref.name, ref.version)
    if isinstance(ref, ModelAliasRef):
        return backend.registry.get_version_by_alias(ref.name, ref.alias)
    raise InvalidInput(f"{uri!r} names no model version (models:/<name>/<version> or models:/<name>@<alias>)")
