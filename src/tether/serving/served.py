"""One served model: its loaded version, its batcher, its predict threads, and swapping to a new version.

Predict calls run on the model's own threads, never on the event loop. Each batch is run by the version
that was current when it was sent, and every answer carries that version, so a swap (the alias moved)
needs no pause: the new version is loaded and warmed beside the old one, then becomes current; batches
already running finish on the old one, which is released when the last of them lets go of it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pandas as pd

from tether.errors import ModelFailed, NotFound, TetherError
from tether.serving.batching import Batcher
from tether.serving.config import ServedModelConfig
from tether.serving.formats import Inputs, combine, split_outputs
from tether.serving.metrics import ServingMetrics
from tether.serving.source import LoadedVersion, ModelSource

log = logging.getLogger("tether.serving")

Answer = tuple[LoadedVersion, Any]


class ServedModel:
    def __init__(self, config: ServedModelConfig, source: ModelSource, metrics: ServingMetrics) -> None:
        self.config = config
        self.name = config.served_as
        self._source = source
        self._metrics = metrics
        self._pool = ThreadPoolExecutor(
            max_workers=config.concurrency, thread_name_prefix=f"predict-{self.name}"
        )
        self.batcher: Batcher[Inputs, Answer] = Batcher(
            self._run, config.batching(), on_batch=self._record_batch
        )
        self.current: LoadedVersion | None = None
        self.ready = False

    # --- loading -------------------------------------------------------------------------------------

    async def start(self) -> None:
        """Load and warm the version the URI names now; the server is not ready until every model is."""
        version = await asyncio.to_thread(self._source.resolve, self.config.uri)
        self._switch_to(await self._load(version))
        self.ready = True

    async def refresh(self) -> bool:
        """If the alias now names another version, load and warm it, then switch; True when it switched."""
        if not self.config.follow or self.current is None or self.current.version is None:
            return False
        version = await asyncio.to_thread(self._source.resolve, self.config.uri)
        if version == self.current.version:
            return False
        loaded = await self._load(version)
        old = self.current
        self._switch_to(loaded)
        log.info("%s: now serving version %s (was %s)", self.name, loaded.label, old.label)
        return True

    async def _load(self, version: int | None) -> LoadedVersion:
        loaded = await asyncio.to_thread(self._source.load, self.config, version)
        await asyncio.get_running_loop().run_in_executor(self._pool, self._warm, loaded)
        return loaded

    def _warm(self, loaded: LoadedVersion) -> None:
        """Predict on the package's example (one row, then a full batch) so the first request is not slow,
        and let the batcher start from measured costs."""
        example = loaded.model.input_example
        if example is None or len(example) == 0:
            return
        for rows in (1, min(self.config.max_batch_rows, 64)):
            data = _rows_of(example, rows)
            started = time.perf_counter()
            loaded.model.predict(data)
            self.batcher.cost.observe(rows, time.perf_counter() - started)

    def _switch_to(self, loaded: LoadedVersion) -> None:
        if self.current is not None:
            self._metrics.loaded.remove(self.name, self.current.label)
        self.current = loaded
        self._metrics.loaded.labels(self.name, loaded.label).set(1)

    async def close(self) -> None:
        """Answer everything queued and running, then stop the predict threads."""
        await self.batcher.drain()
        self._pool.shutdown(wait=True)

    # --- predicting ----------------------------------------------------------------------------------

    def check_version(self, version: str | None) -> LoadedVersion:
        """The loaded version, which must be ``version`` when the caller pinned one."""
        current = self.current
        if current is None:
            raise NotFound(f"model {self.name!r} is still loading")
        if version is not None and version != current.label:
            raise NotFound(
                f"version {version} of {self.name!r} is not being served; this server answers with "
                f"version {current.label or '(unversioned)'}"
            )
        return current

    async def predict(self, inputs: Inputs) -> Answer:
        """The model's predictions for ``inputs``, and the version that made them."""
        pieces = inputs.split(self.config.max_batch_rows)
        if len(pieces) == 1:
            return await self.batcher.submit(inputs, inputs.rows)
        for _attempt in range(2):  # a swap between pieces: run the request again on one version
            answers = await asyncio.gather(*(self.batcher.submit(piece, piece.rows) for piece in pieces))
            versions = {id(loaded) for loaded, _ in answers}
            if len(versions) == 1:
                return answers[0][0], np.concatenate([np.asarray(outputs) for _, outputs in answers])
        raise ModelFailed(f"{self.name!r} changed version twice while answering one request; send it again")

    async def _run(self, batch: list[Inputs]) -> Sequence[Answer | BaseException]:
        loaded = self.current
        assert loaded is not None
        return await asyncio.get_running_loop().run_in_executor(
            self._pool, self._predict_batch, loaded, batch
        )

    def _predict_batch(self, loaded: LoadedVersion, batch: list[Inputs]) -> list[Answer | BaseException]:
        try:
            outputs = loaded.model.predict(combine(batch))
            pieces = split_outputs(outputs, [item.rows for item in batch])
        except Exception as error:
            if len(batch) == 1:
                return [self._failure(error)]
            return [self._predict_one(loaded, item) for item in batch]  # find the request that caused it
        self._metrics.rows.labels(self.name, loaded.label).inc(sum(item.rows for item in batch))
        return [(loaded, piece) for piece in pieces]

    def _predict_one(self, loaded: LoadedVersion, item: Inputs) -> Answer | BaseException:
        try:
            outputs = loaded.model.predict(combine([item]))
            piece = split_outputs(outputs, [item.rows])[0]
        except Exception as error:
            return self._failure(error)
        self._metrics.rows.labels(self.name, loaded.label).inc(item.rows)
        return loaded, piece

    def _failure(self, error: Exception) -> TetherError:
        if isinstance(error, TetherError):
            return error
        log.warning("%s: the model failed: %s: %s", self.name, type(error).__name__, error)
        return ModelFailed(f"the model failed on this input: {type(error).__name__}: {error}")

    def _record_batch(self, rows: int, seconds: float) -> None:
        self._metrics.batch_rows.labels(self.name).observe(rows)
        self._metrics.predict_seconds.labels(self.name).observe(seconds)


def _rows_of(example: pd.DataFrame | np.ndarray, rows: int) -> pd.DataFrame | np.ndarray:
    """``rows`` rows made by repeating the example."""
    repeats = -(-rows // len(example))
    if isinstance(example, pd.DataFrame):
        tiled: pd.DataFrame = pd.concat([example] * repeats, ignore_index=True).iloc[:rows]
        return tiled
    repeated: np.ndarray = np.concatenate([example] * repeats)[:rows]
    return repeated
