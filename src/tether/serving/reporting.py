"""A running model server reported to tether as a deployment: it registers at start, sends a stats window
every ``interval_s`` seconds and says when it stops.

The numbers are window deltas of the server's own Prometheus metrics (``ServingMetrics``): requests and
rows between two snapshots, error rate from the error counter, p50 and p99 from the latency histogram's
bucket deltas by linear interpolation inside the bucket (as Prometheus' ``histogram_quantile`` does).
Reporting never fails or slows a request: the calls run on a thread of their own, and a tether server
that is away, or refuses a report, costs a logged warning and a retry at the next interval (a deployment
it no longer knows, or knows as stopped, is registered again). The domain opens no store: reports go
through a ``DeploymentHub`` handed in by whoever starts the server (the CLI, over its backend).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from tether.deployments.schemas import DeploymentRegister, ServedLane, ServedStats, StatsReport
from tether.errors import Conflict, NotFound
from tether.refs import InvalidRef, ModelAliasRef, ModelVersionRef, Ref
from tether.serving.config import ServingConfig
from tether.serving.metrics import ServingMetrics
from tether.serving.traffic import Traffic
from tether.version import __version__

log = logging.getLogger("tether.serving")

DEFAULT_INTERVAL_S = 15.0
MIN_WINDOW_S = 0.001
"""A window is never shorter, so rates stay finite whatever the clock does."""


class DeploymentHub(Protocol):
    """Where a deployment's reports go; each call may block (it runs off the event loop) and may raise."""

    def register(self, name: str, document: DeploymentRegister) -> None: ...

    def report(self, name: str, report: StatsReport) -> None: ...

    def stopped(self, name: str) -> None: ...


# --- the numbers ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """One served name's counters at one moment, summed over its versions."""

    answered: float = 0.0
    errors: float = 0.0
    rows: float = 0.0
    buckets: Mapping[float, float] = field(default_factory=dict)
    """Cumulative answered requests by the latency bound (seconds, ``inf`` last) they came in under."""


Snapshot = Mapping[str, Counts]
"""Counts by served name."""


def snapshot_of(metrics: ServingMetrics) -> Snapshot:
    """The server's counters now, by served name (requests that named no served model are left out)."""
    answered: dict[str, float] = defaultdict(float)
    errors: dict[str, float] = defaultdict(float)
    rows: dict[str, float] = defaultdict(float)
    buckets: dict[str, dict[float, float]] = defaultdict(lambda: defaultdict(float))
    for family in metrics.latency.collect():
        for sample in family.samples:
            name = sample.labels["model"]
            if sample.name.endswith("_bucket"):
                buckets[name][float(sample.labels["le"])] += sample.value
            elif sample.name.endswith("_count"):
                answered[name] += sample.value
    for counter, totals in ((metrics.errors, errors), (metrics.rows, rows)):
        for family in counter.collect():
            for sample in family.samples:
                if sample.name.endswith("_total") and sample.labels["model"]:
                    totals[sample.labels["model"]] += sample.value
    names = set(answered) | set(errors) | set(rows)
    return {
        name: Counts(answered[name], errors[name], rows[name], dict(buckets.get(name, {}))) for name in names
    }


def quantile(q: float, cumulative: Mapping[float, float]) -> float | None:
    """The ``q`` quantile of a histogram given as cumulative counts by upper bound, interpolated linearly
    inside its bucket from the bucket below (0 for the first); None for an empty histogram. A quantile in
    the last, unbounded bucket is the highest finite bound, since nothing is known above it."""
    bounds = sorted(cumulative)
    total = cumulative[bounds[-1]] if bounds else 0.0
    if total <= 0:
        return None
    rank = q * total
    lower, below = 0.0, 0.0
    for bound in bounds:
        count = cumulative[bound]
        if count >= rank:
            break
        lower, below = bound, count
    if math.isinf(bound):
        return lower
    return lower + (bound - lower) * (rank - below) / (count - below)


def window_stats(
    before: Snapshot, after: Snapshot, seconds: float, served: Iterable[str]
) -> list[ServedStats]:
    """Each served name's numbers between two snapshots ``seconds`` apart (a counter that went down, as one
    of a version no longer served may, counts as nothing)."""
    seconds = max(seconds, MIN_WINDOW_S)
    stats = []
    for name in served:
        old, new = before.get(name, Counts()), after.get(name, Counts())
        answered = max(0.0, new.answered - old.answered)
        errors = max(0.0, new.errors - old.errors)
        requests = answered + errors
        latency = {le: max(0.0, count - old.buckets.get(le, 0.0)) for le, count in new.buckets.items()}
        p50, p99 = quantile(0.5, latency), quantile(0.99, latency)
        stats.append(
            ServedStats(
                served_name=name,
                requests=round(requests),
                request_rate=requests / seconds,
                p50_ms=None if p50 is None else p50 * 1000,
                p99_ms=None if p99 is None else p99 * 1000,
                error_rate=errors / requests if requests else 0.0,
                rows_per_s=max(0.0, new.rows - old.rows) / seconds,
            )
        )
    return stats


