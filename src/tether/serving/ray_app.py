"""Serving on Ray Serve: the same server, routes and batching in N replicas or between autoscaling bounds.

One Ray Serve application, ``tether``, with one ingress deployment. Each replica is a whole model server
(every model of the configuration, each with its own batcher and predict threads) built inside the replica
from the same ``ServingConfig``, so the batching settings hold per replica; its models are loaded through a
``ModelSource`` the replica makes for itself, with this process's ``TETHER_*`` variables, so it reaches the
same store or tether server. Ray Serve's proxy listens on the configuration's host and port and hands each
request to a replica; every answer names the replica that made it (``x-tether-replica``).
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tether.errors import InvalidInput, TetherError
from tether.serving.app import ModelServer, create_app
from tether.serving.auth import TokenCheck
from tether.serving.config import RaySettings, ServingConfig
from tether.serving.source import ModelSource

try:
    import ray
    from ray import serve
except ImportError as missing:
    raise InvalidInput("serving on Ray needs Ray Serve: pip install 'tether[ray]'") from missing

APP = "tether"
"""The Ray Serve application's name, and its deployment's: deploying again replaces it."""

REPLICA_HEADER = "x-tether-replica"
REQUEST_ID = "x-request-id"

SourceFactory = Callable[[], ModelSource]
"""Makes the model source inside each replica: pickled to the replicas, so it holds no connection itself."""


class _NamedAnswers:
    """Adds the replica's name to every answer, and leaves the request id to Ray's proxy, which sets the
    caller's (or a new one) on the request and adds it to the answer itself."""

    def __init__(self, app: ASGIApp, replica: str) -> None:
        self.app = app
        self.replica = replica

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = Headers(scope=scope).get(REQUEST_ID)

        async def named(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append(REPLICA_HEADER, self.replica)
                if request_id is not None and headers.get(REQUEST_ID) == request_id:
                    del headers[REQUEST_ID]
            await send(message)

        await self.app(scope, receive, named)


@serve.ingress()
class ServerReplica:
    """One replica: a model server over its own model source, behind the app every tether server has. Its
    models are loaded and warmed while the app is built (where a failure reaches Ray Serve's status, as
    one in the app's own startup would not), so a replica is RUNNING only once it can answer."""

    def __init__(self, config: ServingConfig, source: SourceFactory, tokens: TokenCheck | None) -> None:
        self._server = ModelServer(config, source(), tokens)

    async def __serve_build_asgi_app__(self) -> ASGIApp:
        await self._server.start()
        replica = serve.get_replica_context().replica_id.unique_id
        return _NamedAnswers(create_app(self._server), replica)


def deployment_options(settings: RaySettings) -> dict[str, Any]:
    """Ray Serve's options for the replicas: a fixed count or autoscaling bounds, what each one reserves,
    how many requests it holds (enough for its batchers to batch) and how many wait for one, bounded."""
    options: dict[str, Any] = {
        "name": APP,
        "max_ongoing_requests": settings.max_ongoing_requests,
        "max_queued_requests": settings.max_queued_requests,
        "ray_actor_options": {
            "num_cpus": settings.num_cpus_per_replica,
            "runtime_env": {"env_vars": _store_env()},
        },
    }
    if settings.autoscaling:
        options["autoscaling_config"] = {
            "min_replicas": settings.min_replicas or 1,
            "initial_replicas": settings.initial_replicas,
            "max_replicas": settings.max_replicas,
            "target_ongoing_requests": settings.target_ongoing_requests,
        }
    else:
        options["num_replicas"] = settings.initial_replicas
    return options


def _store_env() -> dict[str, str]:
    """Where this process finds the store (TETHER_HOME, TETHER_URI, TETHER_TOKEN …), for the replicas."""
    return {key: value for key, value in os.environ.items() if key.startswith("TETHER_")}


def deploy(
    config: ServingConfig, source: SourceFactory, tokens: TokenCheck | None = None, log_level: str = "info"
) -> None:
    """Start the app (replacing one of the same name) on the Ray this process is connected to; returns once
    every replica has loaded its models and the app is RUNNING. A cluster whose Serve already runs keeps
    the HTTP host and port it was started with. Serve logs at ``log_level``, without an access log (as the
    server does when it runs here)."""
    logs = {"log_level": log_level.upper(), "enable_access_log": False}
    serve.start(http_options={"host": config.host, "port": config.port}, logging_config=logs)
    deployment = serve.deployment(**deployment_options(config.ray or RaySettings()))(ServerReplica)
    try:
        serve.run(deployment.bind(config, source, tokens), name=APP, route_prefix="/", logging_config=logs)
    except RuntimeError as error:  # Ray Serve's word for "the replicas failed to start"
        raise TetherError(f"the Ray Serve app did not start: {_why_not(error)}") from None


def _why_not(error: RuntimeError) -> str:
    """What made the replicas fail: the last line of the error their status reports (the exception), or
    Ray Serve's own words when there is none."""
    status = serve.status().applications.get(APP)
    messages = [deployment.message for deployment in status.deployments.values()] if status else []
    lines = [line for message in messages for line in message.splitlines() if line.strip()]
    return lines[-1] if lines else str(error)


class _Stopped(BaseException):
    """SIGTERM arrived. Like Ctrl-C's KeyboardInterrupt (hence not an Exception, which Ray's code may catch)
    it ends the wait wherever it is, even a deploy that waits for replicas the cluster has no room for."""


def _stop(_signal: int, _frame: FrameType | None) -> None:
    raise _Stopped


def serve_on_ray(
    config: ServingConfig,
    source: SourceFactory,
    *,
    tokens: TokenCheck | None = None,
    log_level: str = "info",
    announce: Callable[[], None] = lambda: None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM): on the cluster at ``config.ray.address``, or on a Ray
    started here for the purpose. ``announce`` is called once the app is RUNNING. At the end the app is
    deleted, its replicas answering what they hold first; a Ray started here ends with this process."""
    settings = config.ray or RaySettings()
    level = logging.getLevelName(log_level.upper())
    ray.init(address=settings.address or "local", include_dashboard=False, logging_level=level)
    logging.getLogger("ray.serve").setLevel(level)  # Serve's own logger, which ray.init leaves at INFO
    previous = signal.signal(signal.SIGTERM, _stop)  # after ray.init, which sets its own
    try:
        deploy(config, source, tokens, log_level)
        announce()
        threading.Event().wait()
    except (_Stopped, KeyboardInterrupt):
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        serve.delete(APP)
        ray.shutdown()
