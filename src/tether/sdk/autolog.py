"""``tether.autolog()``: log every scikit-learn fit, and the fitted model, without touching the training code.

Enabling replaces ``fit``, ``fit_transform`` and ``fit_predict`` on each scikit-learn class that defines
them with a wrapper; disabling puts the originals back. Only one fit is logged at a time in the process:
fits that start while it runs (a Pipeline's steps, a search's candidates, also ones run on joblib threads)
belong to it and are not logged again. Logging is a side effect that must never change what the method
does: its errors are reported through ``logging`` and the call goes on, returning or raising exactly as it
would without tether.
"""

from __future__ import annotations

import functools
import inspect
import logging
import threading
import time
from collections.abc import Callable, Mapping
from types import MethodType
from typing import Any

from tether.errors import Conflict, InvalidInput
from tether.sdk import fluent, runs, state
from tether.sdk.context import TAG_AUTOLOG
from tether.tracking.limits import MAX_PARAM_VALUE, check_key

_logger = logging.getLogger(__name__)

TAG_ESTIMATOR_CLASS = "estimator_class"
TAG_ESTIMATOR_NAME = "estimator_name"
TAG_SKIPPED_PARAMS = "tether.autolog.skipped_params"
METRIC_TRAINING_SCORE = "training_score"
METRIC_FIT_TIME = "fit_time_s"

FIT_METHODS = ("fit", "fit_transform", "fit_predict")

Fit = Callable[..., Any]

MODEL_NAME = "model"
EXAMPLE_ROWS = 5

_patch_lock = threading.Lock()
_settings = {"log_models": True}
_originals: dict[tuple[type[Any], str], Any] = {}
_fit_in_progress = threading.Lock()


def autolog(*, disable: bool = False, log_models: bool = True) -> None:
    """Log params, training score and fit time of every scikit-learn ``fit``, ``fit_transform`` and
    ``fit_predict``, and (``log_models``) the fitted model as a package, with the first rows of the
    training data as its input example (``disable=True`` stops it all).

    A fit outside a run gets a run of its own, named after the estimator and ended when the fit returns
    (FINISHED) or raises (FAILED); inside a run, the fit logs into it, a second model under ``model-2``
    and so on. Calling it again changes only ``log_models``.
    """
    _settings["log_models"] = log_models
    with _patch_lock:
        if disable:
            for (owner, name), original in _originals.items():
                setattr(owner, name, original)
            _originals.clear()
            return
        if _originals:
            return
        for owner, name in _fit_owners():
            original = owner.__dict__[name]
            _originals[owner, name] = original
            setattr(
                owner, name, _wrap(original) if inspect.isfunction(original) else _WrappedDescriptor(original)
            )


def _fit_owners() -> set[tuple[type[Any], str]]:
    """(class, method name) pairs whose definition runs for some scikit-learn estimator (often a base)."""
    try:
        from sklearn.pipeline import Pipeline
        from sklearn.utils import all_estimators
    except ImportError as error:
        raise InvalidInput("autolog needs scikit-learn: pip install 'tether[sklearn]'") from error
    owners: set[tuple[type[Any], str]] = set()
    for cls in [Pipeline, *(cls for _, cls in all_estimators())]:
        for name in FIT_METHODS:
            owner = next((base for base in cls.__mro__ if name in base.__dict__), None)
            if owner is not None:
                owners.add((owner, name))
    return owners


class _WrappedDescriptor:
    """Stands in for a method scikit-learn defines through a descriptor (``available_if``, a property).

    The descriptor still decides whether the method exists (``hasattr`` keeps working); the bound method it
    hands out is wrapped on the way.
    """

    def __init__(self, descriptor: Any) -> None:
        self.descriptor = descriptor

    def __get__(self, estimator: Any, owner: type[Any] | None = None) -> Any:
        method = self.descriptor.__get__(estimator, owner)
        function = getattr(method, "__func__", None)
        if estimator is None or function is None:
            return method
        return MethodType(_wrap(function), estimator)


def _wrap(original: Fit) -> Fit:
    @functools.wraps(original)
    def fit(estimator: Any, *args: Any, **kwargs: Any) -> Any:
        if not _fit_in_progress.acquire(blocking=False):
            return original(estimator, *args, **kwargs)
        try:
            return _logged_fit(original, estimator, args, kwargs)
        finally:
            _fit_in_progress.release()

    return fit


