"""The model server's HTTP app: tether's own predict API, the Open Inference Protocol v2 and MLflow's
scoring API, over the same served models, with health, readiness and Prometheus metrics.

Routes are written by hand (not declared in a ``routes.py``): their bodies are defined by the protocols
they speak, and the predict path is kept short because it is the hot path. Every answer carries the
``x-request-id`` (the caller's, or a new one) and the version that answered (``x-tether-model-version``).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tether.errors import (
    ConfigError,
    Conflict,
    InvalidInput,
    NotFound,
    Overloaded,
    PermissionDenied,
    TetherError,
    TooLarge,
    TryLater,
    Unauthenticated,
)
from tether.serving import formats
from tether.serving.auth import BearerAuth, TokenCheck
from tether.serving.config import ServingConfig
from tether.serving.metrics import ServingMetrics
from tether.serving.prediction_log import Answered, PredictionLog, read_feedback
from tether.serving.reporting import DeploymentReporter, lanes_of
from tether.serving.served import ServedModel
from tether.serving.source import LoadedVersion, ModelSource
from tether.serving.traffic import SHADOW, ShadowAnswered, Traffic
from tether.version import __version__

log = logging.getLogger("tether.serving")

JSON = "application/json"
PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


class ModelServer:
    """The served models and what every route shares (metrics, limits)."""

    def __init__(
        self,
        config: ServingConfig,
        source: ModelSource,
        tokens: TokenCheck | None = None,
        *,
        reporter: DeploymentReporter | None = None,
    ) -> None:
        if config.auth and tokens is None:
            raise ConfigError("authentication is on, but this server was given no way to check tokens")
        self.config = config
        self.auth = BearerAuth(tokens, config.auth_cache_s) if config.auth and tokens else None
        self.metrics = ServingMetrics()
        self.models = {model.served_as: Traffic(model, source, self.metrics) for model in config.models}
        self.metrics.watch_queues(lambda: {name: m.queued_rows for name, m in self.models.items()})
        settings = config.prediction_log
        self.prediction_log = PredictionLog(settings, self.metrics) if settings else None
        self._poller: asyncio.Task[None] | None = None
        self.started = False
        self.reporter = reporter

    @property
    def ready(self) -> bool:
        return all(model.ready for model in self.models.values())

    async def authorize(self, request: Request, traffic: Traffic) -> None:
        """Return when the caller may use ``traffic``'s model (always, without authentication)."""
        if self.auth is not None:
            await self.auth.authorize(request.headers.get("authorization"), traffic.config.uri)

    def model(self, name: str) -> Traffic:
        served = self.models.get(name)
        if served is None:
            raise NotFound(
                f"no model named {name!r} is served here; served: {', '.join(sorted(self.models))}"
            )
        return served

    async def start(self) -> None:
        """Load and warm every model, then start following the registry."""
        await asyncio.gather(*(model.start() for model in self.models.values()))
        _settle_memory()
        if self.prediction_log is not None:
            self.prediction_log.start()
        self._poller = asyncio.create_task(self._follow_registry())
        self.started = True
        if self.reporter is not None:
            self.reporter.start(lambda: lanes_of(self.models), self.metrics)

    async def stop(self) -> None:
        if self.reporter is not None:
            await self.reporter.stop()
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        await asyncio.gather(*(model.close() for model in self.models.values()))
        if self.prediction_log is not None:
            await asyncio.to_thread(self.prediction_log.close)

    async def refresh(self) -> None:
        """Look up every followed alias once; a failure (the tether server is away) keeps what is loaded."""
        switched = [await model.refresh() for model in self.models.values()]
        if any(switched):
            gc.unfreeze()  # what the old version held may be garbage now
            _settle_memory()

    async def _follow_registry(self) -> None:
        while True:
            await asyncio.sleep(self.config.poll_interval_s)
            await self.refresh()

    def log(self, answered: Answered) -> None:
        """Keep an answer in the prediction log, when there is one (stamped with the log's clock)."""
        if self.prediction_log is not None:
            self.prediction_log.record(
                dataclasses.replace(answered, served_at_ms=self.prediction_log.now_ms())
            )

    def shadow_logger(self, name: str, request_id: str, inputs: formats.Inputs) -> ShadowAnswered:
        """What to do with the shadow's answer to a copy of this request: log it, marked as the shadow's."""

        def answered(loaded: LoadedVersion, outputs: Any, seconds: float) -> None:
            self.log(Answered(name, loaded.label, request_id, 0, seconds * 1000, inputs, outputs, SHADOW))

        return answered

    async def body(self, request: Request) -> bytes:
        return await read_body(request, self.config.max_request_bytes)


