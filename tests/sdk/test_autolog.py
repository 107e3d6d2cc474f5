"""tether.autolog() for scikit-learn: what a fit logs, which fits are logged, runs it starts and ends, and
that neither a failing fit nor failing logging changes what the user's ``fit`` does."""

from __future__ import annotations

import inspect
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import joblib
import numpy as np
import pytest
from sklearn.cluster import FeatureAgglomeration, KMeans
from sklearn.datasets import load_iris
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils.validation import has_fit_parameter
from tests.support import Target, unique

import tether
from tether.sdk import autolog as autolog_module
from tether.sdk import fluent, runs
from tether.tracking.schemas import Run

LOGGER = "tether.sdk.autolog"


@pytest.fixture(scope="module")
def iris() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_iris(return_X_y=True)
    return X, y


@dataclass(frozen=True)
class Store:
    """Where autologged runs go: an experiment of the test's own, locally or through a server."""

    target: Target
    experiment_id: str


@pytest.fixture
def store(sqlite_target: Target) -> Iterator[Store]:
    sqlite_target.configure()
    experiment = tether.set_experiment(unique("autolog"))
    tether.autolog()
    yield Store(sqlite_target, experiment.experiment_id)
    tether.autolog(disable=True)
    while tether.active_run() is not None:
        tether.end_run()
    tether.configure()


def all_runs(store: Store) -> list[Run]:
    tether.flush()
    with store.target.client() as client:
        return client.search_runs([store.experiment_id]).items


def only_run(store: Store) -> Run:
    runs = all_runs(store)
    assert len(runs) == 1, [run.run_name for run in runs]
    return runs[0]


def logistic_regression(**params: Any) -> LogisticRegression:
    return LogisticRegression(max_iter=1000, **params)


