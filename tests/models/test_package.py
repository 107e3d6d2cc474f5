"""Packages: save and load per flavor (in a fresh process too), hash checks, and the safety refusals."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from tests.models.fresh import predict_in_fresh_process

from tether.errors import CorruptPackage, InvalidInput, SignatureMismatch, UnsafeModel
from tether.models.manifest import MANIFEST_NAME
from tether.models.package import load_example, load_package, save_package
from tether.models.signatures import TableSpec, TensorSpec


def training_data(rows: int = 60) -> tuple[pd.DataFrame, np.ndarray]:
    generator = np.random.default_rng(7)
    frame = pd.DataFrame({"tenure": generator.integers(1, 60, rows), "spend": generator.normal(50, 10, rows)})
    labels = (frame["spend"] > 50).to_numpy().astype(int)
    return frame, labels


def shifted(data: pd.DataFrame) -> pd.DataFrame:
    """A function of the user's own, which skops can only name, not vouch for."""
    return data + 1


class Doubler:
    """A user's own model class: only the python_function flavor can save it."""

    def predict(self, data: pd.DataFrame) -> np.ndarray:
        return np.asarray(data.sum(axis=1) * 2)


def test_a_scikit_learn_package_round_trips(tmp_path: Path) -> None:
    frame, labels = training_data()
    forest = RandomForestClassifier(n_estimators=5, random_state=0).fit(frame, labels)
    manifest = save_package(forest, tmp_path / "pkg", frame.head(5))
    assert manifest.flavor == "sklearn" and manifest.framework == "scikit-learn" and not manifest.uses_pickle
    assert manifest.requirements[0].startswith("scikit-learn==")
    assert isinstance(manifest.signature.inputs, TableSpec)
    assert isinstance(manifest.signature.outputs, TensorSpec)
    stored = sorted(f.path for f in manifest.files)
    assert stored == ["input_example.parquet", "model.skops", "requirements.txt"]
    model = load_package(tmp_path / "pkg")
    np.testing.assert_array_equal(model.predict(frame), forest.predict(frame))
    np.testing.assert_allclose(model.predict_proba(frame.to_dict("records")), forest.predict_proba(frame))
    example = load_example(tmp_path / "pkg", manifest)
    pd.testing.assert_frame_equal(example, frame.head(5).reset_index(drop=True))


def test_a_package_loads_and_predicts_the_same_in_a_fresh_process(tmp_path: Path) -> None:
    frame, labels = training_data()
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(frame, labels)
    save_package(pipeline, tmp_path / "pkg", frame.head(3))
    assert predict_in_fresh_process(tmp_path / "pkg", frame, tmp_path) == pipeline.predict(frame).tolist()


def test_a_model_of_the_users_own_class_needs_the_pickle_opt_in(tmp_path: Path) -> None:
    frame, _ = training_data()
    manifest = save_package(Doubler(), tmp_path / "pkg", frame.head(2))
    assert manifest.flavor == "python_function" and manifest.uses_pickle
    with pytest.raises(UnsafeModel, match="allow_pickle=True"):
        load_package(tmp_path / "pkg")
    model = load_package(tmp_path / "pkg", allow_pickle=True)
    np.testing.assert_allclose(model.predict(frame), Doubler().predict(frame))
    with pytest.raises(InvalidInput, match="no predict_proba"):
        model.predict_proba(frame)


def test_a_changed_file_is_detected_before_loading(tmp_path: Path) -> None:
    frame, labels = training_data()
    save_package(LogisticRegression().fit(frame, labels), tmp_path / "pkg", frame.head(2))
    with open(tmp_path / "pkg" / "model.skops", "r+b") as model_file:
        model_file.seek(40)
        model_file.write(b"\x00\x01")
    with pytest.raises(CorruptPackage, match=r"changed: model\.skops"):
        load_package(tmp_path / "pkg")


def test_an_added_or_missing_file_is_detected(tmp_path: Path) -> None:
    frame, labels = training_data()
    save_package(LogisticRegression().fit(frame, labels), tmp_path / "pkg", frame.head(2))
    (tmp_path / "pkg" / "extra.py").write_text("print('hello')")
    with pytest.raises(CorruptPackage, match=r"not in the manifest: extra\.py"):
        load_package(tmp_path / "pkg")
    (tmp_path / "pkg" / "extra.py").unlink()
    (tmp_path / "pkg" / "requirements.txt").unlink()
    with pytest.raises(CorruptPackage, match=r"missing: requirements\.txt"):
        load_package(tmp_path / "pkg")


def test_a_pickle_package_cannot_pose_as_a_safe_one(tmp_path: Path) -> None:
    frame, _ = training_data()
    save_package(Doubler(), tmp_path / "pkg", frame.head(2))
    manifest_path = tmp_path / "pkg" / MANIFEST_NAME
    manifest = json.loads(manifest_path.read_text())
    manifest["uses_pickle"] = False
    manifest_path.write_text(json.dumps(manifest))
    # the flavor, not the manifest's flag, decides: python_function always needs the opt-in
    with pytest.raises(UnsafeModel):
        load_package(tmp_path / "pkg")


def test_a_skops_file_naming_an_untrusted_type_is_refused(tmp_path: Path) -> None:
    frame, labels = training_data()
    unsafe = make_pipeline(FunctionTransformer(shifted), LogisticRegression()).fit(frame, labels)
    save_package(unsafe, tmp_path / "pkg", frame.head(2))
    with pytest.raises(UnsafeModel, match=r"outside scikit-learn: .*test_package\.shifted"):
        load_package(tmp_path / "pkg")


def test_a_folder_without_a_manifest_or_with_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(CorruptPackage, match="not a model package"):
        load_package(tmp_path / "empty")
    (tmp_path / "empty" / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(CorruptPackage, match="cannot be read"):
        load_package(tmp_path / "empty")


def test_saving_needs_an_example_an_empty_folder_and_a_model_it_knows(tmp_path: Path) -> None:
    frame, labels = training_data()
    fitted = LogisticRegression().fit(frame, labels)
    with pytest.raises(SignatureMismatch, match="input example is needed"):
        save_package(fitted, tmp_path / "a", None)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "keep.txt").write_text("mine")
    with pytest.raises(InvalidInput, match="not empty"):
        save_package(fitted, tmp_path / "b", frame.head(2))
    assert (tmp_path / "b" / "keep.txt").read_text() == "mine"
    with pytest.raises(InvalidInput, match="no flavor can save a object"):
        save_package(object(), tmp_path / "c", frame.head(2))
    with pytest.raises(InvalidInput, match="the sklearn flavor cannot save a Doubler"):
        save_package(Doubler(), tmp_path / "d", frame.head(2), flavor="sklearn")


def test_a_model_failing_on_its_own_example_is_reported(tmp_path: Path) -> None:
    frame, labels = training_data()
    fitted = LogisticRegression().fit(frame, labels)
    with pytest.raises(SignatureMismatch, match="predict failed on the input example"):
        save_package(fitted, tmp_path / "pkg", frame[["tenure"]].head(2))


def test_predict_checks_input_against_the_signature(tmp_path: Path) -> None:
    frame, labels = training_data()
    save_package(LogisticRegression().fit(frame, labels), tmp_path / "pkg", frame.head(2))
    model = load_package(tmp_path / "pkg")
    with pytest.raises(SignatureMismatch, match=r"missing column.*'spend'"):
        model.predict(frame[["tenure"]])
    assert model.predict(frame.to_numpy()).shape == (len(frame),)
