"""Reporting a model server as a deployment: window stats from the Prometheus metrics (request rate, error
rate, rows, p50/p99 by bucket interpolation), the lanes of each served name, and the reporter's loop on an
injected clock, including a tether server that is away or has forgotten the deployment."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.serving.support import serve

from tether.deployments.schemas import DeploymentRegister, ServedLane, StatsReport
from tether.errors import NotFound, StorageError
from tether.serving.app import ModelServer
from tether.serving.metrics import ServingMetrics
from tether.serving.reporting import DeploymentReporter, lanes_of, quantile, snapshot_of, window_stats

INF = float("inf")


@pytest.mark.parametrize(
    ("q", "buckets", "expected"),
    [
        (0.5, {0.01: 50.0, 0.1: 100.0, INF: 100.0}, 0.01),
        (0.99, {0.01: 50.0, 0.1: 100.0, INF: 100.0}, 0.01 + 0.09 * 49 / 50),
        (0.5, {0.01: 0.0, 0.1: 10.0, INF: 10.0}, 0.055),  # the empty first bucket is skipped
        (0.25, {0.01: 0.0, 0.1: 0.0, 1.0: 4.0, INF: 4.0}, 0.1 + 0.9 * 1 / 4),
        (0.99, {0.01: 10.0, 0.1: 10.0, INF: 20.0}, 0.1),  # beyond the last bound: the highest bound
        (0.5, {0.01: 0.0, INF: 0.0}, None),
        (0.5, {}, None),
    ],
)
def test_quantiles_interpolate_inside_their_bucket(
    q: float, buckets: dict[float, float], expected: float | None
) -> None:
    assert quantile(q, buckets) == (None if expected is None else pytest.approx(expected))


def test_window_stats_are_the_deltas_between_two_snapshots() -> None:
    metrics = ServingMetrics()
    metrics.latency.labels("churn", "1").observe(0.5)  # before the window: not counted
    metrics.rows.labels("churn", "1").inc(7)
    before = snapshot_of(metrics)
    for version, seconds in (("1", 0.003), ("1", 0.004), ("2", 0.004), ("2", 0.2)):
        metrics.latency.labels("churn", version).observe(seconds)
    metrics.errors.labels("churn", "INVALID_INPUT").inc()
    metrics.errors.labels("", "NOT_FOUND").inc()  # a request for no served model
    metrics.rows.labels("churn", "2").inc(40)
    stats = window_stats(before, snapshot_of(metrics), 10.0, ["churn", "idle"])
    churn, idle = stats
    assert (churn.requests, churn.request_rate, churn.error_rate, churn.rows_per_s) == (5, 0.5, 0.2, 4.0)
    assert churn.p50_ms == pytest.approx(2.5 + 2.5 * (2 - 0) / 3)  # 3 of 4 in (2.5, 5] ms
    assert churn.p99_ms == pytest.approx(100 + 150 * (3.96 - 3) / 1)  # the slowest in (100, 250] ms
    assert (idle.requests, idle.request_rate, idle.p50_ms, idle.p99_ms, idle.error_rate) == (
        0,
        0,
        None,
        None,
        0,
    )


def test_the_lanes_say_role_version_and_share_of_each_served_name(tmp_path: Path) -> None:
    async def check(client: httpx.AsyncClient, server: ModelServer, source: Any) -> None:
        assert [(lane.role, lane.model, lane.version, lane.weight) for lane in lanes_of(server.models)] == [
            ("primary", "churn", 1, 0.75),
            ("canary", "churn", 2, 0.25),
        ]

    serve(tmp_path, check, canary={"uri": "models:/churn@challenger", "weight": 0.25})


# --- the reporter -----------------------------------------------------------------------------------------


class Hub:
    """Records what the reporter sends, from its threads; ``refuse`` makes a call of that kind raise."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.refuse: dict[str, Exception] = {}
        self.changed = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        self._lock = threading.Lock()

    def register(self, name: str, document: DeploymentRegister) -> None:
        self._record("register", name, document)

    def report(self, name: str, report: StatsReport) -> None:
        self._record("report", name, report)

    def stopped(self, name: str) -> None:
        self._record("stopped", name, None)

    def _record(self, kind: str, name: str, what: Any) -> None:
        assert name == "churn-prod"
        with self._lock:
            refused = self.refuse.get(kind)
            self.calls.append((kind if refused is None else f"{kind} refused", what))
        self._loop.call_soon_threadsafe(self.changed.set)
        if refused is not None:
            raise refused

    def kinds(self) -> list[str]:
        with self._lock:
            return [kind for kind, _ in self.calls]

    def sent(self, kind: str) -> list[Any]:
        with self._lock:
            return [what for made, what in self.calls if made == kind]

    async def until(self, done: Callable[[], bool]) -> None:
        async def wait() -> None:
            while True:
                self.changed.clear()
                if done():
                    return
                await self.changed.wait()

        await asyncio.wait_for(wait(), timeout=10)