def test_fit_outside_a_run_gets_a_finished_run_of_its_own(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    model = logistic_regression(C=0.5)
    assert model.fit(X, y) is model
    assert tether.active_run() is None
    run = only_run(store)
    assert run.status == "FINISHED"
    assert run.run_name == "LogisticRegression"
    assert run.params == {key: str(value) for key, value in model.get_params(deep=False).items()}
    assert run.params["C"] == "0.5"
    assert run.metrics["training_score"] == pytest.approx(model.score(X, y))
    assert run.metrics["fit_time_s"] >= 0.0
    assert run.tags["tether.autolog"] == "sklearn"
    assert run.tags["estimator_class"] == "sklearn.linear_model._logistic.LogisticRegression"
    assert run.tags["estimator_name"] == "LogisticRegression"
    assert "tether.autolog.skipped_params" not in run.tags


def test_fit_inside_a_run_logs_into_it_and_leaves_it_open(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    with tether.start_run(run_name="mine") as active:
        logistic_regression().fit(X, y)
        assert tether.active_run() is active
        assert tether.get_run(active.run_id).status == "RUNNING"
    run = only_run(store)
    assert run.run_name == "mine"
    assert run.status == "FINISHED"
    assert run.params["max_iter"] == "1000"
    assert "training_score" in run.metrics


def test_pipeline_logs_its_own_params_once(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    pipeline = make_pipeline(StandardScaler(), logistic_regression())
    pipeline.fit(X, y)
    run = only_run(store)
    assert run.run_name == "Pipeline"
    assert run.params.keys() == pipeline.get_params(deep=False).keys()
    assert "LogisticRegression" in run.params["steps"]
    assert run.tags["estimator_class"] == "sklearn.pipeline.Pipeline"
    assert run.metrics["training_score"] == pytest.approx(pipeline.score(X, y))


def test_grid_search_logs_the_search_not_its_candidates(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    search = GridSearchCV(logistic_regression(), {"C": [0.1, 1.0]}, cv=3)
    search.fit(X, y)
    run = only_run(store)
    assert run.run_name == "GridSearchCV"
    assert run.params["param_grid"] == "{'C': [0.1, 1.0]}"
    assert run.params["cv"] == "3"
    assert run.metrics["training_score"] == pytest.approx(search.score(X, y))


def test_fits_on_joblib_threads_are_part_of_the_logged_fit(
    store: Store, iris: tuple[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    X, y = iris
    search = GridSearchCV(logistic_regression(), {"C": [0.1, 1.0, 10.0]}, cv=3, n_jobs=2)
    with caplog.at_level(logging.WARNING, logger=LOGGER), joblib.parallel_backend("threading"):
        search.fit(X, y)
    run = only_run(store)
    assert run.tags["estimator_name"] == "GridSearchCV"
    assert "C" not in run.params
    assert caplog.records == []


def test_fit_transform_and_fit_predict_are_logged_as_one_fit(store: Store, iris: tuple[Any, Any]) -> None:
    X, _ = iris
    make_pipeline(StandardScaler(), PCA(n_components=2)).fit_transform(X)  # Pipeline: an available_if method
    PCA(n_components=2).fit_transform(X)  # its own fit_transform, which never calls fit
    StandardScaler().fit_transform(X)  # the mixin's fit_transform, which calls fit
    make_pipeline(StandardScaler(), KMeans(n_clusters=3, n_init=1, random_state=0)).fit_predict(X)
    LocalOutlierFactor(n_neighbors=5).fit_predict(X)
    runs = all_runs(store)
    assert sorted(run.run_name for run in runs) == [
        "LocalOutlierFactor",
        "PCA",
        "Pipeline",
        "Pipeline",
        "StandardScaler",
    ]
    assert all(run.status == "FINISHED" and "fit_time_s" in run.metrics for run in runs)


def test_methods_scikit_learn_hides_stay_hidden(store: Store) -> None:
    assert not hasattr(make_pipeline(StandardScaler(), PCA()), "fit_predict")
    assert not hasattr(LocalOutlierFactor(novelty=True), "fit_predict")
    assert not hasattr(FeatureAgglomeration(), "fit_predict")
    assert hasattr(make_pipeline(PCA(), KMeans()), "fit_predict")


def test_a_failing_fit_fails_its_run_and_raises(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    broken = X.copy()
    broken[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        logistic_regression().fit(broken, y)
    assert tether.active_run() is None
    run = only_run(store)
    assert run.status == "FAILED"
    assert run.params["max_iter"] == "1000"  # params are logged before the fit runs
    assert "fit_time_s" not in run.metrics


def test_a_failing_fit_inside_a_run_leaves_the_run_to_its_owner(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    with tether.start_run() as active:
        with pytest.raises(ValueError):
            logistic_regression().fit(X[:, :0], y)
        assert tether.active_run() is active
    assert only_run(store).status == "FINISHED"


def test_fit_without_targets_logs_no_training_score(store: Store, iris: tuple[Any, Any]) -> None:
    X, _ = iris
    KMeans(n_clusters=3, n_init=1, random_state=0).fit(X)
    run = only_run(store)
    assert "training_score" not in run.metrics
    assert "fit_time_s" in run.metrics


def test_keyword_arguments_and_sample_weight_reach_the_score(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    weight = np.where(y == 0, 5.0, 1.0)
    model = RandomForestClassifier(n_estimators=5, max_depth=1, random_state=0)
    model.fit(X=X, y=y, sample_weight=weight)
    run = only_run(store)
    assert run.metrics["training_score"] == pytest.approx(model.score(X, y, sample_weight=weight))


def test_a_second_fit_in_one_run_keeps_the_first_params(
    store: Store, iris: tuple[Any, Any], caplog: pytest.LogCaptureFixture
) -> None:
    X, y = iris
    with tether.start_run() as active, caplog.at_level(logging.WARNING, logger=LOGGER):
        logistic_regression(C=1.0).fit(X, y)
        logistic_regression(C=0.5, tol=0.001).fit(X, y)
    run = only_run(store)
    assert run.params["C"] == "1.0"
    assert run.params["tol"] == "0.0001"
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "C, tol" in warnings[0]
    with store.target.client() as client:
        history = client.get_metric_history(active.run_id, "training_score")
    assert [point.step for point in history] == [0, 1]


def test_params_too_long_to_store_are_skipped_and_named_in_a_tag(store: Store, iris: tuple[Any, Any]) -> None:
    X, _ = iris
    FunctionTransformer(np.log1p, kw_args={"long": "x" * 7000}).fit(X)
    run = only_run(store)
    assert "kw_args" not in run.params
    assert run.params["validate"] == "False"
    assert run.tags["tether.autolog.skipped_params"] == "kw_args"


def test_a_store_that_cannot_start_runs_does_not_stop_the_fit(
    store: Store, iris: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    X, y = iris

    def refuse(**_: Any) -> None:
        raise tether.StorageError("database is locked")

    monkeypatch.setattr(runs, "start_run", refuse)
    model = logistic_regression()
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        assert model.fit(X, y) is model
    assert hasattr(model, "coef_")
    assert "database is locked" in caplog.text
    assert all_runs(store) == []


def test_failing_logging_inside_a_run_does_not_stop_the_fit(
    store: Store, iris: tuple[Any, Any], monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    X, y = iris

    def refuse(*_: Any, **__: Any) -> None:
        raise tether.StorageError("disk full")

    monkeypatch.setattr(fluent, "set_tags", refuse)
    monkeypatch.setattr(runs.ActiveRun, "queue_all", refuse)
    with tether.start_run(), caplog.at_level(logging.WARNING, logger=LOGGER):
        model = logistic_regression().fit(X, y)
    assert hasattr(model, "coef_")
    assert caplog.text.count("disk full") == 2
    assert only_run(store).status == "FINISHED"


def test_wrapped_methods_keep_their_signatures(store: Store) -> None:
    assert has_fit_parameter(LogisticRegression(), "sample_weight")
    assert list(inspect.signature(LogisticRegression.fit).parameters) == ["self", "X", "y", "sample_weight"]
    assert "X" in inspect.signature(make_pipeline(PCA(), KMeans()).fit_predict).parameters


def test_enabling_twice_patches_once_and_disabling_restores(store: Store, iris: tuple[Any, Any]) -> None:
    tether.autolog(disable=True)
    classes = (LogisticRegression, GridSearchCV, KMeans, RandomForestClassifier)
    originals = {cls: cls.fit for cls in classes}  # the last two inherit ``fit`` from a base class
    pipeline_originals = {name: Pipeline.__dict__[name] for name in ("fit", "fit_transform", "fit_predict")}
    tether.autolog()
    wrappers = {cls: cls.fit for cls in classes}
    assert all(wrappers[cls] is not originals[cls] for cls in classes)
    assert all(wrappers[cls].__wrapped__ is originals[cls] for cls in classes)
    assert all(Pipeline.__dict__[name] is not original for name, original in pipeline_originals.items())
    tether.autolog()
    assert all(cls.fit is wrappers[cls] for cls in classes)
    tether.autolog(disable=True)
    assert all(cls.fit is originals[cls] for cls in classes)
    assert all(Pipeline.__dict__[name] is original for name, original in pipeline_originals.items())
    assert autolog_module._originals == {}
    X, y = iris
    logistic_regression().fit(X, y)
    make_pipeline(StandardScaler()).fit_transform(X)
    assert all_runs(store) == []
    tether.autolog(disable=True)


def test_autolog_is_exposed_lazily_on_the_package() -> None:
    assert tether.autolog is autolog_module.autolog


def test_the_fitted_model_is_logged_and_loads_back(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    pipeline = make_pipeline(StandardScaler(), logistic_regression()).fit(X, y)
    run = only_run(store)
    with store.target.client() as client:
        loaded = client.load_model(f"runs:/{run.run_id}/model")
        np.testing.assert_array_equal(loaded.predict(X), pipeline.predict(X))
        assert loaded.signature.inputs.model_dump()["shape"] == [None, 4]
        assert loaded.manifest.source_run == f"run:{run.run_id}"


def test_a_second_fit_in_one_run_logs_its_model_beside_the_first(store: Store, iris: tuple[Any, Any]) -> None:
    X, y = iris
    with tether.start_run():
        logistic_regression().fit(X, y)
        KMeans(n_clusters=3, n_init=2, random_state=0).fit(X)
    run = only_run(store)
    with store.target.client() as client:
        assert {a.path for a in client.list_artifacts(run.run_id)} == {"model", "model-2"}
        assert client.load_model(f"runs:/{run.run_id}/model-2").manifest.flavor == "sklearn"


def test_models_are_not_logged_when_asked_not_to(store: Store, iris: tuple[Any, Any]) -> None:
    tether.autolog(log_models=False)
    X, y = iris
    logistic_regression().fit(X, y)
    run = only_run(store)
    assert "training_score" in run.metrics
    with store.target.client() as client:
        assert client.list_artifacts(run.run_id) == []
    tether.autolog(log_models=True)
