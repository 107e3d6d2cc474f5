"""The fluent API's run lifecycle: the current experiment, starting and ending runs, and how runs still
open end when the program does.

An atexit hook (installed with the first run) flushes the metric buffer and ends runs still open: FAILED
when an uncaught exception ended the program, KILLED on Ctrl-C, FINISHED otherwise.
"""

from __future__ import annotations

import atexit
import operator
import sys
import time
from collections.abc import Mapping
from types import TracebackType
from typing import TYPE_CHECKING

from tether.errors import InvalidInput, NotFound
from tether.sdk.state import buffer, close_backend, flush, state, tracking
from tether.tracking.limits import check_key
from tether.types import RunStatus

if TYPE_CHECKING:
    from tether.client.backend import TrackingAPI
    from tether.sdk.system_metrics import SystemMetricsMonitor
    from tether.tracking.schemas import Experiment, Run


class Lifecycle:
    """The runs open in this process: one stack shared by all threads (so a data-loader thread logs to the
    run the main thread started), and how the process is ending."""

    def __init__(self) -> None:
        self.stack: list[ActiveRun] = []
        self.valid_keys: set[str] = set()
        """Metric keys already checked, so the hot path checks each key once."""
        self.exit_status: RunStatus = "FINISHED"
        self.hooks_installed = False


class ActiveRun:
    """A started run; use it as a context manager to end it with the right status."""

    def __init__(self, run: Run) -> None:
        self.run_id = run.run_id
        self.experiment_id = run.experiment_id
        self.run_name = run.run_name
        self.steps: dict[str, int] = {}
        """The next step of each metric key logged without one."""
        self.monitor: SystemMetricsMonitor | None = None

    @property
    def info(self) -> Run:
        """The run as stored now (pending metrics flushed first)."""
        flush()
        return tracking().get_run(self.run_id)

    def __enter__(self) -> ActiveRun:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        end_through(self, _status_for(exc_type, exc))

    def queue(self, key: str, value: float, step: int | None, timestamp: int | None) -> None:
        """The hot path of metric logging: validate cheaply, then one append to the buffer.

        Without ``step`` it continues from the key's previous step (starting at 0).
        """
        if key not in lifecycle.valid_keys:
            check_key("metric", key)
            lifecycle.valid_keys.add(key)
        try:
            number = float(value)
            step = self.steps.get(key, 0) if step is None else operator.index(step)
        except (TypeError, ValueError) as error:
            raise InvalidInput(
                f"metric {key!r}: the value must be a number and the step an integer ({error})"
            ) from error
        self.steps[key] = step + 1
        (state.buffer or buffer()).add(
            self.run_id, key, number, step, now_ms() if timestamp is None else timestamp
        )

    def queue_all(self, values: Mapping[str, float], step: int | None, timestamp: int | None = None) -> None:
        stamp = now_ms() if timestamp is None else timestamp
        for key, value in values.items():
            self.queue(key, value, step, stamp)

    def __repr__(self) -> str:
        return f"ActiveRun(run_id={self.run_id!r}, run_name={self.run_name!r})"


lifecycle = Lifecycle()


def set_experiment(name: str | None = None, *, experiment_id: str | None = None) -> Experiment:
    """Make an experiment current for new runs, creating it by name if it does not exist."""
    api = tracking()
    if experiment_id is not None:
        experiment = api.get_experiment(experiment_id)
    elif name is not None:
        experiment = _get_or_create_experiment(api, name)
    else:
        raise InvalidInput("set_experiment needs a name or an experiment_id")
    if experiment.lifecycle_stage != "active":
        raise InvalidInput(f"experiment '{experiment.name}' is deleted; restore it first")
    state.experiment_id = experiment.experiment_id
    return experiment


