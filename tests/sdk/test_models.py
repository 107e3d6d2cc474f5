"""Logging models to runs and loading them back through ``runs:/`` URIs, embedded and through a server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from tests.support import Target, unique

import tether as tt
from tether.errors import CorruptPackage, InvalidInput, NotFound, UnsafeModel
from tether.models.manifest import MANIFEST_NAME


@pytest.fixture
def client(sqlite_target: Target) -> Iterator[tt.Client]:
    sqlite_target.configure()
    client = sqlite_target.client()
    yield client
    while tt.active_run() is not None:
        tt.end_run()
    tt.configure()
    client.close()


def fitted() -> tuple[LogisticRegression, pd.DataFrame]:
    generator = np.random.default_rng(3)
    frame = pd.DataFrame({"a": generator.normal(size=40), "b": generator.normal(size=40)})
    return LogisticRegression().fit(frame, (frame["a"] > 0).astype(int)), frame


class Halver:
    def predict(self, data: pd.DataFrame) -> np.ndarray:
        return np.asarray(data["a"] / 2)


def test_a_logged_model_loads_back_from_its_run(client: tt.Client) -> None:
    model, frame = fitted()
    tt.set_experiment(unique("models"))
    with tt.start_run() as run:
        info = tt.log_model(model, "classifier", input_example=frame.head(4))
    assert info.model_uri == f"runs:/{run.run_id}/classifier" and info.flavor == "sklearn"
    stored = {a.path for a in client.list_artifacts(run.run_id, "classifier")}
    assert f"classifier/{MANIFEST_NAME}" in stored and "classifier/model.skops" in stored
    loaded = tt.load_model(info.model_uri)
    np.testing.assert_array_equal(loaded.predict(frame), model.predict(frame))
    assert loaded.manifest.source_run == f"run:{run.run_id}"
    again = client.load_model(f"runs:/{run.run_id}/classifier/")
    np.testing.assert_allclose(again.predict_proba(frame), model.predict_proba(frame))


def test_the_client_logs_to_a_run_by_id_and_pickle_stays_opt_in(client: tt.Client) -> None:
    _, frame = fitted()
    run = client.create_run(experiment_id="0")
    info = client.log_model(run.run_id, Halver(), input_example=frame.head(2))
    assert info.flavor == "python_function" and info.artifact_path == "model"
    with pytest.raises(UnsafeModel):
        client.load_model(info.model_uri)
    loaded = client.load_model(info.model_uri, allow_pickle=True)
    np.testing.assert_allclose(loaded.predict(frame), frame["a"] / 2)


def test_a_package_folder_loads_directly(client: tt.Client, tmp_path: Path) -> None:
    model, frame = fitted()
    run = client.create_run(experiment_id="0")
    info = client.log_model(run.run_id, model, input_example=frame.head(2))
    folder = client.download_artifacts(run.run_id, "model", tmp_path)
    np.testing.assert_array_equal(client.load_model(str(folder)).predict(frame), model.predict(frame))
    assert info.files == sorted(info.files)


def test_unknown_runs_bad_uris_and_no_active_run(client: tt.Client, tmp_path: Path) -> None:
    model, frame = fitted()
    with pytest.raises(NotFound):
        client.log_model("0" * 32, model, input_example=frame.head(2))
    with pytest.raises(NotFound):
        client.load_model(f"runs:/{'0' * 32}/model")
    run = client.create_run(experiment_id="0")
    with pytest.raises(InvalidInput, match="names no path"):
        client.load_model(f"runs:/{run.run_id}")
    with pytest.raises(InvalidInput, match="neither a model URI"):
        client.load_model(str(tmp_path / "nowhere"))
    with pytest.raises(InvalidInput, match="needs a name"):
        client.log_model(run.run_id, model, "/", input_example=frame.head(2))
    with pytest.raises(InvalidInput, match="no active run"):
        tt.log_model(model, input_example=frame.head(2))


def test_an_embedded_store_loads_in_place_and_still_refuses_links(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with tt.Client(home) as client:
        model, frame = fitted()
        run = client.create_run(experiment_id="0").run_id
        client.log_model(run, model, input_example=frame.head(2))
        folder = client.tracking.local_artifact_dir(run, "model")
        assert folder is not None and Path(folder, MANIFEST_NAME).is_file()
        np.testing.assert_array_equal(
            client.load_model(f"runs:/{run}/model").predict(frame), model.predict(frame)
        )
        elsewhere = tmp_path / "elsewhere.skops"
        Path(folder, "model.skops").rename(elsewhere)
        Path(folder, "model.skops").symlink_to(elsewhere)
        with pytest.raises(CorruptPackage, match="symbolic link"):
            client.load_model(f"runs:/{run}/model")
