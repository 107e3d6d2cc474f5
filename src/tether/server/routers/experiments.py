"""Experiments: list, create, look up by id or name, rename, delete, restore, tag, count runs.

Listing shows only the experiments the caller may read; whoever creates an experiment manages it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from tether.auth.schemas import Access
from tether.server.access import (
    COUNT_RUNS,
    EDIT_EXPERIMENT,
    MANAGE_EXPERIMENT,
    READ_EXPERIMENT,
    READ_NAMED_EXPERIMENT,
    SignedIn,
)
from tether.server.credentials import Caller
from tether.server.deps import Auth, Tracking
from tether.server.responses import json_of, json_of_value, no_content
from tether.tracking.schemas import (
    Experiment,
    ExperimentActivity,
    ExperimentCreate,
    ExperimentCreated,
    ExperimentKeys,
    ExperimentRename,
    Page,
    RunCountsRequest,
    TagWrite,
)
from tether.types import ViewType

router = APIRouter(prefix="/experiments", tags=["experiments"])


@router.get("", response_model=Page[Experiment])
def list_experiments(
    caller: SignedIn,
    tracking: Tracking,
    auth: Auth,
    view: ViewType = "active",
    max_results: Annotated[int, Query(ge=1)] = 1000,
    page_token: str | None = None,
) -> Response:
    among = None if caller.user is None else auth.readable_experiments(caller.user)
    return json_of(tracking.list_experiments(view, max_results, page_token, among=among))


@router.post("", response_model=ExperimentCreated, status_code=201)
def create_experiment(body: ExperimentCreate, caller: SignedIn, tracking: Tracking) -> Response:
    manager = None if caller.user is None else caller.user.user_id
    created = ExperimentCreated(
        experiment_id=tracking.create_experiment(body.name, body.tags, manager=manager)
    )
    return json_of(created, status_code=201)


@router.get("/by-name", response_model=Experiment, dependencies=[Depends(READ_NAMED_EXPERIMENT)])
def get_experiment_by_name(name: Annotated[str, Query(max_length=500)], tracking: Tracking) -> Response:
    return json_of(tracking.get_experiment_by_name(name))


@router.post("/run-counts", response_model=dict[str, int], dependencies=[Depends(COUNT_RUNS)])
def count_runs(body: RunCountsRequest, tracking: Tracking) -> Response:
    return json_of_value(tracking.count_runs(body.experiment_ids), dict[str, int])


@router.get("/{experiment_id}/keys", response_model=ExperimentKeys, dependencies=[Depends(READ_EXPERIMENT)])
def experiment_keys(experiment_id: str, tracking: Tracking) -> Response:
    """Param, metric and tag keys used by the experiment's runs."""
    return json_of(tracking.experiment_keys(experiment_id))


@router.get("/{experiment_id}/access", response_model=Access)
def my_access(
    experiment_id: str,
    request: Request,
    caller: Annotated[Caller, Depends(READ_EXPERIMENT)],
    tracking: Tracking,
    auth: Auth,
) -> Response:
    """What the caller may do on the experiment; without --auth everyone may do everything."""
    tracking.get_experiment(experiment_id)
    enabled = bool(request.app.state.auth_enabled)
    level = auth.level_on(caller.user, experiment_id) if caller.user is not None else "MANAGE"
    return json_of(Access(experiment_id=experiment_id, auth_enabled=enabled, level=level))


@router.post("/activity", response_model=dict[str, ExperimentActivity], dependencies=[Depends(COUNT_RUNS)])
def experiment_activity(body: RunCountsRequest, tracking: Tracking) -> Response:
    """Run counts and the latest run's start time per experiment, for listings."""
    return json_of_value(tracking.experiment_activity(body.experiment_ids), dict[str, ExperimentActivity])


@router.get("/{experiment_id}", response_model=Experiment, dependencies=[Depends(READ_EXPERIMENT)])
def get_experiment(experiment_id: str, tracking: Tracking) -> Response:
    return json_of(tracking.get_experiment(experiment_id))


@router.patch("/{experiment_id}", response_model=Experiment, dependencies=[Depends(MANAGE_EXPERIMENT)])
def rename_experiment(experiment_id: str, body: ExperimentRename, tracking: Tracking) -> Response:
    return json_of(tracking.rename_experiment(experiment_id, body.name))


@router.delete("/{experiment_id}", status_code=204, dependencies=[Depends(MANAGE_EXPERIMENT)])
def delete_experiment(experiment_id: str, tracking: Tracking) -> Response:
    tracking.delete_experiment(experiment_id)
    return no_content()


@router.post("/{experiment_id}/restore", status_code=204, dependencies=[Depends(MANAGE_EXPERIMENT)])
def restore_experiment(experiment_id: str, tracking: Tracking) -> Response:
    tracking.restore_experiment(experiment_id)
    return no_content()


@router.post("/{experiment_id}/tags", status_code=204, dependencies=[Depends(EDIT_EXPERIMENT)])
def set_experiment_tag(experiment_id: str, body: TagWrite, tracking: Tracking) -> Response:
    tracking.set_experiment_tag(experiment_id, body.key, body.value)
    return no_content()
