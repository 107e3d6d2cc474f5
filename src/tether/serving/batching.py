"""Adaptive batching: requests for one model are queued and combined into one ``predict`` call.

How a batch is formed
---------------------
Requests join a bounded queue, counted in rows (a request that is already a batch counts all its rows).
While every predict slot is busy, requests simply accumulate, so under load batches grow by themselves and
no timer is involved. When a slot is free the dispatcher asks :func:`wait_before_dispatch` how long to hold
the queue, and sends at most ``max_batch_rows`` rows (oldest first) when that time is up or the cap fills.

The wait is worth it only when rows are expected to arrive while waiting. The batcher keeps two estimates:

* the model's cost, fitted online by least squares as ``seconds ≈ a + b·rows`` with older calls forgotten
  exponentially, so ``a`` is what a call costs whatever its size and ``b`` what each row adds;
* the arrival rate ``λ`` in rows per second, an exponentially weighted average of recent arrivals.

Waiting ``t`` delays every queued row by ``t``; it saves one fixed cost ``a`` for the rows that join. So:

1. if the queue already holds ``max_batch_rows`` rows, send now;
2. if fewer than one row is expected within one fixed-cost window (``λ·a < 1``), send now — at low traffic
   batching adds no latency at all;
3. otherwise wait ``min(time to fill the cap, a, slack)``, where ``slack`` is what is left of the oldest
   request's ``max_latency_ms`` after the predicted cost of the batch. Waiting longer than ``a`` never
   pays: in that time another call could have run.

No request is held past its deadline by the batcher; under overload the bounded queue refuses new work
with :class:`~tether.errors.Overloaded` (a 503 with ``Retry-After`` over HTTP) rather than letting waits grow.
The runner returns one result or exception per request, so one bad request never fails the others.

A bucketing function (``bucket=``) keeps requests that should not share a batch apart — for example
sequences of very different lengths, see :func:`length_buckets`; each bucket is its own queue and the one
holding the oldest request is served first.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from tether.errors import InvalidInput, Overloaded

Payload = TypeVar("Payload")
Result = TypeVar("Result")

Runner = Callable[[list[Payload]], Awaitable[Sequence[Result | BaseException]]]
"""Runs one batch; returns, in order, each request's result or the exception that request gets."""


@dataclass(frozen=True)
class BatchSettings:
    max_batch_rows: int = 256
    """Most rows in one predict call; also what protects GPU memory."""
    max_latency_ms: float = 20.0
    """How long the batcher may hold a request before it is sent (queueing under overload aside)."""
    max_queue_rows: int = 16384
    """Rows waiting at most; past this new requests are refused with ``Overloaded``."""
    concurrency: int = 1
    """Predict calls for this model that may run at once."""

    def __post_init__(self) -> None:
        for name in ("max_batch_rows", "max_queue_rows", "concurrency"):
            if getattr(self, name) < 1:
                raise InvalidInput(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_latency_ms < 0:
            raise InvalidInput(f"max_latency_ms must not be negative, got {self.max_latency_ms}")
        if self.max_queue_rows < self.max_batch_rows:
            raise InvalidInput(
                f"max_queue_rows ({self.max_queue_rows}) must be at least max_batch_rows "
                f"({self.max_batch_rows})"
            )


class Clock(Protocol):
    """Time as the batcher sees it; tests pass a clock they advance by hand."""

    def now(self) -> float:
        """Seconds on a monotonic scale."""

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        """Return when ``event`` is set or ``seconds`` have passed, whichever comes first."""


class MonotonicClock:
    def now(self) -> float:
        return time.monotonic()

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), seconds)


class CostModel:
    """``seconds ≈ a + b·rows`` fitted by exponentially weighted least squares over recent calls."""

    def __init__(self, memory: float = 0.9) -> None:
        self.memory = memory
        self._n = self._x = self._y = self._xx = self._xy = 0.0

    def observe(self, rows: int, seconds: float) -> None:
        keep = self.memory
        self._n = self._n * keep + 1.0
        self._x = self._x * keep + rows
        self._y = self._y * keep + seconds
        self._xx = self._xx * keep + rows * rows
        self._xy = self._xy * keep + rows * seconds

    @property
    def observed(self) -> bool:
        return self._n > 0

    def coefficients(self) -> tuple[float, float]:
        """``(a, b)``: the fixed cost of a call and the cost of each row, in seconds, never negative."""
        if self._n == 0:
            return 0.0, 0.0
        mean_x, mean_y = self._x / self._n, self._y / self._n
        spread = self._xx / self._n - mean_x * mean_x
        if spread <= 1e-9 * max(
            1.0, mean_x * mean_x
        ):  # every call had the same size: all of it is fixed cost
            return max(mean_y, 0.0), 0.0
        per_row = max((self._xy / self._n - mean_x * mean_y) / spread, 0.0)
        return max(mean_y - per_row * mean_x, 0.0), per_row

    def estimate(self, rows: int) -> float:
        fixed, per_row = self.coefficients()
        return fixed + per_row * rows


