"""Running a model server with uvicorn: one process, or several sharing the port."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tether.errors import ConfigError
from tether.serving.app import ModelServer, create_app
from tether.serving.auth import TokenCheck
from tether.serving.config import ServingConfig
from tether.serving.placement import is_split, placement
from tether.serving.reporting import DeploymentHub, reporter_for
from tether.serving.source import ModelSource

ENV_CONFIG = "TETHER_SERVE_CONFIG"
"""How worker processes receive the configuration: JSON in the environment."""
ENV_SLOTS = "TETHER_SERVE_SLOTS"
"""The folder where workers claim their slots and listen for forwarded requests (see placement.py)."""

log = logging.getLogger("tether.serving")

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
    with contextlib.ExitStack() as stack:
        if is_split(config):  # the workers claim their slots in a folder only this server uses
            folder = stack.enter_context(tempfile.TemporaryDirectory(prefix="tether-serve-"))
            os.environ[ENV_SLOTS] = folder
            for name, slots in placement(config).items():
                log.info("%s is loaded by worker slot%s %s", name, "s" * (len(slots) > 1), _listed(slots))
        announce()
        uvicorn.run(factory, factory=True, workers=config.workers, **options)


async def _serve_one(server: ModelServer, options: dict[str, Any], announce: Callable[[], None]) -> None:
    """Load every model first (a failure is an error, and nothing listens), then bind and serve."""
    import uvicorn

    await server.start()
    announce()
    await uvicorn.Server(uvicorn.Config(create_app(server), **options)).serve()


def app_from_env(source: ModelSource, tokens: TokenCheck | None = None) -> object:
    """A worker process's app, from the configuration its parent put in the environment; where models
    have their own worker counts, only this worker's models, with the others' requests forwarded."""
    config = config_from_env()
    if not is_split(config):
        return create_app(ModelServer(config, source, tokens))
    from tether.serving.peers import split_app

    return split_app(
        config, Path(os.environ[ENV_SLOTS]), lambda own: create_app(ModelServer(own, source, tokens))
    )


def _listed(slots: tuple[int, ...]) -> str:
    return ", ".join(str(slot) for slot in slots)


def config_from_env() -> ServingConfig:
    return ServingConfig.model_validate_json(os.environ[ENV_CONFIG])
