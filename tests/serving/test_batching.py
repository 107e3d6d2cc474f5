"""The adaptive batcher on a clock the test moves by hand: deadlines, cap, adaptation, overload, isolation."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Sequence
from typing import Any

import pytest

from tether.errors import InvalidInput, Overloaded
from tether.serving.batching import (
    ArrivalRate,
    Batcher,
    BatchSettings,
    CostModel,
    length_buckets,
    wait_before_dispatch,
)


class FakeClock:
    """Time stands still until ``advance``; ``wait`` returns on the event or when time reaches its end."""

    def __init__(self) -> None:
        self.time = 0.0
        self._waiters: list[tuple[float, asyncio.Future[None]]] = []

    def now(self) -> float:
        return self.time

    async def wait(self, event: asyncio.Event, seconds: float) -> None:
        timer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((self.time + seconds, timer))
        woken = asyncio.ensure_future(event.wait())
        await asyncio.wait({timer, woken}, return_when=asyncio.FIRST_COMPLETED)
        woken.cancel()
        self._waiters = [(end, f) for end, f in self._waiters if f is not timer]

    async def sleep(self, seconds: float) -> None:
        timer: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append((self.time + seconds, timer))
        await timer

    async def advance(self, seconds: float) -> None:
        self.time += seconds
        for end, timer in list(self._waiters):
            if end <= self.time + 1e-12 and not timer.done():
                timer.set_result(None)
        await settle()


async def settle() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


class Model:
    """A runner that records each batch and takes ``fixed + per_row·rows`` seconds of fake time (all at once
    unless ``overlap``, where it sleeps on the clock so that requests keep arriving meanwhile)."""

    def __init__(
        self,
        clock: FakeClock,
        fixed: float = 0.0,
        per_row: float = 0.0,
        hold: bool = False,
        overlap: bool = False,
    ) -> None:
        self.clock = clock
        self.overlap = overlap
        self.fixed = fixed
        self.per_row = per_row
        self.batches: list[list[int]] = []
        self.release = asyncio.Event()
        if not hold:
            self.release.set()

    async def __call__(self, batch: list[int]) -> Sequence[int | BaseException]:
        self.batches.append(list(batch))
        await self.release.wait()
        if self.overlap:
            await self.clock.sleep(self.fixed + self.per_row * len(batch))
        else:
            self.clock.time += self.fixed + self.per_row * len(batch)
        return [ValueError(f"bad {item}") if item < 0 else item * 10 for item in batch]


def run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


def test_a_lone_request_is_sent_at_once() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, fixed=0.005)
        batcher: Batcher[int, int] = Batcher(model, BatchSettings(max_latency_ms=50), clock=clock)
        answer = asyncio.ensure_future(batcher.submit(1, 1))
        await settle()
        assert answer.done() and answer.result() == 10  # no timer was needed: nothing was held back
        assert model.batches == [[1]]

    run(scenario)


def test_requests_arriving_while_a_batch_runs_share_the_next_one() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, BatchSettings(max_batch_rows=100), clock=clock)
        first = asyncio.ensure_future(batcher.submit(1, 1))
        await settle()
        others = [asyncio.ensure_future(batcher.submit(i, 1)) for i in range(2, 7)]
        await settle()
        assert model.batches == [[1]]
        assert batcher.queued_rows == 5
        model.release.set()
        await settle()
        assert model.batches == [[1], [2, 3, 4, 5, 6]]
        assert first.result() == 10
        assert [task.result() for task in others] == [20, 30, 40, 50, 60]

    run(scenario)


def test_a_batch_never_holds_more_rows_than_the_cap() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, BatchSettings(max_batch_rows=4), clock=clock)
        tasks = [asyncio.ensure_future(batcher.submit(1, 1))]
        await settle()
        tasks += [
            asyncio.ensure_future(batcher.submit(i, rows)) for i, rows in ((2, 3), (3, 2), (4, 2), (5, 1))
        ]
        await settle()
        model.release.set()
        await asyncio.gather(*tasks)
        assert model.batches == [[1], [2], [3, 4], [5]]  # 3 rows, then 2 + 2; 3 + 2 would be over 4

    run(scenario)


def test_a_request_over_the_cap_is_refused() -> None:
    async def scenario() -> None:
        batcher: Batcher[int, int] = Batcher(Model(FakeClock()), BatchSettings(max_batch_rows=4))
        with pytest.raises(InvalidInput, match="over the batch cap of 4"):
            await batcher.submit(1, 5)

    run(scenario)


def test_a_full_queue_answers_overloaded_with_a_retry_time() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        settings = BatchSettings(max_batch_rows=2, max_queue_rows=3)
        batcher: Batcher[int, int] = Batcher(model, settings, clock=clock)
        tasks = []
        for i in range(1, 5):
            tasks.append(asyncio.ensure_future(batcher.submit(i, 1)))
            await settle()  # the first runs alone, the next three wait
        with pytest.raises(Overloaded, match="limit is 3") as refused:
            await batcher.submit(9, 1)
        assert refused.value.retry_after_s is not None and refused.value.retry_after_s >= 1
        model.release.set()
        assert await asyncio.gather(*tasks) == [10, 20, 30, 40]  # what was taken is still answered

    run(scenario)


def test_one_failing_request_does_not_fail_its_batch() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, clock=clock)
        first = asyncio.ensure_future(batcher.submit(1, 1))
        await settle()
        good = asyncio.ensure_future(batcher.submit(2, 1))
        bad = asyncio.ensure_future(batcher.submit(-3, 1))
        model.release.set()
        await asyncio.wait({first, good, bad})
        assert model.batches[-1] == [2, -3]
        assert good.result() == 20
        with pytest.raises(ValueError, match="bad -3"):
            bad.result()

    run(scenario)


def test_a_runner_that_raises_fails_only_that_batch() -> None:
    async def scenario() -> None:
        calls = 0

        async def flaky(batch: list[int]) -> list[int]:
            nonlocal calls
            calls += 1
            if calls == 1:
                raise RuntimeError("the device went away")
            return batch

        batcher: Batcher[int, int] = Batcher(flaky)
        with pytest.raises(RuntimeError, match="device went away"):
            await batcher.submit(1, 1)
        assert await batcher.submit(2, 1) == 2

    run(scenario)


def test_under_steady_traffic_the_batcher_waits_about_one_fixed_cost() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, fixed=0.004, per_row=0.0001, overlap=True)
        # slots to spare: every batch bigger than one row was formed by waiting, not by a busy model
        settings = BatchSettings(max_batch_rows=64, max_latency_ms=10, concurrency=8)
        batcher: Batcher[int, int] = Batcher(model, settings, clock=clock)
        for rows in (1, 32, 8):  # the model's cost, learnt from earlier calls
            batcher.cost.observe(rows, 0.004 + 0.0001 * rows)
        tasks = []
        for i in range(400):  # one row every 0.5 ms: 2,000 rows/s, 8 rows per fixed-cost window
            tasks.append(asyncio.ensure_future(batcher.submit(i, 1)))
            await clock.advance(0.0005)
        for _ in range(100):
            await clock.advance(0.001)
        await asyncio.gather(*tasks)
        sizes = [len(batch) for batch in model.batches]
        assert sum(sizes) == 400
        assert max(sizes) <= 64
        settled = sizes[len(sizes) // 3 : -1]  # once the arrival rate is known
        assert min(settled) >= 2  # rows were gathered rather than sent one by one ...
        assert max(settled) <= 12  # ... for about one fixed cost (4.4 ms at 2,000 rows/s), not to the cap

    run(scenario)


def test_nothing_is_held_past_its_latency_budget() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, fixed=0.02)
        settings = BatchSettings(max_batch_rows=1000, max_latency_ms=5)
        batcher: Batcher[int, int] = Batcher(model, settings, clock=clock)
        batcher.cost.observe(1, 0.02)
        sent_at: list[float] = []

        async def timed(batch: list[int]) -> Sequence[int | BaseException]:
            sent_at.append(clock.time)
            return batch

        batcher._run = timed  # same batcher, a runner that records when each batch left
        for _ in range(50):
            batcher.rate.add(10, clock.time)  # heavy traffic: waiting would look worthwhile
        arrived = clock.time
        task = asyncio.ensure_future(batcher.submit(1, 1))
        for _ in range(20):
            await clock.advance(0.001)
        await task
        assert sent_at and sent_at[0] - arrived <= 0.005 + 1e-9

    run(scenario)


def test_drain_answers_everything_queued_then_refuses_new_work() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, clock=clock)
        tasks = [asyncio.ensure_future(batcher.submit(i, 1)) for i in range(1, 4)]
        await settle()
        draining = asyncio.ensure_future(batcher.drain())
        await settle()
        with pytest.raises(Overloaded, match="shutting down"):
            await batcher.submit(9, 1)
        model.release.set()
        await draining
        assert [task.result() for task in tasks] == [10, 20, 30]

    run(scenario)


def test_buckets_keep_different_lengths_apart() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, clock=clock, bucket=length_buckets(abs, width=100))
        tasks = [asyncio.ensure_future(batcher.submit(5, 1))]
        await settle()
        tasks += [asyncio.ensure_future(batcher.submit(p, 1)) for p in (7, 250, 9, 260)]
        await settle()
        model.release.set()
        await asyncio.gather(*tasks)
        assert model.batches == [[5], [7, 9], [250, 260]]

    run(scenario)


def test_concurrency_allows_that_many_batches_at_once() -> None:
    async def scenario() -> None:
        clock = FakeClock()
        model = Model(clock, hold=True)
        batcher: Batcher[int, int] = Batcher(model, BatchSettings(concurrency=2), clock=clock)
        tasks = []
        for i in range(1, 4):
            tasks.append(asyncio.ensure_future(batcher.submit(i, 1)))
            await settle()
        assert batcher.in_flight == 2
        assert batcher.queued_rows == 1
        model.release.set()
        await asyncio.gather(*tasks)
        assert batcher.in_flight == 0

    run(scenario)


def test_the_cost_model_recovers_fixed_and_per_row_costs() -> None:
    cost = CostModel()
    for rows in (1, 4, 16, 64, 2, 32, 8):
        cost.observe(rows, 0.003 + 0.0002 * rows)
    fixed, per_row = cost.coefficients()
    assert fixed == pytest.approx(0.003, rel=1e-6)
    assert per_row == pytest.approx(0.0002, rel=1e-6)
    assert cost.estimate(100) == pytest.approx(0.023, rel=1e-6)


def test_calls_of_one_size_count_as_fixed_cost() -> None:
    cost = CostModel()
    for _ in range(5):
        cost.observe(1, 0.002)
    assert cost.coefficients() == (pytest.approx(0.002), 0.0)


def test_the_arrival_rate_follows_traffic_and_fades_when_it_stops() -> None:
    rate = ArrivalRate(horizon_s=1.0)
    for step in range(5000):
        rate.add(1, step * 0.001)  # 1,000 rows/s for 5 s
    assert rate.per_second(5.0) == pytest.approx(1000, rel=0.01)
    assert rate.per_second(10.0) < 10


def test_no_wait_without_traffic_or_with_a_full_batch() -> None:
    cost = CostModel()
    cost.observe(1, 0.004)
    settings = BatchSettings(max_batch_rows=8, max_latency_ms=50)
    common = {"now": 0.0, "oldest": 0.0, "cost": cost, "settings": settings}
    assert wait_before_dispatch(queued_rows=1, rate=10.0, **common) == 0.0  # 0.04 rows per fixed cost
    assert wait_before_dispatch(queued_rows=8, rate=1e6, **common) == 0.0
    waited = wait_before_dispatch(queued_rows=1, rate=1000.0, **common)
    assert 0 < waited <= 0.004  # never longer than a call's fixed cost


def test_settings_are_checked() -> None:
    with pytest.raises(InvalidInput, match="max_batch_rows must be at least 1"):
        BatchSettings(max_batch_rows=0)
    with pytest.raises(InvalidInput, match="must be at least max_batch_rows"):
        BatchSettings(max_batch_rows=100, max_queue_rows=10)
