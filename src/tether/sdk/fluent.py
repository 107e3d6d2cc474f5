"""The fluent API: ``tether.start_run()``, ``tether.log_metric()`` … acting on the active run.

State is per process: one backend (opened on first use from the environment, or ``configure``), one stack
of active runs shared by all threads (so a data-loader thread logs to the run the main thread started),
and one metric buffer. An atexit hook flushes the buffer and ends runs still open: FAILED when an uncaught
exception ended the program, KILLED on Ctrl-C, FINISHED otherwise.
"""

from __future__ import annotations

import atexit
import io
import operator
import os
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from tether.errors import ConfigError, InvalidInput, NotFound, StorageError
from tether.tracking.limits import check_key
from tether.types import RunStatus, ViewType

if TYPE_CHECKING:
    import pandas as pd

    from tether.client import Backend, TrackingAPI
    from tether.config import Settings
    from tether.monitoring.schemas import StoredReport
    from tether.sdk.buffer import MetricBuffer
    from tether.sdk.system_metrics import SystemMetricsMonitor
    from tether.tracking.schemas import Experiment, Run


class ActiveRun:
    """A started run; use it as a context manager to end it with the right status."""

    def __init__(self, run: Run) -> None:
        self.run_id = run.run_id
        self.experiment_id = run.experiment_id
        self.run_name = run.run_name
        self._steps: dict[str, int] = {}
        self._monitor: SystemMetricsMonitor | None = None

    @property
    def info(self) -> Run:
        """The run as stored now (pending metrics flushed first)."""
        flush()
        return _tracking().get_run(self.run_id)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        _end_through(self, _status_for(exc_type, exc))

    def __repr__(self) -> str:
        return f"ActiveRun(run_id={self.run_id!r}, run_name={self.run_name!r})"


class _State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.settings: Settings | None = None
        self.backend: Backend | None = None
        self.buffer: MetricBuffer | None = None
        self.experiment_id: str | None = None
        self.stack: list[ActiveRun] = []
        self.valid_keys: set[str] = set()
        self.exit_status: RunStatus = "FINISHED"
        self.hooks_installed = False


_state = _State()


def _backend() -> Backend:
    with _state.lock:
        if _state.backend is None:
            from tether.client import connect

            _state.backend = connect(_state.settings)
            _install_exit_hooks()
        return _state.backend


def _tracking() -> TrackingAPI:
    return _backend().tracking


def _buffer() -> MetricBuffer:
    buffer = _state.buffer
    if buffer is None:
        with _state.lock:
            if _state.buffer is None:
                from tether.sdk.buffer import MetricBuffer

                backend = _backend()
                if backend.remote:  # a server may be away for a while: keep the points and try again
                    _state.buffer = MetricBuffer(
                        backend.tracking.log_metrics, on_full="drop", retry_on=(StorageError,)
                    )
                else:
                    _state.buffer = MetricBuffer(backend.tracking.log_metrics, on_full="wait")
            buffer = _state.buffer
    return buffer


def configure(
    home: str | os.PathLike[str] | None = None,
    *,
    db_url: str | None = None,
    blob_url: str | None = None,
    uri: str | None = None,
) -> None:
    """Point the fluent API at another store (pending metrics are written to the old one first).

    ``home`` is a folder for an embedded store; ``db_url``/``blob_url`` override its parts. ``uri``
    (``http://host:port``) sends every call to a tether server instead, as ``TETHER_URI`` does.
    With no arguments, go back to the environment's settings.
    """
    from tether.config import Settings

    if uri is not None and not uri.startswith(("http://", "https://")):
        raise ConfigError(f"the server URI must start with http:// or https://, got {uri!r}")
    with _state.lock:
        _close_backend()
        if home is None and db_url is None and blob_url is None and uri is None:
            _state.settings = None
            return
        base = Settings.at(home) if home is not None else Settings.from_env()
        _state.settings = Settings(
            home=base.home,
            db_url=db_url or base.db_url,
            blob_url=blob_url or base.blob_url,
            blob_options=base.blob_options,
            uri=uri,
            token=base.token if uri is not None else None,
        )


def _close_backend() -> None:
    if _state.buffer is not None:
        _state.buffer.close()
        _state.buffer = None
    if _state.backend is not None:
        _state.backend.close()
        _state.backend = None
    _state.experiment_id = None


# --- experiments and runs -----------------------------------------------------------------------------


def set_experiment(name: str | None = None, *, experiment_id: str | None = None) -> Experiment:
    """Make an experiment current for new runs, creating it by name if it does not exist."""
    tracking = _tracking()
    if experiment_id is not None:
        experiment = tracking.get_experiment(experiment_id)
    elif name is not None:
        experiment = _get_or_create_experiment(tracking, name)
    else:
        raise InvalidInput("set_experiment needs a name or an experiment_id")
    if experiment.lifecycle_stage != "active":
        raise InvalidInput(f"experiment '{experiment.name}' is deleted; restore it first")
    _state.experiment_id = experiment.experiment_id
    return experiment