def lanes_of(models: Mapping[str, Traffic]) -> list[ServedLane]:
    """The models each served name answers with now: role, URI, registered model, version and share."""
    return [_lane(name, lane) for name, traffic in models.items() for lane in traffic.describe()]


def _lane(name: str, described: Mapping[str, Any]) -> ServedLane:
    model = registered_model(described["uri"])
    return ServedLane(
        served_name=name,
        role=described["role"],
        uri=described["uri"],
        model=model,
        version=described["version"] if model else None,
        weight=described["weight"],
    )


def registered_model(uri: str) -> str | None:
    """The registered model a ``models:/`` URI names; None for a run's package or a folder."""
    try:
        ref = Ref.parse(uri)
    except InvalidRef:
        return None
    return ref.name if isinstance(ref, (ModelVersionRef, ModelAliasRef)) else None


# --- the reporter -----------------------------------------------------------------------------------------


def reporter_for(config: ServingConfig, hub: DeploymentHub | None) -> DeploymentReporter | None:
    """The reporter ``config`` asks for (its ``deployment``), sending to ``hub``; None when it asks none."""
    if hub is None or config.deployment is None:
        return None
    shown = f"[{config.host}]" if ":" in config.host else config.host
    return DeploymentReporter(
        hub, config.deployment, f"http://{shown}:{config.port}", interval_s=config.report_interval_s
    )


class DeploymentReporter:
    """Registers the server as deployment ``name`` and reports it every ``interval_s`` seconds until
    stopped; ``clock`` (seconds, monotonic) measures the windows."""

    def __init__(
        self,
        hub: DeploymentHub,
        name: str,
        url: str,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        host: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hub = hub
        self.name = name
        self.url = url
        self.interval_s = interval_s
        self.host = socket.gethostname() if host is None else host
        self._clock = clock
        self._task: asyncio.Task[None] | None = None

    def start(self, lanes: Callable[[], list[ServedLane]], metrics: ServingMetrics) -> None:
        """Begin on a task of its own: register now, then report each interval."""
        self._task = asyncio.get_running_loop().create_task(self._run(lanes, metrics))

    async def stop(self) -> None:
        """Stop reporting and say the deployment stopped (a failure to say so is only logged)."""
        if self._task is None:
            return
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None
        await self._send("say it stopped", self.hub.stopped, self.name)

    async def _run(self, lanes: Callable[[], list[ServedLane]], metrics: ServingMetrics) -> None:
        """Register, then report each window; a window in which the deployment was not registered (tether
        was away, or had forgotten it) is dropped, and registering is tried again instead."""
        before, since = snapshot_of(metrics), self._clock()
        sent = lanes()
        registered = await self._register(sent)
        while True:
            await asyncio.sleep(self.interval_s)
            now, after, at = lanes(), snapshot_of(metrics), self._clock()
            served = sorted({lane.served_name for lane in now})
            report = StatsReport(
                window_s=max(at - since, MIN_WINDOW_S),
                stats=window_stats(before, after, at - since, served),
                models=None if now == sent else now,
            )
            before, since = after, at
            if not registered:
                registered, sent = await self._register(now), now
                continue
            failure = await self._send("report", self.hub.report, self.name, report)
            if failure is None:
                sent = now
            registered = not isinstance(failure, (NotFound, Conflict))  # deleted or stopped meanwhile

    async def _register(self, lanes: Sequence[ServedLane]) -> bool:
        document = DeploymentRegister(
            models=list(lanes),
            url=self.url,
            host=self.host[:255],
            tether_version=__version__,
            report_interval_s=self.interval_s,
        )
        return await self._send("register", self.hub.register, self.name, document) is None

    async def _send(self, what: str, call: Callable[..., None], *args: object) -> Exception | None:
        """Make one call to tether off the event loop; its failure, if any, logged and returned."""
        try:
            await asyncio.to_thread(call, *args)
        except Exception as error:  # tether away, refused, anything: serving goes on, the next try comes
            log.warning(
                "deployment %s: could not %s (next try in %gs): %s", self.name, what, self.interval_s, error
            )
            return error
        return None