class ArrivalRate:
    """Rows per second arriving: each arrival adds ``rows / horizon_s``, fading as ``exp(-age / horizon_s)``,
    so the estimate follows a change in traffic within about one horizon. Until a full horizon has been seen
    (at start, or after a long quiet spell) the sum is scaled up by the part of the horizon seen so far."""

    def __init__(self, horizon_s: float = 1.0) -> None:
        self.horizon_s = horizon_s
        self._decayed = 0.0
        self._last = 0.0
        self._since: float | None = None

    def add(self, rows: int, now: float) -> None:
        if self._since is None or now - self._last > 5 * self.horizon_s:
            self._since, self._decayed = now, 0.0
        self._decayed = self._faded(now) + rows / self.horizon_s
        self._last = now

    def per_second(self, now: float) -> float:
        if self._since is None:
            return 0.0
        seen = max(now - self._since, 0.1 * self.horizon_s)
        return self._faded(now) / (1.0 - math.exp(-seen / self.horizon_s))

    def _faded(self, now: float) -> float:
        return self._decayed * math.exp(-max(now - self._last, 0.0) / self.horizon_s)


def wait_before_dispatch(
    *, now: float, oldest: float, queued_rows: int, cost: CostModel, rate: float, settings: BatchSettings
) -> float:
    """Seconds to hold the queue before sending a batch (0: send now); see the module docstring."""
    if queued_rows >= settings.max_batch_rows:
        return 0.0
    fixed, _ = cost.coefficients()
    if rate * fixed < 1.0:
        return 0.0
    fill = (settings.max_batch_rows - queued_rows) / rate
    expected = min(settings.max_batch_rows, queued_rows + int(rate * min(fill, fixed)))
    slack = oldest + settings.max_latency_ms / 1000.0 - now - cost.estimate(expected)
    wait = min(fill, fixed, slack)
    return wait if wait > 1e-4 else 0.0


def length_buckets(length: Callable[[object], int], width: int = 32) -> Callable[[object], Hashable]:
    """A bucketing function that keeps inputs of lengths within ``width`` of each other together."""

    def bucket(payload: object) -> Hashable:
        return length(payload) // width

    return bucket


@dataclass
class _Pending(Generic[Payload, Result]):
    payload: Payload
    rows: int
    arrived: float
    answer: asyncio.Future[Result]


@dataclass
class BatchStats:
    """What the batcher has done, for metrics and tests."""

    batches: int = 0
    rows: int = 0
    sizes: list[int] = field(default_factory=list)

    def record(self, rows: int) -> None:
        self.batches += 1
        self.rows += rows
        if len(self.sizes) < 10_000:
            self.sizes.append(rows)