def _get_or_create_experiment(tracking: TrackingAPI, name: str) -> Experiment:
    from tether.errors import AlreadyExists

    try:
        return tracking.get_experiment_by_name(name)
    except NotFound:
        pass
    try:
        return tracking.get_experiment(tracking.create_experiment(name))
    except AlreadyExists:  # another process created it between our two calls
        return tracking.get_experiment_by_name(name)


def start_run(
    run_id: str | None = None,
    *,
    experiment: str | None = None,
    experiment_id: str | None = None,
    run_name: str | None = None,
    nested: bool = False,
    tags: Mapping[str, object] | None = None,
    description: str | None = None,
    log_system_metrics: bool = False,
    system_metrics_interval: float = 10.0,
) -> ActiveRun:
    """Start a new run (or resume ``run_id``) and make it active; use with ``with``."""
    from tether.sdk import context

    tracking = _tracking()
    # The monitor is built before the run exists, so a bad interval leaves no half-started run behind.
    started: list[ActiveRun] = []
    monitor = None
    if log_system_metrics:
        from tether.sdk.system_metrics import SystemMetricsMonitor

        monitor = SystemMetricsMonitor(
            lambda values, step: _log_metrics_to(started[0], values, step), interval_s=system_metrics_interval
        )
    with _state.lock:
        if _state.stack and not nested:
            active = _state.stack[-1]
            raise InvalidInput(
                f"run {active.run_id} ({active.run_name}) is still active; end it with end_run() "
                "or start this one with nested=True"
            )
        if run_id is not None:
            run = tracking.update_run(run_id, status="RUNNING")
        else:
            if experiment is not None:
                set_experiment(experiment)
            all_tags = {**context.system_tags(), **{k: str(v) for k, v in (tags or {}).items()}}
            if description is not None:
                all_tags[context.TAG_NOTE] = description
            run = tracking.create_run(
                experiment_id or _state.experiment_id or "0",
                run_name=run_name,
                tags=all_tags,
                parent_run_id=_state.stack[-1].run_id if _state.stack else None,
                user_id=context.current_user(),
            )
        active_run = ActiveRun(run)
        _state.stack.append(active_run)
    started.append(active_run)
    if monitor is not None:
        active_run._monitor = monitor
        monitor.start()
    return active_run


def active_run() -> ActiveRun | None:
    return _state.stack[-1] if _state.stack else None


def end_run(status: RunStatus = "FINISHED") -> None:
    """End the active run (no-op when none is active)."""
    run = active_run()
    if run is not None:
        _end_through(run, status)


def _end_through(run: ActiveRun, status: RunStatus) -> None:
    """End ``run`` and any runs nested above it on the stack."""
    with _state.lock:
        if run not in _state.stack:
            return
        ending = _state.stack[_state.stack.index(run) :]
        del _state.stack[_state.stack.index(run) :]
    for each in reversed(ending):
        if each._monitor is not None:
            each._monitor.stop()
    flush()
    for each in reversed(ending):
        _tracking().update_run(each.run_id, status=status)


def _status_for(exc_type: type[BaseException] | None, exc: BaseException | None) -> RunStatus:
    if exc_type is None:
        return "FINISHED"
    if issubclass(exc_type, KeyboardInterrupt):
        return "KILLED"
    if isinstance(exc, SystemExit) and exc.code in (0, None):
        return "FINISHED"
    return "FAILED"


def _require_run() -> ActiveRun:
    if not _state.stack:
        raise InvalidInput("no active run: call tether.start_run() first")
    return _state.stack[-1]


# --- logging ------------------------------------------------------------------------------------------


def log_param(key: str, value: object) -> None:
    _tracking().log_params(_require_run().run_id, {key: value})


def log_params(params: Mapping[str, object]) -> None:
    _tracking().log_params(_require_run().run_id, params)


def set_tag(key: str, value: object) -> None:
    _tracking().set_tags(_require_run().run_id, {key: value})


def set_tags(tags: Mapping[str, object]) -> None:
    _tracking().set_tags(_require_run().run_id, tags)


def log_metric(key: str, value: float, step: int | None = None, timestamp: int | None = None) -> None:
    """Queue one point; without ``step`` it continues from the key's previous step (starting at 0)."""
    run = _state.stack[-1] if _state.stack else _require_run()
    _queue(run, key, value, step, timestamp)


def log_metrics(values: Mapping[str, float], step: int | None = None, timestamp: int | None = None) -> None:
    _log_metrics_to(_require_run(), values, step, timestamp)


