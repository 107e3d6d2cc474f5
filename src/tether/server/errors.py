"""One place that turns every failure into the API's error shape."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from tether.errors import InvalidFilter, TetherError, TryLater
from tether.schemas import describe_errors
from tether.server.mlflow_compat import errors as mlflow_errors

log = logging.getLogger("tether.server")

_HTTP_CODES = {
    400: "INVALID_INPUT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    413: "TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "TOO_MANY_REQUESTS",
}


def error_response(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    details: dict[str, object] | None = None,
) -> JSONResponse:
    body = {"code": code, "message": message, **(details or {})}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(TetherError, _tether_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(HTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _unexpected_error)


def _for_mlflow(request: Request) -> bool:
    """Requests of the MLflow-compatible API get MLflow's error envelope (``mlflow_compat/errors.py``)."""
    return request.url.path.startswith(mlflow_errors.PREFIXES)


async def _tether_error(request: Request, error: TetherError) -> JSONResponse:
    headers = {}
    if isinstance(error, TryLater) and error.retry_after_s is not None:
        headers["retry-after"] = str(error.retry_after_s)
    if error.http_status == 401:
        headers["www-authenticate"] = 'Bearer realm="tether"'
    if _for_mlflow(request):
        return mlflow_errors.from_tether(error, headers or None)
    details: dict[str, object] | None = None
    if isinstance(error, InvalidFilter) and error.position >= 0:
        # Lets a search box mark the offending token inside the text it sent.
        details = {"text": error.text, "position": error.position}
    return error_response(error.http_status, error.code, error.message, headers or None, details)


async def _validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    if _for_mlflow(request):
        return mlflow_errors.mlflow_error(400, "INVALID_PARAMETER_VALUE", describe_errors(error.errors()))
    return error_response(400, "INVALID_INPUT", describe_errors(error.errors()))


async def _http_error(request: Request, error: HTTPException) -> JSONResponse:
    code = _HTTP_CODES.get(error.status_code, "HTTP_ERROR")
    message = error.detail if isinstance(error.detail, str) else code.replace("_", " ").lower()
    if error.status_code == 404 and message == "Not Found":
        message = f"no route for {request.method} {request.url.path}"
    if _for_mlflow(request):
        return mlflow_errors.from_status(error.status_code, message, getattr(error, "headers", None))
    return error_response(error.status_code, code, message, getattr(error, "headers", None))


async def _unexpected_error(request: Request, error: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    if _for_mlflow(request):
        return mlflow_errors.mlflow_error(
            500, "INTERNAL_ERROR", "the server failed; the details are in its log"
        )
    return error_response(500, "INTERNAL_ERROR", "the server failed; the details are in its log")
