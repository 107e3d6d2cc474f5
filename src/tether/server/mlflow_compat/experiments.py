"""MLflow's experiment endpoints, onto the tracking service."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from tether.endpoints import SIGNED_IN, in_body, in_query, on
from tether.server.access import Requirement
from tether.server.credentials import Caller
from tether.server.deps import Guarded, Tracking
from tether.server.mlflow_compat.wire import (
    ExperimentRef,
    body_of,
    experiment_json,
    integer,
    pairs,
    query_of,
    strings,
    text,
    view,
)

router = APIRouter()

MANAGE_BODY = Depends(Requirement(on("MANAGE", in_body("experiment", "experiment_id")), body=ExperimentRef))
EDIT_BODY = Depends(Requirement(on("EDIT", in_body("experiment", "experiment_id")), body=ExperimentRef))
SignedIn = Annotated[Caller, Depends(Requirement(SIGNED_IN))]


@router.get(
    "/experiments/get-by-name",
    dependencies=[Depends(Requirement(on("READ", in_query("experiment-name", "experiment_name"))))],
)
def get_by_name(request: Request, tracking: Tracking) -> dict[str, Any]:
    """Deleted experiments are found too: the client decides what to do with one."""
    name = text(query_of(request), "experiment_name")
    return {"experiment": experiment_json(tracking.get_experiment_by_name(name))}


@router.get(
    "/experiments/get",
    dependencies=[Depends(Requirement(on("READ", in_query("experiment", "experiment_id"))))],
)
def get(request: Request, tracking: Tracking) -> dict[str, Any]:
    experiment_id = text(query_of(request), "experiment_id")
    return {"experiment": experiment_json(tracking.get_experiment(experiment_id))}


@router.post("/experiments/create")
async def create(request: Request, tracking: Tracking, caller: SignedIn) -> dict[str, Any]:
    """``artifact_location`` is not taken: tether keeps every experiment's artifacts in its own store."""
    message = await body_of(request)
    name = text(message, "name")
    manager = None if caller.user is None else caller.user.user_id
    created = await run_in_threadpool(
        tracking.create_experiment, name, pairs(message, "tags"), manager=manager
    )
    return {"experiment_id": created}


@router.post("/experiments/search")
async def search(request: Request, tracking: Tracking, guard: Guarded, caller: SignedIn) -> dict[str, Any]:
    return await run_in_threadpool(_search, await body_of(request), tracking, guard, caller)


@router.get("/experiments/search")
def search_by_query(request: Request, tracking: Tracking, guard: Guarded, caller: SignedIn) -> dict[str, Any]:
    return _search(query_of(request), tracking, guard, caller)


def _search(message: dict[str, Any], tracking: Tracking, guard: Guarded, caller: Caller) -> dict[str, Any]:
    """Experiments a page at a time, only those the caller may read, with tether's filter grammar
    (``name LIKE 'churn%' AND tags.team = 'growth'``) and ``order_by`` over the attributes."""
    among = None if caller.user is None else guard.readable_experiments(caller.user)
    page = tracking.list_experiments(
        view(message, "view_type"),  # type: ignore[arg-type]
        integer(message, "max_results", 1000) or 1000,
        message.get("page_token") or None,
        str(message.get("filter") or ""),
        strings(message, "order_by"),
        among=among,
    )
    found: dict[str, Any] = {"experiments": [experiment_json(e) for e in page.items]}
    if page.next_page_token:
        found["next_page_token"] = page.next_page_token
    return found


@router.post("/experiments/update", dependencies=[MANAGE_BODY])
async def update(request: Request, tracking: Tracking) -> dict[str, Any]:
    message = await body_of(request)
    experiment_id, new_name = text(message, "experiment_id"), text(message, "new_name")
    await run_in_threadpool(tracking.rename_experiment, experiment_id, new_name)
    return {}


@router.post("/experiments/delete", dependencies=[MANAGE_BODY])
async def delete(request: Request, tracking: Tracking) -> dict[str, Any]:
    await run_in_threadpool(tracking.delete_experiment, text(await body_of(request), "experiment_id"))
    return {}


@router.post("/experiments/restore", dependencies=[MANAGE_BODY])
async def restore(request: Request, tracking: Tracking) -> dict[str, Any]:
    await run_in_threadpool(tracking.restore_experiment, text(await body_of(request), "experiment_id"))
    return {}


@router.post("/experiments/set-experiment-tag", dependencies=[EDIT_BODY])
async def set_tag(request: Request, tracking: Tracking) -> dict[str, Any]:
    message = await body_of(request)
    experiment_id, key = text(message, "experiment_id"), text(message, "key")
    value = "" if message.get("value") is None else str(message["value"])
    await run_in_threadpool(tracking.set_experiment_tag, experiment_id, key, value)
    return {}


@router.post("/experiments/delete-experiment-tag", dependencies=[EDIT_BODY])
async def delete_tag(request: Request, tracking: Tracking) -> dict[str, Any]:
    message = await body_of(request)
    experiment_id, key = text(message, "experiment_id"), text(message, "key")
    await run_in_threadpool(tracking.delete_experiment_tag, experiment_id, key)
    return {}
