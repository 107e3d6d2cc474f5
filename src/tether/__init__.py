"""tether: track experiments, package models, and monitor them (serving and more as the platform grows).

``import tether as tt`` gives the fluent API below; ``tt.Client`` gives explicit-id access. Importing
tether is cheap: storage, pandas and friends load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tether.errors import (
    AlreadyExists,
    Conflict,
    CorruptPackage,
    InvalidFilter,
    InvalidInput,
    NotFound,
    SignatureMismatch,
    StorageError,
    TetherError,
    UnsafeModel,
    UnsafePath,
)
from tether.sdk.fluent import (
    get_run,
    load_model,
    log_artifact,
    log_artifacts,
    log_dict,
    log_figure,
    log_image,
    log_metric,
    log_metrics,
    log_model,
    log_param,
    log_params,
    log_report,
    log_text,
    search_runs,
    set_alias,
    set_tag,
    set_tags,
)
from tether.sdk.runs import ActiveRun, active_run, end_run, set_experiment, start_run
from tether.sdk.state import configure, flush
from tether.version import __version__

if TYPE_CHECKING:
    from tether.client.backend import RegistryAPI
    from tether.sdk.autolog import autolog
    from tether.sdk.client import Client

    registry: RegistryAPI


__all__ = [
    "ActiveRun",
    "AlreadyExists",
    "Client",
    "Conflict",
    "CorruptPackage",
    "InvalidFilter",
    "InvalidInput",
    "NotFound",
    "SignatureMismatch",
    "StorageError",
    "TetherError",
    "UnsafeModel",
    "UnsafePath",
    "__version__",
    "active_run",
    "autolog",
    "configure",
    "end_run",
    "flush",
    "get_run",
    "load_model",
    "log_artifact",
    "log_artifacts",
    "log_dict",
    "log_figure",
    "log_image",
    "log_metric",
    "log_metrics",
    "log_model",
    "log_param",
    "log_params",
    "log_report",
    "log_text",
    "search_runs",
    "set_alias",
    "set_experiment",
    "set_tag",
    "set_tags",
    "start_run",
]


def __getattr__(name: str) -> Any:
    """Load the heavier pieces only when they are asked for."""
    if name == "Client":
        from tether.sdk.client import Client

        return Client
    if name == "autolog":
        from tether.sdk.autolog import autolog

        return autolog
    if name == "registry":  # the model registry of the configured store or server
        from tether.sdk.state import backend

        return backend().registry
    raise AttributeError(f"module 'tether' has no attribute {name!r}")