async def read_body(request: Request, limit: int) -> bytes:
    """The whole request body, refused (TooLarge) once it passes ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the request body is {declared} bytes, over this server's limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"the request body is over this server's limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _settle_memory() -> None:
    """Take what is loaded now out of the garbage collector's sight. A loaded model and the libraries are
    hundreds of thousands of long-lived objects; left tracked, full collections under load took about
    180 ms twice a second (the p99 of bench/serving.py). Frozen, they are still freed by reference
    counting, and the collector only walks what requests create."""
    gc.collect()
    gc.freeze()


def create_app(server: ModelServer) -> Starlette:
    """The ASGI app over ``server``; its models are loaded and warmed at startup unless they already are
    (the CLI loads them before binding the port, so a model that cannot load never listens)."""

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if not server.started:
            await server.start()
        try:
            yield
        finally:
            await server.stop()

    handler = _Handlers(server)
    routes = [
        Route("/healthz", handler.health, methods=["GET"]),
        Route("/readyz", handler.readiness, methods=["GET"]),
        Route("/metrics", handler.prometheus, methods=["GET"]),
        Route("/v1/models", handler.list_models, methods=["GET"]),
        Route("/v1/models/{name}", handler.describe, methods=["GET"]),
        Route("/v1/models/{name}/predict", handler.predict, methods=["POST"]),
        Route("/v1/models/{name}/versions/{version}/predict", handler.predict, methods=["POST"]),
        Route("/v1/models/{name}/feedback", handler.feedback, methods=["POST"]),
        Route("/v2", handler.oip_server, methods=["GET"]),
        Route("/v2/health/live", handler.oip_live, methods=["GET"]),
        Route("/v2/health/ready", handler.oip_ready, methods=["GET"]),
        Route("/v2/models/{name}", handler.oip_model, methods=["GET"]),
        Route("/v2/models/{name}/versions/{version}", handler.oip_model, methods=["GET"]),
        Route("/v2/models/{name}/ready", handler.oip_model_ready, methods=["GET"]),
        Route("/v2/models/{name}/versions/{version}/ready", handler.oip_model_ready, methods=["GET"]),
        Route("/v2/models/{name}/infer", handler.oip_infer, methods=["POST"]),
        Route("/v2/models/{name}/versions/{version}/infer", handler.oip_infer, methods=["POST"]),
        Route("/invocations", handler.invocations, methods=["POST"]),
        Route("/ping", handler.health, methods=["GET"]),
        Route("/health", handler.health, methods=["GET"]),
        Route("/version", handler.version, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan, exception_handlers={Exception: _unexpected})
    app.state.server = server
    return app


async def _unexpected(request: Request, error: Exception) -> Response:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=error)
    failure = TetherError(f"the model server failed: {type(error).__name__}")
    return error_response(failure, request_id_of(request))


Handler = Callable[[Request], Awaitable[Response]]


def _json(document: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(formats.dumps(document), status_code=status, media_type=JSON, headers=headers)


def error_response(error: TetherError, request_id: str) -> Response:
    headers = {"x-request-id": request_id}
    if isinstance(error, TryLater) and error.retry_after_s is not None:
        headers["retry-after"] = str(error.retry_after_s)
    if isinstance(error, Unauthenticated):
        headers["www-authenticate"] = "Bearer"
    return _json({"error": {"code": error.code, "message": error.message}}, error.http_status, headers)


class _Handlers:
    def __init__(self, server: ModelServer) -> None:
        self.server = server

    # --- health and metadata ------------------------------------------------------------------------

    async def health(self, _request: Request) -> Response:
        return _json({"status": "ok"})

    async def readiness(self, _request: Request) -> Response:
        ready = self.server.ready
        models = {name: model.ready for name, model in self.server.models.items()}
        return _json({"ready": ready, "models": models}, 200 if ready else 503)

    async def prometheus(self, _request: Request) -> Response:
        return Response(self.server.metrics.render(), media_type=PROMETHEUS)

    async def version(self, _request: Request) -> Response:
        return _json({"tether": __version__})

    async def list_models(self, request: Request) -> Response:
        """The models this caller may use (every one, without authentication)."""
        shown = []
        try:
            for traffic in self.server.models.values():
                with contextlib.suppress(PermissionDenied):
                    await self.server.authorize(request, traffic)
                    shown.append(self._summary(traffic))
        except TetherError as error:
            return error_response(error, request_id_of(request))
        return _json({"models": shown})

    async def describe(self, request: Request) -> Response:
        try:
            traffic = self.server.model(request.path_params["name"])
            await self.server.authorize(request, traffic)
            return _json(self._summary(traffic))
        except TetherError as error:
            return error_response(error, request_id_of(request))

    def _summary(self, traffic: Traffic) -> dict[str, Any]:
        model = traffic.primary
        loaded = model.current
        manifest = loaded.model.manifest if loaded else None
        return {
            "name": model.name,
            "uri": model.config.uri,
            "version": loaded.version if loaded else None,
            "ready": model.ready,
            "flavor": manifest.flavor if manifest else None,
            "signature": manifest.signature.model_dump(mode="json") if manifest else None,
            "batching": dataclasses.asdict(model.batcher.settings),
            "queued_rows": traffic.queued_rows,
            "traffic": traffic.describe(),
        }

    # --- predicting ---------------------------------------------------------------------------------

    async def _answer(
        self,
        request: Request,
        read: Callable[[bytes, ServedModel], formats.Inputs],
        render: Callable[[ServedModel, Any, str, Any], Any],
        name: str | None = None,
    ) -> Response:
        """The shared predict path: read the body, queue it, render the answer or the error."""
        started = time.perf_counter()
        request_id = request_id_of(request)
        model_name = name or request.path_params.get("name", "")
        traffic = None
        try:
            traffic = self.server.model(model_name)
            await self.server.authorize(request, traffic)
            role, served = traffic.route(request.path_params.get("version"))
            inputs = read(await self.server.body(request), served)
            loaded, outputs = await served.predict(inputs)
        except TetherError as error:
            self.server.metrics.errors.labels(model_name if traffic else "", error.code).inc()
            return error_response(error, request_id)
        label = loaded.label
        seconds = time.perf_counter() - started
        self.server.metrics.latency.labels(served.name, label).observe(seconds)
        if self.server.prediction_log is not None:  # nothing built for the log on the hot path without one
            self.server.log(
                Answered(served.name, label, request_id, 0, seconds * 1000, inputs, outputs, role)
            )
        if traffic.shadow is not None:
            traffic.mirror(inputs, self.server.shadow_logger(served.name, request_id, inputs))
        headers = {"x-request-id": request_id, "x-tether-model-version": label}
        return _json(render(served, loaded.version, request_id, outputs), headers=headers)

    async def predict(self, request: Request) -> Response:
        media = formats.content_type(request.headers.get("content-type"))

        def read(body: bytes, served: ServedModel) -> formats.Inputs:
            return formats.read_request(body, media, served.check_version(None).model.signature)

        def render(served: ServedModel, version: Any, _request_id: str, outputs: Any) -> Any:
            return {
                "model": served.name,
                "version": version,
                "predictions": formats.predictions_json(outputs),
            }

        return await self._answer(request, read, render)

    async def invocations(self, request: Request) -> Response:
        """MLflow's scoring endpoint: one model per server, so it needs exactly one served model."""
        if len(self.server.models) != 1:
            names = ", ".join(sorted(self.server.models))
            error = InvalidInput(
                f"/invocations needs a server with one model; use /v1/models/<name>/predict ({names})"
            )
            return error_response(error, request_id_of(request))
        media = formats.content_type(request.headers.get("content-type"))

        def read(body: bytes, served: ServedModel) -> formats.Inputs:
            return formats.read_request(body, media, served.check_version(None).model.signature)

        def render(_served: ServedModel, _version: Any, _request_id: str, outputs: Any) -> Any:
            return {"predictions": formats.predictions_json(outputs)}

        return await self._answer(request, read, render, name=next(iter(self.server.models)))

    async def feedback(self, request: Request) -> Response:
        """Ground truth for earlier answers, by request id, kept in the prediction log."""
        request_id = request_id_of(request)
        try:
            traffic = self.server.model(request.path_params["name"])
            await self.server.authorize(request, traffic)
            log = self.server.prediction_log
            if log is None:
                raise Conflict(
                    "this server keeps no prediction log, so feedback has nowhere to go; set prediction_log "
                    "in serving.yaml or start it with --log-predictions"
                )
            items = read_feedback(
                formats.parse_json(await self.server.body(request)), traffic.name, log.now_ms()
            )
            accepted = log.add_feedback(items)
            if accepted == 0:
                raise Overloaded(
                    "the prediction log's buffer is full; send the feedback again", retry_after_s=1
                )
        except TetherError as error:
            return error_response(error, request_id)
        return _json({"accepted": accepted}, 202, {"x-request-id": request_id})

    # --- Open Inference Protocol v2 -----------------------------------------------------------------

    async def oip_server(self, _request: Request) -> Response:
        return _json({"name": "tether", "version": __version__, "extensions": []})

    async def oip_live(self, _request: Request) -> Response:
        return _json({"live": True})

    async def oip_ready(self, _request: Request) -> Response:
        ready = self.server.ready
        return _json({"ready": ready}, 200 if ready else 503)

    async def oip_model(self, request: Request) -> Response:
        try:
            traffic = self.server.model(request.path_params["name"])
            await self.server.authorize(request, traffic)
            served = traffic.lane(request.path_params.get("version"))
            loaded = served.check_version(None)
        except TetherError as error:
            return error_response(error, request_id_of(request))
        manifest = loaded.model.manifest
        return _json(
            {
                "name": served.name,
                "versions": [loaded.label] if loaded.label else [],
                "platform": f"tether-{manifest.flavor}",
                "inputs": _oip_specs(manifest.signature.inputs),
                "outputs": _oip_specs(manifest.signature.outputs) if manifest.signature.outputs else [],
            }
        )

    async def oip_model_ready(self, request: Request) -> Response:
        try:
            traffic = self.server.model(request.path_params["name"])
            await self.server.authorize(request, traffic)
            served = traffic.lane(request.path_params.get("version"))
        except TetherError as error:
            return error_response(error, request_id_of(request))
        return _json({"name": served.name, "ready": served.ready}, 200 if served.ready else 503)

    async def oip_infer(self, request: Request) -> Response:
        def read(body: bytes, served: ServedModel) -> formats.Inputs:
            document = formats.parse_json(body)
            if isinstance(document, dict) and isinstance(document.get("id"), str):
                request.state.oip_id = document["id"]
            return formats.read_oip(document, served.check_version(None).model.signature)

        def render(served: ServedModel, version: Any, request_id: str, outputs: Any) -> Any:
            return {
                "model_name": served.name,
                "model_version": "" if version is None else str(version),
                "id": getattr(request.state, "oip_id", request_id),
                "outputs": [formats.oip_output("predict", outputs)],
            }

        return await self._answer(request, read, render)


def _oip_specs(spec: Any) -> list[dict[str, Any]]:
    if spec.kind == "tensor":
        shape = [-1 if size is None else size for size in spec.shape]
        return [{"name": "input", "datatype": formats.oip_datatype(spec.dtype), "shape": shape}]
    return [{"name": c.name, "datatype": formats.oip_datatype(c.dtype), "shape": [-1]} for c in spec.columns]


def request_id_of(request: Request) -> str:
    given = request.headers.get("x-request-id")
    if given and len(given) <= 128 and given.isascii() and given.isprintable():
        return given
    return uuid.uuid4().hex