def _logged_fit(original: Fit, estimator: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    run, own_run = _run_for(estimator)
    if run is not None:
        _guarded("log the estimator's params", _log_params_and_tags, estimator)
    started = time.perf_counter()
    try:
        result = original(estimator, *args, **kwargs)
    except BaseException as error:
        if own_run and run is not None:
            _guarded("end the run", run.__exit__, type(error), error, error.__traceback__)
        raise
    fit_time = time.perf_counter() - started
    if run is not None:
        _guarded("log the training metrics", _log_metrics, run, estimator, original, args, kwargs, fit_time)
        if _settings["log_models"]:
            _guarded("log the fitted model", _log_model, run, estimator, original, args, kwargs)
        if own_run:
            _guarded("end the run", run.__exit__, None, None, None)
    return result


def _run_for(estimator: Any) -> tuple[runs.ActiveRun | None, bool]:
    """The active run, or a new one for this fit (True: ours to end); None when no run can be had."""
    run = runs.active_run()
    if run is not None:
        return run, False
    try:
        return runs.start_run(run_name=type(estimator).__name__), True
    except Exception as error:  # a broken store must not stop the user's fit
        _warn("start a run", error)
        return None, False


def _log_params_and_tags(estimator: Any) -> None:
    cls = type(estimator)
    params, skipped = _loggable_params(estimator.get_params(deep=False))
    tags = {
        TAG_AUTOLOG: "sklearn",
        TAG_ESTIMATOR_CLASS: f"{cls.__module__}.{cls.__qualname__}",
        TAG_ESTIMATOR_NAME: cls.__name__,
    }
    if skipped:
        tags[TAG_SKIPPED_PARAMS] = ",".join(skipped)
    fluent.set_tags(tags)
    _log_new_params(params)


def _loggable_params(params: Mapping[str, Any]) -> tuple[dict[str, str], list[str]]:
    """Params as the strings tether stores; keys it would refuse (value too long, odd key) set aside."""
    kept: dict[str, str] = {}
    skipped: list[str] = []
    for key, value in params.items():
        try:
            check_key("param", key)
        except InvalidInput:
            skipped.append(key)
            continue
        text = str(value)
        if len(text) > MAX_PARAM_VALUE:
            skipped.append(key)
        else:
            kept[key] = text
    return kept, skipped


def _log_new_params(params: dict[str, str]) -> None:
    """Log params; on a second fit in one run, keep the first fit's value where the two differ."""
    try:
        fluent.log_params(params)
    except Conflict:
        run = runs.active_run()
        stored = fluent.get_run(run.run_id).params if run is not None else {}
        changed = sorted(key for key, value in params.items() if key in stored and stored[key] != value)
        if not changed:
            raise
        _logger.warning(
            "tether autolog: the run already has other values for params %s (an earlier fit); "
            "keeping those, start a run per fit to record each one",
            ", ".join(changed),
        )
        fluent.log_params({key: value for key, value in params.items() if key not in changed})


def _log_metrics(
    run: runs.ActiveRun,
    estimator: Any,
    original: Fit,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    fit_time: float,
) -> None:
    values = {METRIC_FIT_TIME: fit_time}
    score = _training_score(estimator, original, args, kwargs)
    if score is not None:
        values[METRIC_TRAINING_SCORE] = score
    run.queue_all(values, None)


def _log_model(
    run: runs.ActiveRun, estimator: Any, original: Fit, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    """The fitted estimator as a package in the run, its example the first rows it was fitted on."""
    X = _fit_arguments(original, estimator, args, kwargs).get("X")
    if X is None:
        return
    example = X.iloc[:EXAMPLE_ROWS] if hasattr(X, "iloc") else X[:EXAMPLE_ROWS]
    taken = {a.path for a in state.tracking().list_artifacts(run.run_id)}
    name = next(n for n in (MODEL_NAME, *(f"{MODEL_NAME}-{k}" for k in range(2, 10_000))) if n not in taken)
    fluent.log_model(estimator, name, input_example=example)


def _fit_arguments(
    original: Fit, estimator: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> dict[str, Any]:
    """The fit's arguments by name, ``X`` also under "X" whatever the method calls it; {} if none bind."""
    try:
        bound = dict(inspect.signature(original).bind(estimator, *args, **kwargs).arguments)
    except TypeError:
        return {}
    names = list(bound)
    if len(names) > 1:
        bound["X"] = bound[names[1]]
    return bound


def _training_score(
    estimator: Any, original: Fit, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> float | None:
    """``estimator.score`` on the training data when the fit had targets; None when it cannot be had."""
    if not hasattr(estimator, "score"):
        return None
    bound = _fit_arguments(original, estimator, args, kwargs)
    X, y = bound.get("X"), bound.get("y", bound.get("Y"))
    if X is None or y is None:
        return None
    extra: dict[str, Any] = {}
    weight = bound.get("sample_weight")
    if weight is not None and "sample_weight" in inspect.signature(estimator.score).parameters:
        extra["sample_weight"] = weight
    try:
        return float(estimator.score(X, y, **extra))
    except Exception as error:  # some estimators cannot score what they were fitted on; that is no failure
        _logger.debug("tether autolog: no training score for %s: %s", type(estimator).__name__, error)
        return None


def _guarded(what: str, action: Callable[..., Any], *args: Any) -> None:
    try:
        action(*args)
    except Exception as error:  # logging is a side effect: the fit's own outcome must stand
        _warn(what, error)


def _warn(what: str, error: Exception) -> None:
    _logger.warning("tether autolog could not %s (%s); the fit itself is not affected", what, error)
