"""The fluent API's process state: the backend it talks to, the metric buffer and the current experiment.

One state per process: one backend (opened on first use from the environment, or ``configure``) and one
metric buffer, sized by the settings. The stack of active runs is the run lifecycle's (``runs.py``).
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from tether.errors import ConfigError, StorageError
from tether.types import MetricPoint

if TYPE_CHECKING:
    from tether.client import Backend
    from tether.client.backend import TrackingAPI
    from tether.config import Settings
    from tether.sdk.buffer import MetricBuffer


class State:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.settings: Settings | None = None
        self.backend: Backend | None = None
        self.buffer: MetricBuffer | None = None
        self.experiment_id: str | None = None


state = State()


def backend() -> Backend:
    with state.lock:
        if state.backend is None:
            from tether.client import connect

            state.backend = connect(state.settings)
        return state.backend


def tracking() -> TrackingAPI:
    return backend().tracking


def buffer() -> MetricBuffer:
    found = state.buffer
    if found is None:
        with state.lock:
            if state.buffer is None:
                state.buffer = _open_buffer(backend())
            found = state.buffer
    return found


def _open_buffer(opened: Backend) -> MetricBuffer:
    from tether.config import Settings
    from tether.sdk.buffer import MetricBuffer
    from tether.tracking.schemas import MetricColumns

    settings = state.settings or Settings.from_env()
    log_batch = opened.tracking.log_batch

    def write(run_id: str, points: list[MetricPoint]) -> None:
        log_batch(run_id, MetricColumns.of(points))

    if opened.remote:  # a server may be away for a while: keep the points and try again
        return MetricBuffer(
            write, capacity=settings.metric_buffer_points, on_full="drop", retry_on=(StorageError,)
        )
    return MetricBuffer(write, capacity=settings.metric_buffer_points, on_full="wait")


def flush() -> None:
    """Write every queued metric point now."""
    if state.buffer is not None:
        state.buffer.flush()


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
    from dataclasses import replace

    from tether.config import Settings

    if uri is not None and not uri.startswith(("http://", "https://")):
        raise ConfigError(f"the server URI must start with http:// or https://, got {uri!r}")
    with state.lock:
        close_backend()
        if home is None and db_url is None and blob_url is None and uri is None:
            state.settings = None
            return
        environment = Settings.from_env()
        base = Settings.at(home) if home is not None else environment
        state.settings = replace(
            environment,
            home=base.home,
            db_url=db_url or base.db_url,
            blob_url=blob_url or base.blob_url,
            blob_options=base.blob_options,
            uri=uri,
            token=base.token if uri is not None else None,
        )


def close_backend() -> None:
    if state.buffer is not None:
        state.buffer.close()
        state.buffer = None
    if state.backend is not None:
        state.backend.close()
        state.backend = None
    state.experiment_id = None
