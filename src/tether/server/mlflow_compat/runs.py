"""MLflow's run endpoints: create, read, update, delete, logging, metric history and search."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from tether.endpoints import in_body, in_query, on
from tether.errors import InvalidInput
from tether.server.access import Requirement
from tether.server.credentials import Caller
from tether.server.deps import Tracking
from tether.server.mlflow_compat.wire import (
    ExperimentsRef,
    RunCreateRef,
    RunRef,
    body_of,
    integer,
    number,
    optional,
    pairs,
    query_of,
    run_info_json,
    run_json,
    special,
    strings,
    text,
    view,
)
from tether.tracking.schemas import MetricColumns
from tether.tracking.service import TrackingService

router = APIRouter()

EDIT_RUN = Depends(Requirement(on("EDIT", in_body("run", "run_id")), body=RunRef))
READ_RUN = Depends(Requirement(on("READ", in_query("run", "run_id"))))
Creating = Annotated[
    Caller, Depends(Requirement(on("EDIT", in_body("experiment", "experiment_id")), body=RunCreateRef))
]
RUN_NAME_TAG = "mlflow.runName"


async def _call(request: Request, work: Callable[[dict[str, Any]], Any]) -> Any:
    """Read the body, then run ``work`` on it off the event loop (the services block)."""
    message = await body_of(request)
    return await run_in_threadpool(work, message)


@router.post("/runs/create")
async def create(request: Request, tracking: Tracking, caller: Creating) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> dict[str, Any]:
        tags = pairs(message, "tags")
        user = caller.user.username if caller.user is not None else optional(message, "user_id")
        run = tracking.create_run(
            optional(message, "experiment_id") or "0",
            run_name=optional(message, "run_name") or tags.get(RUN_NAME_TAG),
            tags=tags,
            start_time=integer(message, "start_time"),
            user_id=user,
            parent_run_id=tags.get("mlflow.parentRunId"),
        )
        return {"run": run_json(run)}

    result: dict[str, Any] = await _call(request, work)
    return result


@router.get("/runs/get", dependencies=[READ_RUN])
def get(request: Request, tracking: Tracking) -> dict[str, Any]:
    return {"run": run_json(tracking.get_run(text(query_of(request), "run_id")))}


@router.post("/runs/update", dependencies=[EDIT_RUN])
async def update(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> dict[str, Any]:
        run_id, name = text(message, "run_id"), optional(message, "run_name")
        run = tracking.update_run(
            run_id,
            status=optional(message, "status"),  # type: ignore[arg-type]  # checked by the service
            end_time=integer(message, "end_time"),
            run_name=name,
        )
        if name is not None and name != run.tags.get(RUN_NAME_TAG, name):
            tracking.log_batch(run_id, tags={RUN_NAME_TAG: name})  # the tag follows, as in MLflow
        return {"run_info": run_info_json(run)}

    result: dict[str, Any] = await _call(request, work)
    return result


@router.post("/runs/delete", dependencies=[EDIT_RUN])
async def delete(request: Request, tracking: Tracking) -> dict[str, Any]:
    await _call(request, lambda message: tracking.delete_run(text(message, "run_id")))
    return {}


@router.post("/runs/restore", dependencies=[EDIT_RUN])
async def restore(request: Request, tracking: Tracking) -> dict[str, Any]:
    await _call(request, lambda message: tracking.restore_run(text(message, "run_id")))
    return {}


@router.post("/runs/log-metric", dependencies=[EDIT_RUN])
async def log_metric(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> None:
        _log(tracking, text(message, "run_id"), metrics=[message])

    await _call(request, work)
    return {}


@router.post("/runs/log-parameter", dependencies=[EDIT_RUN])
async def log_parameter(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> None:
        _log(tracking, text(message, "run_id"), params={text(message, "key"): _value(message)})

    await _call(request, work)
    return {}


@router.post("/runs/set-tag", dependencies=[EDIT_RUN])
async def set_tag(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> None:
        _log(tracking, text(message, "run_id"), tags={text(message, "key"): _value(message)})

    await _call(request, work)
    return {}


@router.post("/runs/delete-tag", dependencies=[EDIT_RUN])
async def delete_tag(request: Request, tracking: Tracking) -> dict[str, Any]:
    await _call(request, lambda m: tracking.delete_tag(text(m, "run_id"), text(m, "key")))
    return {}


@router.post("/runs/log-batch", dependencies=[EDIT_RUN])
async def log_batch(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> None:
        metrics = message.get("metrics") or []
        if not isinstance(metrics, list):
            raise InvalidInput("'metrics' must be a list")
        _log(tracking, text(message, "run_id"), metrics, pairs(message, "params"), pairs(message, "tags"))

    await _call(request, work)
    return {}


@router.get("/metrics/get-history", dependencies=[READ_RUN])
def get_history(request: Request, tracking: Tracking) -> dict[str, Any]:
    """Every point in one page (tether returns a history whole; the client stops without a token)."""
    message = query_of(request)
    key = text(message, "metric_key")
    series = tracking.get_metric_series(text(message, "run_id"), key)
    points = zip(series.steps, series.timestamps, series.values, strict=True)
    return {
        "metrics": [
            {"key": key, "value": special(value), "timestamp": stamp, "step": step}
            for step, stamp, value in points
        ]
    }


@router.post(
    "/runs/search",
    dependencies=[
        Depends(Requirement(on("READ", in_body("experiment", "experiment_ids")), body=ExperimentsRef))
    ],
)
async def search(request: Request, tracking: Tracking) -> dict[str, Any]:
    def work(message: dict[str, Any]) -> dict[str, Any]:
        page = tracking.search_runs(
            strings(message, "experiment_ids"),
            filter=optional(message, "filter") or "",
            order_by=strings(message, "order_by"),
            max_results=integer(message, "max_results", 1000) or 1000,
            page_token=optional(message, "page_token"),
            view=view(message, "run_view_type"),  # type: ignore[arg-type]
        )
        found: dict[str, Any] = {"runs": [run_json(run) for run in page.items]}
        if page.next_page_token:
            found["next_page_token"] = page.next_page_token
        return found

    result: dict[str, Any] = await _call(request, work)
    return result


def _value(message: dict[str, Any]) -> str:
    value = message.get("value")
    return "" if value is None else str(value)


def _log(
    tracking: TrackingService,
    run_id: str,
    metrics: Sequence[Any] = (),
    params: dict[str, str] | None = None,
    tags: dict[str, str] | None = None,
) -> None:
    """One all-or-nothing batch; a ``mlflow.runName`` tag renames the run too, as in MLflow."""
    columns = _columns(metrics) if metrics else None
    tracking.log_batch(run_id, columns, params, tags)
    if tags and RUN_NAME_TAG in tags and tags[RUN_NAME_TAG]:
        tracking.update_run(run_id, run_name=tags[RUN_NAME_TAG])


def _columns(metrics: Sequence[Any]) -> MetricColumns:
    keys, values, steps, stamps = [], [], [], []
    for item in metrics:
        if not isinstance(item, dict):
            raise InvalidInput("each metric must be an object with key, value, timestamp and step")
        key = text(item, "key")
        keys.append(key)
        values.append(number(item.get("value"), key))
        steps.append(integer(item, "step", 0) or 0)
        stamp = integer(item, "timestamp")
        if stamp is None:
            raise InvalidInput(f"Missing value for required parameter 'timestamp' of metric '{key}'.")
        stamps.append(stamp)
    return MetricColumns(keys=keys, values=values, steps=steps, timestamps=stamps)
