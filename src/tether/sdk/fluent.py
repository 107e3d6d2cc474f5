"""The fluent API: ``tether.log_metric()``, ``tether.log_params()`` … acting on the active run.

The process state (backend, buffer, current experiment) is ``state.py``, and starting and ending runs is
``runs.py``; this module holds what is logged and read while a run is active.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from tether.sdk import artifacts
from tether.sdk.runs import active_run, lifecycle, require_run
from tether.sdk.state import backend, flush, state, tracking
from tether.types import ViewType

if TYPE_CHECKING:
    import pandas as pd

    from tether.data.schemas import Commit
    from tether.models.package import Model
    from tether.models.signatures import ModelInput
    from tether.monitoring.schemas import StoredReport
    from tether.registry.schemas import AliasInfo, ModelVersion
    from tether.sdk.data import DataVersion
    from tether.sdk.models import ModelInfo
    from tether.tracking.schemas import Run


def log_param(key: str, value: object) -> None:
    tracking().log_batch(require_run().run_id, params={key: value})


def log_params(params: Mapping[str, object]) -> None:
    tracking().log_batch(require_run().run_id, params=params)


def set_tag(key: str, value: object) -> None:
    tracking().log_batch(require_run().run_id, tags={key: value})


def set_tags(tags: Mapping[str, object]) -> None:
    tracking().log_batch(require_run().run_id, tags=tags)


def log_metric(key: str, value: float, step: int | None = None, timestamp: int | None = None) -> None:
    """Queue one point; without ``step`` it continues from the key's previous step (starting at 0)."""
    (lifecycle.stack[-1] if lifecycle.stack else require_run()).queue(key, value, step, timestamp)


def log_metrics(values: Mapping[str, float], step: int | None = None, timestamp: int | None = None) -> None:
    require_run().queue_all(values, step, timestamp)


def log_artifact(local_path: str | os.PathLike[str], artifact_path: str | None = None) -> str:
    return artifacts.upload_file(tracking(), require_run().run_id, local_path, artifact_path)


def log_artifacts(local_dir: str | os.PathLike[str], artifact_path: str | None = None) -> list[str]:
    return artifacts.upload_dir(tracking(), require_run().run_id, local_dir, artifact_path)


def _log_bytes(data: bytes, artifact_path: str) -> None:
    tracking().log_artifact_stream(require_run().run_id, io.BytesIO(data), artifact_path)


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
    subject = f"run:{run_id or require_run().run_id}"
    return backend().monitoring.log_report(subject, document, name)


def log_input(dataset: DataVersion | str, run_id: str | None = None) -> Commit:
    """Record that the active run (or the run ``run_id``) read a dataset version: a ``DataVersion``
    from ``tt.data.get`` or a spec such as ``churn@v3`` (a branch is resolved to its commit now)."""
    spec = dataset if isinstance(dataset, str) else dataset.ref
    return backend().data.log_input(run_id or require_run().run_id, spec)


def log_model(
    model: Any,
    name: str = "model",
    *,
    input_example: ModelInput,
    flavor: str | None = None,
    registered_model_name: str | None = None,
    options: Mapping[str, Any] | None = None,
) -> ModelInfo:
    """Package ``model`` (signature inferred from ``input_example``) as the active run's artifacts, and
    register it as a new version of ``registered_model_name`` when given."""
    from tether.sdk import models

    run_id = require_run().run_id
    return models.log_model(
        backend(), run_id, model, name, input_example, flavor, registered_model_name, options
    )


def load_model(uri: str, *, allow_pickle: bool = False, device: str | None = None) -> Model:
    """The model at ``runs:/…``, ``models:/<name>/<version>``, ``models:/<name>@<alias>`` or in a
    package folder; pickle needs ``allow_pickle``."""
    from tether.sdk import models

    return models.load_model(backend(), uri, allow_pickle=allow_pickle, device=device)


def register_model(source: str | os.PathLike[str], name: str) -> ModelVersion:
    """A new version of ``name`` (created if need be) from a ``runs:/`` or ``models:/`` URI, a package
    folder or a package at a URL; a package from elsewhere is stored with the active run, if any, or a new
    run of its own."""
    from tether.sdk import models

    active = active_run()
    return models.register_model(backend(), source, name, run_id=None if active is None else active.run_id)


def set_alias(name: str, alias: str, version: int, *, require: str = "") -> AliasInfo:
    """Point ``models:/<name>@<alias>`` at ``version``; with ``require`` (a filter over the version's
    source run, such as ``"metrics.auc >= 0.9"``) only if that run meets it."""
    from tether.sdk import context

    return backend().registry.set_alias(name, alias, version, require, actor=context.current_user())


# --- reading ------------------------------------------------------------------------------------------


def get_run(run_id: str) -> Run:
    flush()
    return tracking().get_run(run_id)


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
    api = tracking()
    ids = list(experiment_ids or [])
    ids += [api.get_experiment_by_name(name).experiment_id for name in experiment_names or []]
    if not ids:
        ids = [state.experiment_id or "0"]
    runs: list[Run] = []
    token: str | None = None
    while len(runs) < max_results:
        page = api.search_runs(ids, filter, order_by, min(max_results - len(runs), 10_000), token, view)
        runs.extend(page.items)
        if not (token := page.next_page_token):
            break
    return runs_frame(runs)
