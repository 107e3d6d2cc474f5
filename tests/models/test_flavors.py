"""XGBoost and LightGBM packages: each kind of model round-trips through its framework's own format, in
a fresh process too, and a flavor file naming anything outside the allow-list is refused."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np
import pandas as pd
import pytest
import xgboost as xgb
from tests.models.fresh import predict_in_fresh_process

from tether.errors import CorruptPackage
from tether.models import manifest as manifests
from tether.models.flavors import flavor_for
from tether.models.flavors.options import OPTIONS_FILE
from tether.models.package import load_package, save_package


def data() -> tuple[pd.DataFrame, np.ndarray]:
    generator = np.random.default_rng(4)
    frame = pd.DataFrame(generator.normal(size=(120, 4)), columns=["a", "b", "c", "d"])
    return frame, frame["a"].to_numpy() + frame["b"].to_numpy()


def models() -> dict[str, tuple[Any, str]]:
    frame, target = data()
    binary = (target > 0).astype(int)
    labels = np.array(["low", "mid", "high"])[np.digitize(target, [-0.7, 0.7])]
    quiet = {"n_estimators": 8, "verbose": -1}
    return {
        "xgb classifier": (xgb.XGBClassifier(n_estimators=8).fit(frame, binary), "xgboost"),
        "xgb regressor": (xgb.XGBRegressor(n_estimators=8).fit(frame, target), "xgboost"),
        "xgb booster": (xgb.train({}, xgb.DMatrix(frame, target), num_boost_round=4), "xgboost"),
        "lgbm binary": (lgb.LGBMClassifier(**quiet).fit(frame, binary), "lightgbm"),
        "lgbm labels": (lgb.LGBMClassifier(**quiet).fit(frame, labels), "lightgbm"),
        "lgbm regressor": (lgb.LGBMRegressor(**quiet).fit(frame, target), "lightgbm"),
        "lgbm booster": (
            lgb.train({"verbose": -1}, lgb.Dataset(frame, target), num_boost_round=4),
            "lightgbm",
        ),
    }


def expected(model: Any, frame: pd.DataFrame) -> np.ndarray:
    if isinstance(model, xgb.Booster):
        return np.asarray(model.inplace_predict(frame))
    return np.asarray(model.predict(frame))


@pytest.mark.parametrize("case", sorted(models()))
def test_each_model_round_trips_in_its_own_format(case: str, tmp_path: Path) -> None:
    model, flavor = models()[case]
    frame, _ = data()
    manifest = save_package(model, tmp_path / "pkg", frame.head(4))
    assert manifest.flavor == flavor and not manifest.uses_pickle
    assert manifest.requirements[0].split("==")[0] in (
        flavor,
        f"{flavor}-cpu",
    )  # xgboost-cpu provides xgboost
    assert manifest.framework_version != "unknown"
    loaded = load_package(tmp_path / "pkg")
    predicted = np.asarray(loaded.predict(frame))
    if predicted.dtype.kind in "fc":
        np.testing.assert_allclose(predicted, expected(model, frame), rtol=1e-6)
    else:
        np.testing.assert_array_equal(predicted, expected(model, frame))
    if hasattr(model, "predict_proba"):
        np.testing.assert_allclose(loaded.predict_proba(frame), model.predict_proba(frame), rtol=1e-6)


@pytest.mark.parametrize("case", ["xgb classifier", "lgbm labels"])
def test_a_package_predicts_the_same_in_a_fresh_process(case: str, tmp_path: Path) -> None:
    model, _ = models()[case]
    frame, _ = data()
    save_package(model, tmp_path / "pkg", frame.head(4))
    assert predict_in_fresh_process(tmp_path / "pkg", frame, tmp_path) == model.predict(frame).tolist()


def test_the_framework_format_wins_over_scikit_learn_wrappers() -> None:
    model, _ = models()["xgb classifier"]
    assert flavor_for(model).name == "xgboost"
    assert flavor_for(models()["lgbm binary"][0]).name == "lightgbm"


@pytest.mark.parametrize("case", ["xgb classifier", "lgbm binary"])
def test_a_flavor_file_naming_something_else_is_refused(case: str, tmp_path: Path) -> None:
    model, _ = models()[case]
    frame, _ = data()
    folder = tmp_path / "pkg"
    manifest = save_package(model, folder, frame.head(4))
    options = json.loads((folder / OPTIONS_FILE).read_text())
    key = "estimator" if "estimator" in options else "kind"
    (folder / OPTIONS_FILE).write_text(json.dumps({**options, key: "system"}))
    manifests.write(folder, manifest.model_copy(update={"files": manifests.files_of(folder)}))  # re-hashed
    with pytest.raises(CorruptPackage, match="must be one of"):
        load_package(folder)


def test_a_scikit_learn_package_loads_without_importing_torch(tmp_path: Path) -> None:
    """skops lists sklearn's estimators on import, which would import torch through sklearn's shim."""
    from sklearn.linear_model import LogisticRegression

    frame = pd.DataFrame({"a": [0.0, 1.0, 2.0, 3.0], "b": [1.0, 0.0, 1.0, 0.0]})
    save_package(LogisticRegression().fit(frame, [0, 0, 1, 1]), tmp_path / "pkg", input_example=frame)
    script = f"""
import sys
from pathlib import Path
from tether.models.package import load_package
load_package(Path({str(tmp_path / "pkg")!r}))
shim = "sklearn.externals.array_api_compat.torch"
print("torch" in sys.modules, shim in sys.modules)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