class Batcher(Generic[Payload, Result]):
    """Queues requests for one model and runs them in batches (see the module docstring)."""

    def __init__(
        self,
        run: Runner[Payload, Result],
        settings: BatchSettings | None = None,
        *,
        clock: Clock | None = None,
        bucket: Callable[[Payload], Hashable] | None = None,
        on_batch: Callable[[int, float], None] | None = None,
    ) -> None:
        self.settings = settings or BatchSettings()
        self.cost = CostModel()
        self.rate = ArrivalRate()
        self.stats = BatchStats()
        self._run = run
        self._clock = clock or MonotonicClock()
        self._bucket = bucket
        self._on_batch = on_batch
        self._queues: dict[Hashable, deque[_Pending[Payload, Result]]] = {}
        self._queued_rows = 0
        self._busy = 0
        self._arrived = asyncio.Event()
        self._slot_free = asyncio.Event()
        self._running: set[asyncio.Task[None]] = set()
        self._dispatcher: asyncio.Task[None] | None = None
        self._hold_until: float | None = None
        self._closed = False

    @property
    def queued_rows(self) -> int:
        return self._queued_rows

    @property
    def in_flight(self) -> int:
        """Predict calls running now."""
        return self._busy

    async def submit(self, payload: Payload, rows: int) -> Result:
        """Queue ``payload`` (``rows`` rows) and return its result once its batch has run."""
        if self._closed:
            raise Overloaded("this model is shutting down", retry_after_s=1)
        if rows > self.settings.max_batch_rows:
            raise InvalidInput(
                f"a request of {rows} rows is over the batch cap of {self.settings.max_batch_rows}"
            )
        if self._queued_rows + rows > self.settings.max_queue_rows:
            raise Overloaded(
                f"the queue holds {self._queued_rows} rows, its limit is {self.settings.max_queue_rows}; "
                "try again shortly",
                retry_after_s=self._retry_after(),
            )
        now = self._clock.now()
        answer: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        key = self._bucket(payload) if self._bucket else None
        self._queues.setdefault(key, deque()).append(_Pending(payload, rows, now, answer))
        self._queued_rows += rows
        self.rate.add(rows, now)
        self._arrived.set()
        if self._dispatcher is None:
            self._dispatcher = asyncio.create_task(self._dispatch_forever())
        return await answer

    async def drain(self) -> None:
        """Stop taking requests and return once every queued and running one has its answer."""
        self._closed = True
        while self._queued_rows or self._running:
            self._arrived.set()
            if self._running:
                await asyncio.wait(set(self._running))
            else:
                await asyncio.sleep(0)
        if self._dispatcher is not None:
            self._dispatcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._dispatcher
            self._dispatcher = None

    def _retry_after(self) -> int:
        per_row = self.cost.estimate(self.settings.max_batch_rows) / self.settings.max_batch_rows
        return max(1, math.ceil(per_row * self._queued_rows / self.settings.concurrency))

    async def _dispatch_forever(self) -> None:
        while True:
            if not self._queued_rows:
                self._arrived.clear()
                await self._arrived.wait()
                continue
            if self._busy >= self.settings.concurrency:
                self._slot_free.clear()
                await self._slot_free.wait()
                continue
            key, oldest = self._oldest_bucket()
            queued = sum(p.rows for p in self._queues[key])
            now = self._clock.now()
            if self._hold_until is None and not self._closed:
                wait = wait_before_dispatch(
                    now=now,
                    oldest=oldest,
                    queued_rows=queued,
                    cost=self.cost,
                    rate=self.rate.per_second(now),
                    settings=self.settings,
                )
                self._hold_until = now + wait if wait > 0 else None
            hold = self._hold_until
            if hold is not None and now < hold and queued < self.settings.max_batch_rows and not self._closed:
                self._arrived.clear()
                await self._clock.wait(self._arrived, hold - now)
                continue  # time is up, or a request arrived and may have filled the batch: look again
            self._hold_until = None
            self._start(self._take(key))

    def _oldest_bucket(self) -> tuple[Hashable, float]:
        key, queue = min(((k, q) for k, q in self._queues.items() if q), key=lambda item: item[1][0].arrived)
        return key, queue[0].arrived

    def _take(self, key: Hashable) -> list[_Pending[Payload, Result]]:
        queue = self._queues[key]
        batch = [queue.popleft()]
        rows = batch[0].rows
        while queue and rows + queue[0].rows <= self.settings.max_batch_rows:
            rows += queue[0].rows
            batch.append(queue.popleft())
        if not queue:
            del self._queues[key]
        self._queued_rows -= rows
        return batch

    def _start(self, batch: list[_Pending[Payload, Result]]) -> None:
        self._busy += 1
        task = asyncio.create_task(self._run_batch(batch))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def _run_batch(self, batch: list[_Pending[Payload, Result]]) -> None:
        rows = sum(p.rows for p in batch)
        started = self._clock.now()
        try:
            results: Sequence[Result | BaseException] = await self._run([p.payload for p in batch])
            if len(results) != len(batch):
                raise RuntimeError(f"the batch runner gave {len(results)} results for {len(batch)} requests")
        except Exception as error:  # the runner itself failed: every request in the batch gets that error
            results = [error] * len(batch)
        finally:
            elapsed = self._clock.now() - started
            self._busy -= 1
            self._slot_free.set()
        self.cost.observe(rows, elapsed)
        self.stats.record(rows)
        if self._on_batch is not None:
            self._on_batch(rows, elapsed)
        for pending, result in zip(batch, results, strict=True):
            if pending.answer.done():  # the caller went away
                continue
            if isinstance(result, BaseException):
                pending.answer.set_exception(result)
            else:
                pending.answer.set_result(result)