def _get_or_create_experiment(api: TrackingAPI, name: str) -> Experiment:
    from tether.errors import AlreadyExists

    try:
        return api.get_experiment_by_name(name)
    except NotFound:
        pass
    try:
        return api.get_experiment(api.create_experiment(name))
    except AlreadyExists:  # another process created it between our two calls
        return api.get_experiment_by_name(name)


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

    api = tracking()
    _install_exit_hooks()
    # The monitor is built before the run exists, so a bad interval leaves no half-started run behind.
    started: list[ActiveRun] = []
    monitor = None
    if log_system_metrics:
        from tether.sdk.system_metrics import SystemMetricsMonitor

        def sample(values: Mapping[str, float], step: int | None) -> None:
            started[0].queue_all(values, step)

        monitor = SystemMetricsMonitor(sample, interval_s=system_metrics_interval)
    with state.lock:
        if lifecycle.stack and not nested:
            active = lifecycle.stack[-1]
            raise InvalidInput(
                f"run {active.run_id} ({active.run_name}) is still active; end it with end_run() "
                "or start this one with nested=True"
            )
        if run_id is not None:
            run = api.update_run(run_id, status="RUNNING")
        else:
            if experiment is not None:
                set_experiment(experiment)
            all_tags = {**context.system_tags(), **{k: str(v) for k, v in (tags or {}).items()}}
            if description is not None:
                all_tags[context.TAG_NOTE] = description
            run = api.create_run(
                experiment_id or state.experiment_id or "0",
                run_name=run_name,
                tags=all_tags,
                parent_run_id=lifecycle.stack[-1].run_id if lifecycle.stack else None,
                user_id=context.current_user(),
            )
        active_run = ActiveRun(run)
        lifecycle.stack.append(active_run)
    started.append(active_run)
    if monitor is not None:
        active_run.monitor = monitor
        monitor.start()
    return active_run


def now_ms() -> int:
    return int(time.time() * 1000)


def active_run() -> ActiveRun | None:
    return lifecycle.stack[-1] if lifecycle.stack else None


def require_run() -> ActiveRun:
    if not lifecycle.stack:
        raise InvalidInput("no active run: call tether.start_run() first")
    return lifecycle.stack[-1]


def end_run(status: RunStatus = "FINISHED") -> None:
    """End the active run (no-op when none is active)."""
    run = active_run()
    if run is not None:
        end_through(run, status)


def end_through(run: ActiveRun, status: RunStatus) -> None:
    """End ``run`` and any runs nested above it on the stack."""
    with state.lock:
        if run not in lifecycle.stack:
            return
        ending = lifecycle.stack[lifecycle.stack.index(run) :]
        del lifecycle.stack[lifecycle.stack.index(run) :]
    for each in reversed(ending):
        if each.monitor is not None:
            each.monitor.stop()
    flush()
    for each in reversed(ending):
        tracking().update_run(each.run_id, status=status)


def _status_for(exc_type: type[BaseException] | None, exc: BaseException | None) -> RunStatus:
    if exc_type is None:
        return "FINISHED"
    if issubclass(exc_type, KeyboardInterrupt):
        return "KILLED"
    if isinstance(exc, SystemExit) and exc.code in (0, None):
        return "FINISHED"
    return "FAILED"


def _install_exit_hooks() -> None:
    with state.lock:
        if lifecycle.hooks_installed:
            return
        lifecycle.hooks_installed = True
    previous = sys.excepthook

    def remember_crash(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        lifecycle.exit_status = _status_for(exc_type, exc)
        previous(exc_type, exc, tb)

    sys.excepthook = remember_crash
    atexit.register(_at_exit)


def _at_exit() -> None:
    """Write pending metrics and end open runs; never raise during interpreter shutdown."""
    try:
        if lifecycle.stack:
            end_through(lifecycle.stack[0], lifecycle.exit_status)
        close_backend()
    except Exception as error:  # report, but let the interpreter finish exiting
        print(f"tether: could not finish logging at exit: {error}", file=sys.stderr)
