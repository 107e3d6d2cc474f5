"""The tracking domain's REST API: one declaration per endpoint (see ``tether.endpoints``).

Listing shows only the experiments the caller may read, and whoever creates an experiment manages it.
With authentication on, a new run's ``user_id`` is the signed-in user, whatever the body says. Artifact
uploads and downloads stream, so they are hand-written (``tether.server.routers.artifacts``).

Order matters where paths overlap: ``/experiments/by-name`` is declared before ``/experiments/{id}``.
"""

from __future__ import annotations

from tether.endpoints import SIGNED_IN, Domain, Endpoint, in_body, in_path, in_query, on, tagged
from tether.schemas import Page
from tether.tracking.schemas import (
    ArtifactInfo,
    ArtifactListQuery,
    ArtifactPathQuery,
    Experiment,
    ExperimentActivity,
    ExperimentCreate,
    ExperimentCreated,
    ExperimentKeys,
    ExperimentNameQuery,
    ExperimentRename,
    ExperimentsQuery,
    LogBatchRequest,
    MetricHistory,
    MetricSeriesQuery,
    PreviewQuery,
    Run,
    RunCountsRequest,
    RunCreate,
    RunUpdate,
    SearchRunsRequest,
    TablePreview,
    TagKeyQuery,
    TagWrite,
)

EXPERIMENT = in_path("experiment", "experiment_id")
RUN = in_path("run", "run_id")

_EXPERIMENTS = (
    Endpoint(
        "GET",
        "/experiments",
        "list_experiments",
        SIGNED_IN,
        Page[Experiment],
        query=ExperimentsQuery,
        caller={"among": "readable"},
    ),
    Endpoint(
        "POST",
        "/experiments",
        "create_experiment",
        SIGNED_IN,
        ExperimentCreated,
        body=ExperimentCreate,
        status=201,
        envelope="experiment_id",
        caller={"manager": "user_id"},
    ),
    Endpoint(
        "GET",
        "/experiments/by-name",
        "get_experiment_by_name",
        on("READ", in_query("experiment-name", "name")),
        Experiment,
        query=ExperimentNameQuery,
    ),
    Endpoint(
        "POST",
        "/experiments/run-counts",
        "count_runs",
        on("READ", in_body("experiment", "experiment_ids")),
        dict[str, int],
        body=RunCountsRequest,
    ),
    Endpoint(
        "POST",
        "/experiments/activity",
        "experiment_activity",
        on("READ", in_body("experiment", "experiment_ids")),
        dict[str, ExperimentActivity],
        body=RunCountsRequest,
    ),
    Endpoint(
        "GET", "/experiments/{experiment_id}/keys", "experiment_keys", on("READ", EXPERIMENT), ExperimentKeys
    ),
    Endpoint("GET", "/experiments/{experiment_id}", "get_experiment", on("READ", EXPERIMENT), Experiment),
    Endpoint(
        "PATCH",
        "/experiments/{experiment_id}",
        "rename_experiment",
        on("MANAGE", EXPERIMENT),
        Experiment,
        body=ExperimentRename,
    ),
    Endpoint("DELETE", "/experiments/{experiment_id}", "delete_experiment", on("MANAGE", EXPERIMENT)),
    Endpoint("POST", "/experiments/{experiment_id}/restore", "restore_experiment", on("MANAGE", EXPERIMENT)),
    Endpoint(
        "POST",
        "/experiments/{experiment_id}/tags",
        "set_experiment_tag",
        on("EDIT", EXPERIMENT),
        body=TagWrite,
    ),
    Endpoint(
        "DELETE",
        "/experiments/{experiment_id}/tags",
        "delete_experiment_tag",
        on("EDIT", EXPERIMENT),
        query=TagKeyQuery,
    ),
)

_RUNS = (
    Endpoint(
        "POST",
        "/runs",
        "create_run",
        on("EDIT", in_body("experiment", "experiment_id")),
        Run,
        body=RunCreate,
        status=201,
        caller={"user_id": "username_or_given"},
    ),
    Endpoint(
        "POST",
        "/runs/search",
        "search_runs",
        on("READ", in_body("experiment", "experiment_ids")),
        Page[Run],
        body=SearchRunsRequest,
    ),
    Endpoint("GET", "/runs/{run_id}", "get_run", on("READ", RUN), Run),
    Endpoint("PATCH", "/runs/{run_id}", "update_run", on("EDIT", RUN), Run, body=RunUpdate),
    Endpoint("DELETE", "/runs/{run_id}", "delete_run", on("EDIT", RUN)),
    Endpoint("POST", "/runs/{run_id}/restore", "restore_run", on("EDIT", RUN)),
    Endpoint("GET", "/runs/{run_id}/children", "child_runs", on("READ", RUN), list[str]),
    Endpoint(
        "POST",
        "/runs/{run_id}/batch",
        "log_batch",
        on("EDIT", RUN),
        body=LogBatchRequest,
        idempotency="batch_id",
    ),
    Endpoint("DELETE", "/runs/{run_id}/tags", "delete_tag", on("EDIT", RUN), query=TagKeyQuery),
    Endpoint(
        "GET",
        "/runs/{run_id}/metric-history",
        "get_metric_series",
        on("READ", RUN),
        MetricHistory,
        query=MetricSeriesQuery,
    ),
)

_ARTIFACTS = (
    Endpoint(
        "GET",
        "/runs/{run_id}/artifact-info",
        "artifact_info",
        on("READ", RUN),
        ArtifactInfo,
        query=ArtifactPathQuery,
    ),
    Endpoint(
        "GET",
        "/runs/{run_id}/artifact-preview",
        "preview_artifact",
        on("READ", RUN),
        TablePreview,
        query=PreviewQuery,
    ),
    Endpoint(
        "GET",
        "/runs/{run_id}/artifacts",
        "list_artifacts",
        on("READ", RUN),
        list[ArtifactInfo],
        query=ArtifactListQuery,
    ),
)

DOMAIN = Domain(
    "tracking",
    (*tagged("experiments", _EXPERIMENTS), *tagged("runs", _RUNS), *tagged("artifacts", _ARTIFACTS)),
    scopes={"run": "experiment_of_run", "experiment-name": "experiment_id_named"},
    streams=("log_artifact_stream", "open_artifact"),
    internal=("unmet_conditions", "local_artifact_dir"),
)
