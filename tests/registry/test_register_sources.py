"""Registering versions from every kind of source: a run's package, another version, a package folder,
and a package at a URL; each from elsewhere is verified and stored with a run before it is a version."""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import fsspec
import numpy as np
import pytest
from tests.registry.test_service import fitted, logged_run
from tests.support import unique

import tether as tt
from tether.errors import CorruptPackage, InvalidInput, NotFound
from tether.models.package import save_package
from tether.sdk.models import REGISTERED_FROM_TAG


@pytest.fixture
def package(tmp_path: Path) -> Path:
    model, frame = fitted()
    save_package(model, tmp_path / "exported", frame.head(3))
    return tmp_path / "exported"


def test_a_package_folder_becomes_a_version_with_a_run_of_its_own(
    fluent_client: tt.Client, package: Path
) -> None:
    name = unique("from-folder")
    made = fluent_client.register_model(package, name)
    assert (made.name, made.version, made.flavor) == (name, 1, "sklearn")
    assert made.run_id is not None and made.source == f"runs:/{made.run_id}/model"
    run = fluent_client.get_run(made.run_id)
    assert run.tags[REGISTERED_FROM_TAG] == str(package) and run.status == "FINISHED"
    model, frame = fitted()
    loaded = fluent_client.load_model(f"models:/{name}/1")
    assert np.array_equal(loaded.predict(frame), model.predict(frame))
    shutil.rmtree(package)  # the version keeps its own copy
    assert fluent_client.load_model(f"models:/{name}/1").predict(frame).shape == (len(frame),)


def test_another_version_is_registered_under_a_second_name(fluent_client: tt.Client) -> None:
    name, prod = unique("dev"), unique("prod")
    run = logged_run(fluent_client)
    fluent_client.register_model(f"runs:/{run}/model", name)
    fluent_client.registry.set_alias(name, "champion", 1)
    copied = fluent_client.register_model(f"models:/{name}@champion", prod)
    assert (copied.version, copied.source, copied.run_id) == (1, f"runs:/{run}/model", run)
    with pytest.raises(NotFound):
        fluent_client.register_model(f"models:/{name}@nobody", prod)


def test_a_package_at_a_url_is_fetched_and_verified(fluent_client: tt.Client, package: Path) -> None:
    name = unique("from-url")
    by_file = fluent_client.register_model(package.as_uri(), name)
    memory = f"memory://packages-{uuid.uuid4().hex}/exported"
    filesystem = fsspec.filesystem("memory")
    filesystem.put(str(package) + "/", memory, recursive=True)
    by_memory = fluent_client.register_model(memory, name)
    assert [by_file.version, by_memory.version] == [1, 2]
    assert fluent_client.get_run(str(by_memory.run_id)).tags[REGISTERED_FROM_TAG] == memory


def test_a_tampered_or_missing_package_registers_nothing(fluent_client: tt.Client, package: Path) -> None:
    name = unique("refused")
    (package / "model.skops").write_bytes(b"not what was saved")
    with pytest.raises(CorruptPackage, match="does not match its manifest"):
        fluent_client.register_model(package, name)
    with pytest.raises(NotFound):
        fluent_client.registry.get_model(name)
    with pytest.raises(InvalidInput, match="neither a model URI"):
        fluent_client.register_model(package.parent / "nowhere", name)
    with pytest.raises(InvalidInput, match="not a folder"):
        fluent_client.register_model((package / "tether-model.json").as_uri(), name)
    with pytest.raises(InvalidInput, match="cannot read"):
        fluent_client.register_model("nosuchscheme://bucket/model", name)
    with pytest.raises(CorruptPackage, match="not a model package"):
        fluent_client.register_model(package.parent, name)


def test_inside_a_run_the_fluent_call_stores_the_package_with_it(
    fluent_client: tt.Client, package: Path
) -> None:
    name = unique("fluent")
    with tt.start_run() as run:
        made = tt.register_model(package, name)
    assert made.source == f"runs:/{run.run_id}/model" and made.run_id == run.run_id
