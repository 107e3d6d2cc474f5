"""Runs: create, read, update, delete/restore, log batches, metric history, search.

With authentication on, a new run's ``user_id`` is the signed-in user, whatever the body says.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header, Query, Response

from tether.server.access import EDIT_RUN, READ_RUN, SEARCH_RUNS, RunCreator
from tether.server.deps import Tracking
from tether.server.responses import json_of, json_of_value, no_content
from tether.tracking.schemas import (
    LogBatchRequest,
    MetricHistory,
    Page,
    Run,
    RunCreate,
    RunUpdate,
    SearchRunsRequest,
)

router = APIRouter(prefix="/runs", tags=["runs"])


@router.post("", response_model=Run, status_code=201)
def create_run(body: RunCreate, caller: RunCreator, tracking: Tracking) -> Response:
    run = tracking.create_run(
        body.experiment_id,
        run_name=body.run_name,
        start_time=body.start_time,
        tags=body.tags,
        parent_run_id=body.parent_run_id,
        user_id=body.user_id if caller.user is None else caller.user.username,
    )
    return json_of(run, status_code=201)


@router.post("/search", response_model=Page[Run], dependencies=[Depends(SEARCH_RUNS)])
def search_runs(body: SearchRunsRequest, tracking: Tracking) -> Response:
    page = tracking.search_runs(
        body.experiment_ids, body.filter, body.order_by, body.max_results, body.page_token, body.view
    )
    return json_of(page)


@router.get("/{run_id}", response_model=Run, dependencies=[Depends(READ_RUN)])
def get_run(run_id: str, tracking: Tracking) -> Response:
    return json_of(tracking.get_run(run_id))


@router.patch("/{run_id}", response_model=Run, dependencies=[Depends(EDIT_RUN)])
def update_run(run_id: str, body: RunUpdate, tracking: Tracking) -> Response:
    return json_of(
        tracking.update_run(run_id, status=body.status, end_time=body.end_time, run_name=body.run_name)
    )


@router.delete("/{run_id}", status_code=204, dependencies=[Depends(EDIT_RUN)])
def delete_run(run_id: str, tracking: Tracking) -> Response:
    tracking.delete_run(run_id)
    return no_content()


@router.post("/{run_id}/restore", status_code=204, dependencies=[Depends(EDIT_RUN)])
def restore_run(run_id: str, tracking: Tracking) -> Response:
    tracking.restore_run(run_id)
    return no_content()


@router.get("/{run_id}/children", response_model=list[str], dependencies=[Depends(READ_RUN)])
def child_runs(run_id: str, tracking: Tracking) -> Response:
    return json_of_value(tracking.child_runs(run_id), list[str])


@router.post("/{run_id}/batch", status_code=204, dependencies=[Depends(EDIT_RUN)])
def log_batch(
    run_id: str,
    body: LogBatchRequest,
    tracking: Tracking,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="idempotency-key",
            pattern=r"^[0-9a-f]{32}$",
            description="32 hex digits from the client: a batch sent again with this key is applied once.",
        ),
    ] = None,
) -> Response:
    columns = body.metrics
    points = (
        list(zip(columns.keys, columns.values, columns.steps, columns.timestamps, strict=True))
        if columns
        else []
    )
    tracking.log_batch(run_id, metrics=points, params=body.params, tags=body.tags, batch_id=idempotency_key)
    return no_content()


@router.delete("/{run_id}/tags", status_code=204, dependencies=[Depends(EDIT_RUN)])
def delete_tag(run_id: str, key: Annotated[str, Query(max_length=250)], tracking: Tracking) -> Response:
    tracking.delete_tag(run_id, key)
    return no_content()


@router.get("/{run_id}/metric-history", response_model=MetricHistory, dependencies=[Depends(READ_RUN)])
def metric_history(
    run_id: str,
    key: Annotated[str, Query(max_length=250)],
    tracking: Tracking,
    max_points: int | None = None,
    min_step: int | None = None,
    max_step: int | None = None,
) -> Response:
    """The points by step; ``min_step``/``max_step`` limit the range, ``max_points`` reduces what is left."""
    return json_of(tracking.get_metric_series(run_id, key, max_points, min_step, max_step))
