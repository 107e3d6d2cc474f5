"""Running a model server with uvicorn: one process, or several sharing the port."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from typing import Any

from tether.errors import ConfigError
from tether.serving.app import ModelServer, create_app
from tether.serving.auth import TokenCheck
from tether.serving.config import ServingConfig
from tether.serving.reporting import DeploymentHub, reporter_for
from tether.serving.source import ModelSource

ENV_CONFIG = "TETHER_SERVE_CONFIG"
"""How worker processes receive the configuration: JSON in the environment."""

GRACEFUL_SHUTDOWN_S = 30
"""On SIGTERM or Ctrl-C, how long requests already taken may take to finish."""


def serve(
    config: ServingConfig,
    source: ModelSource,
    *,
    factory: str,
    tokens: TokenCheck | None = None,
    deployments: DeploymentHub | None = None,
    log_level: str = "info",
    announce: Callable[[], None] = lambda: None,
) -> None:
    """Serve until interrupted; ``announce`` is called once the models are loaded (with one worker) or
    the workers are about to start. With ``workers > 1`` each worker process builds its app by calling
    ``factory`` (an import path, ``module:function``) which reads the configuration back with
    :func:`config_from_env`. ``tokens`` checks callers' tokens when ``config.auth`` is on; ``deployments``
    takes the reports of ``config.deployment``, which one process makes about itself (so one worker only)."""
    import uvicorn

    if config.deployment is not None and config.workers > 1:
        raise ConfigError("a deployment reports the numbers of one process: serve it with one worker")

    options: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "log_level": log_level,
        "access_log": False,
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
    }
    if config.workers == 1:
        server = ModelServer(config, source, tokens, reporter=reporter_for(config, deployments))
        asyncio.run(_serve_one(server, options, announce))
        return
    os.environ[ENV_CONFIG] = config.model_dump_json()
    announce()
    uvicorn.run(factory, factory=True, workers=config.workers, **options)


async def _serve_one(server: ModelServer, options: dict[str, Any], announce: Callable[[], None]) -> None:
    """Load every model first (a failure is an error, and nothing listens), then bind and serve."""
    import uvicorn

    await server.start()
    announce()
    await uvicorn.Server(uvicorn.Config(create_app(server), **options)).serve()


def app_from_env(source: ModelSource, tokens: TokenCheck | None = None) -> object:
    """A worker process's app, from the configuration its parent put in the environment."""
    return create_app(ModelServer(config_from_env(), source, tokens))


def config_from_env() -> ServingConfig:
    return ServingConfig.model_validate_json(os.environ[ENV_CONFIG])
