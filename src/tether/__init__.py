"""tether: track experiments, package and register models, and monitor them (serving and more to come).

``import tether as tt`` gives the fluent API below; ``tt.Client`` gives explicit-id access. Importing
tether is cheap: storage, pandas and friends load on first use.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING, Any

from tether.errors import (
    AlreadyExists,
    Conflict,
    CorruptPackage,
    DeprecatedModelWarning,
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
    log_input,
    log_metric,
    log_metrics,
    log_model,
    log_param,
    log_params,
    log_report,
    log_text,
    register_model,
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
    from tether.sdk.data import DataClient

    registry: RegistryAPI
    """The model registry of the configured store or server (see ``_Package``)."""
    data: DataClient
    """Versioned datasets on the configured store or server (see ``_Package``)."""


__all__ = [
    "ActiveRun",
    "AlreadyExists",
    "Client",
    "Conflict",
    "CorruptPackage",
    "DeprecatedModelWarning",
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
    "log_input",
    "log_metric",
    "log_metrics",
    "log_model",
    "log_param",
    "log_params",
    "log_report",
    "log_text",
    "register_model",
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
    raise AttributeError(f"module 'tether' has no attribute {name!r}")


class _Package(ModuleType):
    """The ``tether`` module, with ``tt.registry`` as the configured store's (or server's) model registry
    and ``tt.data`` as its datasets.

    The name is also the ``tether.registry`` package, which the import system records on this module when
    it loads (and so for ``tether.data``); the setter leaves that record in ``sys.modules`` alone, so
    ``from tether.registry import …`` works as ever, while ``tt.registry`` stays the API a user means by it.
    """

    @property
    def registry(self) -> RegistryAPI:
        from tether.sdk.state import backend

        return backend().registry

    @registry.setter
    def registry(self, package: ModuleType) -> None:
        pass

    @property
    def data(self) -> DataClient:
        """Versioned datasets on the configured store (or server): ``tt.data.get("churn@v3")``."""
        from tether.sdk.data import DataClient
        from tether.sdk.state import backend, state

        return DataClient(backend().data, state.settings.cache_dir if state.settings else None)

    @data.setter
    def data(self, package: ModuleType) -> None:
        pass


sys.modules[__name__].__class__ = _Package
