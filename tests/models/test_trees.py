"""Malformed decision trees in a scikit-learn package are refused before anything predicts with them,
even when the attacker re-hashed the package so that its manifest matches."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from tether.errors import UnsafeModel
from tether.models import manifest as manifests
from tether.models.flavors.trees import check_trees
from tether.models.package import load_package, save_package


def data() -> tuple[pd.DataFrame, np.ndarray]:
    generator = np.random.default_rng(2)
    frame = pd.DataFrame(generator.normal(size=(80, 3)), columns=["a", "b", "c"])
    return frame, (frame["a"] > 0).to_numpy().astype(int)


def tampered(tree: DecisionTreeClassifier, change: Callable[[np.ndarray], None]) -> DecisionTreeClassifier:
    """A copy of ``tree`` whose node array was edited by ``change``, as a crafted file would hold it."""
    bad = copy.deepcopy(tree)
    state = bad.tree_.__getstate__()
    nodes = state["nodes"].copy()
    change(nodes)
    bad.tree_.__setstate__({**state, "nodes": nodes})
    return bad


def first_split(nodes: np.ndarray) -> int:
    return int(np.flatnonzero(nodes["left_child"] != -1)[0])


CHANGES: dict[str, tuple[Callable[[np.ndarray], None], str]] = {
    "out of range": (lambda n: n["left_child"].__setitem__(first_split(n), 10**6), "points outside"),
    "a loop": (lambda n: n["right_child"].__setitem__(first_split(n), 0), "back towards the root"),
    "a bad feature": (lambda n: n["feature"].__setitem__(first_split(n), 99), "feature outside"),
    "one child": (lambda n: n["right_child"].__setitem__(first_split(n), -1), "one child"),
}


@pytest.mark.parametrize("case", sorted(CHANGES))
def test_a_malformed_tree_is_refused(case: str) -> None:
    frame, labels = data()
    change, reason = CHANGES[case]
    with pytest.raises(UnsafeModel, match=reason):
        check_trees(tampered(DecisionTreeClassifier(max_depth=4).fit(frame, labels), change))


def test_trees_are_found_inside_ensembles_and_pipelines() -> None:
    frame, labels = data()
    forest = RandomForestClassifier(n_estimators=7, max_depth=3, random_state=0).fit(frame, labels)
    assert check_trees(forest) == 7
    boosted = GradientBoostingClassifier(n_estimators=4, max_depth=2).fit(frame, labels)
    assert check_trees(make_pipeline(StandardScaler(), boosted).fit(frame, labels)) == 4


def test_a_re_hashed_package_with_a_crafted_tree_does_not_load(tmp_path: Path) -> None:
    frame, labels = data()
    forest = RandomForestClassifier(n_estimators=3, max_depth=4, random_state=0).fit(frame, labels)
    folder = tmp_path / "pkg"
    manifest = save_package(forest, folder, frame.head(2))
    crafted = copy.deepcopy(forest)
    crafted.estimators_[1] = tampered(crafted.estimators_[1], CHANGES["out of range"][0])
    skops.io.dump(crafted, folder / "model.skops")
    manifests.write(folder, manifest.model_copy(update={"files": manifests.files_of(folder)}))
    with pytest.raises(UnsafeModel, match="malformed decision tree"):
        load_package(folder)
