"""tether's errors in MLflow's envelope, ``{"error_code": …, "message": …}``, with the statuses it expects.

The MLflow client retries every 5xx for minutes and then loses the message, so a caller's mistake is
always a 4xx here, and only a real outage is a 503.
"""

from __future__ import annotations

from fastapi.responses import JSONResponse

from tether.errors import (
    AlreadyExists,
    InvalidInput,
    NotFound,
    PermissionDenied,
    RateLimited,
    StorageError,
    TetherError,
    TryLater,
    Unauthenticated,
)

CODES: list[tuple[type[TetherError], int, str]] = [
    (NotFound, 404, "RESOURCE_DOES_NOT_EXIST"),
    (AlreadyExists, 400, "RESOURCE_ALREADY_EXISTS"),
    (Unauthenticated, 401, "UNAUTHENTICATED"),
    (PermissionDenied, 403, "PERMISSION_DENIED"),
    (RateLimited, 429, "REQUEST_LIMIT_EXCEEDED"),
    (StorageError, 503, "TEMPORARILY_UNAVAILABLE"),
    (TryLater, 503, "TEMPORARILY_UNAVAILABLE"),
]
"""The first class an error is an instance of decides; any other refusal is INVALID_PARAMETER_VALUE."""
PREFIXES = ("/api/2.0/mlflow/", "/api/2.0/mlflow-artifacts/", "/api/3.0/mlflow/")
"""Where MLflow's client sends requests; every answer there, refusals included, is in its envelope."""
HTTP_CODES = {404: "ENDPOINT_NOT_FOUND", 405: "ENDPOINT_NOT_FOUND", 413: "INVALID_PARAMETER_VALUE"}


def mlflow_error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error_code": code, "message": message}, status_code=status, headers=headers)


def from_tether(error: TetherError, headers: dict[str, str] | None = None) -> JSONResponse:
    for kind, status, code in CODES:
        if isinstance(error, kind):
            return mlflow_error(status, code, error.message, headers)
    if isinstance(error, InvalidInput) or error.http_status < 500:
        return mlflow_error(400, "INVALID_PARAMETER_VALUE", error.message, headers)
    return mlflow_error(500, "INTERNAL_ERROR", error.message, headers)


def from_status(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """An HTTP-level refusal (no such route, wrong method, body too large) in MLflow's envelope."""
    if status >= 500:
        return mlflow_error(500, "INTERNAL_ERROR", message, headers)
    return mlflow_error(status, HTTP_CODES.get(status, "BAD_REQUEST"), message, headers)
