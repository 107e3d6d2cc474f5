"""Responses serialised by pydantic (fast, and NaN-safe), with the response model kept for OpenAPI."""

from __future__ import annotations

from typing import Any

from fastapi import Response
from pydantic import BaseModel, TypeAdapter


class ModelResponse(Response):
    media_type = "application/json"


def json_of(model: BaseModel, status_code: int = 200) -> Response:
    return ModelResponse(model.model_dump_json(), status_code=status_code)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def json_of_value(value: Any, annotation: Any, status_code: int = 200) -> Response:
    """Serialise a non-model value (a list of models, a dict) by its type."""
    adapter = _ADAPTERS.get(annotation)
    if adapter is None:
        adapter = _ADAPTERS.setdefault(annotation, TypeAdapter(annotation))
    return ModelResponse(adapter.dump_json(value), status_code=status_code)


def no_content() -> Response:
    return Response(status_code=204)
