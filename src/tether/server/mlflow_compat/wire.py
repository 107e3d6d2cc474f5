"""MLflow's wire conventions: how requests carry their fields and how tether's objects are written back."""

from __future__ import annotations

import json
import math
from typing import Any

from fastapi import Request
from pydantic import BaseModel, ConfigDict

from tether.errors import InvalidInput
from tether.tracking.schemas import Experiment, Run

PREFIX = "/api/2.0/mlflow"
VIEWS = {"ACTIVE_ONLY": "active", "DELETED_ONLY": "deleted", "ALL": "all"}
SPECIAL_NUMBERS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}


class RunRef(BaseModel):
    """The run a request body names, for the access check; the rest of the body is read by the route."""

    model_config = ConfigDict(extra="ignore")
    run_id: str | None = None


class ExperimentRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    experiment_id: str | None = None


class RunCreateRef(BaseModel):
    """A new run's experiment: the Default one ("0") when the body names none, as MLflow's server does."""

    model_config = ConfigDict(extra="ignore")
    experiment_id: str = "0"


class ExperimentsRef(BaseModel):
    model_config = ConfigDict(extra="ignore")
    experiment_ids: list[str] | None = None


async def body_of(request: Request) -> dict[str, Any]:
    """The JSON body as a mapping; an empty body is an empty message, as MLflow's server takes it."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        document = json.loads(raw)
    except ValueError as error:
        raise InvalidInput(f"the request body is not JSON: {error}") from None
    if not isinstance(document, dict):
        raise InvalidInput("the request body must be a JSON object")
    return document


def query_of(request: Request) -> dict[str, Any]:
    """A GET's query string as a message: repeated keys become lists (``order_by``), others single values."""
    found: dict[str, Any] = {}
    for key, value in request.query_params.multi_items():
        if key in found:
            found[key] = [*found[key], value] if isinstance(found[key], list) else [found[key], value]
        else:
            found[key] = value
    return found


def text(message: dict[str, Any], key: str) -> str:
    """A required field, as text (MLflow's error names the missing parameter the same way)."""
    value = optional(message, key)
    if value is None:
        raise InvalidInput(f"Missing value for required parameter '{key}'.")
    return value


def optional(message: dict[str, Any], key: str) -> str | None:
    value = message.get(key)
    return None if value is None or value == "" else str(value)


def integer(message: dict[str, Any], key: str, default: int | None = None) -> int | None:
    value = message.get(key)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"Invalid value {value!r} for parameter '{key}': an integer is expected") from None


def number(value: Any, key: str) -> float:
    """A double as MLflow sends one: a JSON number, or "NaN" / "Infinity" / "-Infinity"."""
    if isinstance(value, str) and value in SPECIAL_NUMBERS:
        return SPECIAL_NUMBERS[value]
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidInput(f"Invalid value {value!r} for metric '{key}': a number is expected")
    try:
        return float(value)
    except ValueError:
        raise InvalidInput(f"Invalid value {value!r} for metric '{key}': a number is expected") from None


def strings(message: dict[str, Any], key: str) -> list[str]:
    value = message.get(key)
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def pairs(message: dict[str, Any], key: str) -> dict[str, str]:
    """``[{"key": …, "value": …}]`` (tags, params) as a mapping."""
    found: dict[str, str] = {}
    for item in message.get(key) or []:
        if not isinstance(item, dict) or "key" not in item:
            raise InvalidInput(f"each of '{key}' must be an object with 'key' and 'value'")
        found[str(item["key"])] = "" if item.get("value") is None else str(item["value"])
    return found


def view(message: dict[str, Any], key: str) -> str:
    given = message.get(key) or "ACTIVE_ONLY"
    if given not in VIEWS:
        raise InvalidInput(f"Invalid value {given!r} for parameter '{key}': one of {', '.join(VIEWS)}")
    return VIEWS[given]


def key_values(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"key": k, "value": v} for k, v in mapping.items()]


def special(value: float) -> float | str:
    """A double for MLflow's JSON: NaN and the infinities as the strings its client reads."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return value


def experiment_json(experiment: Experiment) -> dict[str, Any]:
    return {
        "experiment_id": experiment.experiment_id,
        "name": experiment.name,
        "artifact_location": f"mlflow-artifacts:/{experiment.experiment_id}",
        "lifecycle_stage": experiment.lifecycle_stage,
        "creation_time": experiment.creation_time,
        "last_update_time": experiment.last_update_time,
        "tags": key_values(experiment.tags),
    }


def run_info_json(run: Run) -> dict[str, Any]:
    info: dict[str, Any] = {
        "run_id": run.run_id,
        "run_uuid": run.run_id,
        "run_name": run.run_name,
        "experiment_id": run.experiment_id,
        "user_id": run.user_id,
        "status": run.status,
        "start_time": run.start_time,
        "artifact_uri": f"mlflow-artifacts:/{run.experiment_id}/{run.run_id}/artifacts",
        "lifecycle_stage": run.lifecycle_stage,
    }
    if run.end_time is not None:
        info["end_time"] = run.end_time
    return info


def run_json(run: Run) -> dict[str, Any]:
    """A run with its data; each metric is its latest value (MLflow's client reads only the value)."""
    tags = {**run.tags, "mlflow.runName": run.run_name}  # the run's name is what the tag mirrors
    if run.parent_run_id is not None:
        tags.setdefault("mlflow.parentRunId", run.parent_run_id)
    return {
        "info": run_info_json(run),
        "data": {
            "metrics": [{"key": k, "value": special(v)} for k, v in run.metrics.items()],
            "params": key_values(run.params),
            "tags": key_values(tags),
        },
        "inputs": {},
        "outputs": {},
    }
