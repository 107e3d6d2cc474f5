"""Where the requests for one served name go: the primary model, a canary that answers a share of them, and
a shadow that gets a copy of each.

Each of the three is a :class:`ServedModel` of its own (its own version, batcher and threads), since
versions cannot share a predict call. A request that pins a version (``/versions/4/predict``) goes to the
one serving it. Copies for the shadow are sent after the answer, on tasks of their own: the caller never
waits for the shadow, and a shadow that is slow fills its own bounded queue, after which copies are dropped
and counted rather than queued without end.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from typing import Any

from tether.errors import NotFound, TetherError
from tether.serving.config import ServedModelConfig
from tether.serving.formats import Inputs
from tether.serving.metrics import ServingMetrics
from tether.serving.served import ServedModel
from tether.serving.source import LoadedVersion, ModelSource

log = logging.getLogger("tether.serving")

PRIMARY, CANARY, SHADOW = "primary", "canary", "shadow"

ShadowAnswered = Callable[[LoadedVersion, Any, float], None]
"""Told of each shadow answer: the version that gave it, the outputs and the seconds it took."""


class Traffic:
    """The models answering under one served name, and which of them takes each request."""

    def __init__(
        self,
        config: ServedModelConfig,
        source: ModelSource,
        metrics: ServingMetrics,
        draw: Callable[[], float] = random.random,
    ) -> None:
        self.config = config
        self.name = config.served_as
        self.primary = ServedModel(config, source, metrics)
        self.canary = ServedModel(config.lane(config.canary.uri), source, metrics) if config.canary else None
        self.weight = config.canary.weight if config.canary else 0.0
        self.shadow = ServedModel(config.lane(config.shadow), source, metrics) if config.shadow else None
        self._metrics = metrics
        self._draw = draw
        self._copies: set[asyncio.Task[None]] = set()

    def lanes(self) -> list[tuple[str, ServedModel]]:
        """Every model under this name, with its role."""
        named = [(PRIMARY, self.primary), (CANARY, self.canary), (SHADOW, self.shadow)]
        return [(role, model) for role, model in named if model is not None]

    @property
    def ready(self) -> bool:
        return all(model.ready for _, model in self.lanes())

    @property
    def queued_rows(self) -> int:
        return sum(model.batcher.queued_rows for _, model in self.lanes())

    async def start(self) -> None:
        await asyncio.gather(*(model.start() for _, model in self.lanes()))

    async def refresh(self) -> bool:
        """Follow each alias; one that cannot be checked keeps what it has and the others still move.
        True when any of them switched version."""
        switched = False
        for role, model in self.lanes():
            try:
                switched = await model.refresh() or switched
            except Exception as error:  # any failure to reach or load: keep serving what is loaded
                log.warning("%s (%s): could not check for a new version: %s", self.name, role, error)
        return switched

    async def close(self) -> None:
        """Answer what every lane holds; copies already sent to the shadow finish first."""
        if self._copies:
            await asyncio.gather(*self._copies, return_exceptions=True)
        await asyncio.gather(*(model.close() for _, model in self.lanes()))

    def route(self, version: str | None) -> tuple[str, ServedModel]:
        """The model that answers a request: the one serving ``version`` when pinned, else the canary for
        its share of requests and the primary for the rest."""
        if version is None:
            if self.canary is not None and self._draw() < self.weight:
                return CANARY, self.canary
            return PRIMARY, self.primary
        answering = [(PRIMARY, self.primary)] + ([(CANARY, self.canary)] if self.canary else [])
        for role, model in answering:
            if model.current is not None and model.current.label == version:
                return role, model
        labels = sorted({model.current.label for _, model in answering if model.current is not None})
        raise NotFound(
            f"version {version} of {self.name!r} is not being served; this server answers with version "
            f"{', '.join(label or '(unversioned)' for label in labels)}"
        )

    def lane(self, version: str | None) -> ServedModel:
        """The model that describes this name: the one serving ``version`` when given, else the primary."""
        return self.primary if version is None else self.route(version)[1]

    def mirror(self, inputs: Inputs, answered: ShadowAnswered) -> None:
        """Send a copy of ``inputs`` to the shadow, if there is one, without waiting for it."""
        if self.shadow is None:
            return
        task = asyncio.get_running_loop().create_task(self._shadow(self.shadow, inputs, answered))
        self._copies.add(task)
        task.add_done_callback(self._copies.discard)

    async def _shadow(self, shadow: ServedModel, inputs: Inputs, answered: ShadowAnswered) -> None:
        started = asyncio.get_running_loop().time()
        try:
            loaded, outputs = await shadow.predict(inputs)
        except TetherError as error:
            outcome = "dropped" if error.code == "OVERLOADED" else "failed"
            self._metrics.shadow.labels(self.name, outcome).inc()
            return
        self._metrics.shadow.labels(self.name, "answered").inc()
        answered(loaded, outputs, asyncio.get_running_loop().time() - started)

    def describe(self) -> list[dict[str, Any]]:
        """Each lane's role, URI, version answering and share of requests (a shadow answers none)."""
        shares = {PRIMARY: 1 - self.weight, CANARY: self.weight, SHADOW: 0.0}
        return [
            {
                "role": role,
                "uri": model.config.uri,
                "version": model.current.version if model.current else None,
                "weight": shares[role],
                "ready": model.ready,
            }
            for role, model in self.lanes()
        ]