class Clock:
    """Fifteen seconds pass between any two readings."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 15.0
        return self.now


def lane(version: int) -> ServedLane:
    return ServedLane(served_name="churn", uri="models:/churn@champion", model="churn", version=version)


def test_the_reporter_registers_reports_each_window_and_says_it_stopped() -> None:
    async def scenario() -> None:
        hub, metrics, lanes = Hub(), ServingMetrics(), [lane(1)]
        reporter = DeploymentReporter(hub, "churn-prod", "http://box:8080", interval_s=0.01, clock=Clock())
        reporter.start(lambda: list(lanes), metrics)
        await hub.until(lambda: "register" in hub.kinds())
        for _ in range(30):
            metrics.latency.labels("churn", "1").observe(0.004)
        await hub.until(lambda: len(hub.sent("report")) >= 2)
        lanes[0] = lane(2)  # the alias moved
        await hub.until(lambda: any(r.models for r in hub.sent("report")))
        await reporter.stop()
        registered = hub.sent("register")[0]
        assert (registered.url, registered.report_interval_s, registered.models) == (
            "http://box:8080",
            0.01,
            [lane(1)],
        )
        reports = hub.sent("report")
        assert all(r.window_s == 15.0 for r in reports)
        assert sum(r.stats[0].requests for r in reports) == 30
        assert sum(r.stats[0].request_rate for r in reports) == 2.0
        assert [r.models for r in reports if r.models] == [[lane(2)]]
        assert hub.kinds()[-1] == "stopped"

    asyncio.run(scenario())


def test_a_tether_server_away_costs_a_warning_and_a_retry(caplog: pytest.LogCaptureFixture) -> None:
    async def scenario() -> None:
        hub = Hub()
        hub.refuse = {
            "register": StorageError("cannot reach the tether server"),
            "stopped": StorageError("away"),
        }
        reporter = DeploymentReporter(hub, "churn-prod", "http://box:8080", interval_s=0.01, clock=Clock())
        reporter.start(lambda: [lane(1)], ServingMetrics())
        await hub.until(lambda: hub.kinds().count("register refused") >= 2)
        hub.refuse.pop("register")
        await hub.until(lambda: "report" in hub.kinds())
        hub.refuse["report"] = NotFound("no deployment named 'churn-prod'")  # deleted while running
        await hub.until(lambda: hub.kinds()[-2:] == ["report refused", "register"])
        hub.refuse.pop("report")
        await hub.until(lambda: hub.kinds()[-1] == "report")
        await reporter.stop()  # saying so fails too, and is only logged
        assert hub.kinds()[-1] == "stopped refused"

    with caplog.at_level(logging.WARNING, logger="tether.serving"):
        asyncio.run(scenario())
    assert "deployment churn-prod: could not register (next try in 0.01s): cannot reach" in caplog.text
    assert "could not say it stopped" in caplog.text


def test_stopping_a_reporter_that_never_started_sends_nothing() -> None:
    async def scenario() -> None:
        hub = Hub()
        await DeploymentReporter(hub, "churn-prod", "http://box:8080").stop()
        assert hub.calls == []

    asyncio.run(scenario())