def _log_metrics_to(
    run: ActiveRun, values: Mapping[str, float], step: int | None, timestamp: int | None = None
) -> None:
    stamp = _now_ms() if timestamp is None else timestamp
    for key, value in values.items():
        _queue(run, key, value, step, stamp)


def _queue(run: ActiveRun, key: str, value: float, step: int | None, timestamp: int | None) -> None:
    """The hot path of metric logging: validate cheaply, then one append to the buffer."""
    if key not in _state.valid_keys:
        check_key("metric", key)
        _state.valid_keys.add(key)
    try:
        number = float(value)
        step = run._steps.get(key, 0) if step is None else operator.index(step)
    except (TypeError, ValueError) as error:
        raise InvalidInput(
            f"metric {key!r}: the value must be a number and the step an integer ({error})"
        ) from error
    run._steps[key] = step + 1
    buffer = _state.buffer or _buffer()
    buffer.add(run.run_id, key, number, step, _now_ms() if timestamp is None else timestamp)


def _now_ms() -> int:
    return int(time.time() * 1000)


def flush() -> None:
    """Write every queued metric point now."""
    if _state.buffer is not None:
        _state.buffer.flush()


def log_artifact(local_path: str | os.PathLike[str], artifact_path: str | None = None) -> str:
    return _tracking().log_artifact(_require_run().run_id, local_path, artifact_path)


def log_artifacts(local_dir: str | os.PathLike[str], artifact_path: str | None = None) -> list[str]:
    return _tracking().log_artifacts(_require_run().run_id, local_dir, artifact_path)


def _log_bytes(data: bytes, artifact_path: str) -> None:
    _tracking().log_artifact_stream(_require_run().run_id, io.BytesIO(data), artifact_path)


def log_text(text: str, artifact_path: str) -> None:
    from tether.sdk import serialize

    _log_bytes(serialize.text_bytes(text), artifact_path)


def log_dict(data: Any, artifact_path: str) -> None:
    """Store a dict as JSON, or as YAML when ``artifact_path`` ends in .yaml/.yml."""
    from tether.sdk import serialize

    _log_bytes(serialize.dict_bytes(data, artifact_path), artifact_path)


def log_figure(figure: Any, artifact_path: str) -> None:
    from tether.sdk import serialize

    _log_bytes(serialize.figure_bytes(figure, artifact_path), artifact_path)


def log_image(image: Any, artifact_path: str) -> None:
    from tether.sdk import serialize

    _log_bytes(serialize.image_bytes(image, artifact_path), artifact_path)


def log_report(result: Any, name: str = "", run_id: str | None = None) -> StoredReport:
    """Store a monitoring report or suite outcome with the active run (or the run ``run_id``)."""
    document = result.as_dict() if hasattr(result, "as_dict") else dict(result)
    subject = f"run:{run_id or _require_run().run_id}"
    return _backend().monitoring.log_report(subject, document, name)


# --- reading ------------------------------------------------------------------------------------------


def get_run(run_id: str) -> Run:
    flush()
    return _tracking().get_run(run_id)


def search_runs(
    filter: str = "",
    order_by: Sequence[str] = (),
    *,
    experiment_names: Sequence[str] | None = None,
    experiment_ids: Sequence[str] | None = None,
    max_results: int = 100_000,
    view: ViewType = "active",
) -> pd.DataFrame:
    """Runs as a DataFrame: attribute columns, then ``metrics.*``, ``params.*`` and ``tags.*``.

    Searches the current experiment unless experiments are named.
    """
    from tether.sdk.frames import runs_frame

    flush()
    tracking = _tracking()
    ids = list(experiment_ids or [])
    ids += [tracking.get_experiment_by_name(name).experiment_id for name in experiment_names or []]
    if not ids:
        ids = [_state.experiment_id or "0"]
    runs: list[Run] = []
    token: str | None = None
    while len(runs) < max_results:
        page = tracking.search_runs(ids, filter, order_by, min(max_results - len(runs), 10_000), token, view)
        runs.extend(page.items)
        if not (token := page.next_page_token):
            break
    return runs_frame(runs)


# --- process exit -------------------------------------------------------------------------------------


def _install_exit_hooks() -> None:
    if _state.hooks_installed:
        return
    _state.hooks_installed = True
    previous = sys.excepthook

    def remember_crash(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        _state.exit_status = _status_for(exc_type, exc)
        previous(exc_type, exc, tb)

    sys.excepthook = remember_crash
    atexit.register(_at_exit)


def _at_exit() -> None:
    """Write pending metrics and end open runs; never raise during interpreter shutdown."""
    try:
        if _state.stack:
            _end_through(_state.stack[0], _state.exit_status)
        _close_backend()
    except Exception as error:  # report, but let the interpreter finish exiting
        print(f"tether: could not finish logging at exit: {error}", file=sys.stderr)
