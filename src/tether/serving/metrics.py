"""The model server's Prometheus metrics, in a registry of its own so that several servers (or tests) in one
process never share counts."""

from __future__ import annotations

from collections.abc import Callable

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096)


class ServingMetrics:
    """Request latency per model and version, batch sizes, rows predicted, errors by kind, queue depth."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.latency = Histogram(
            "tether_request_latency_seconds",
            "Time from a prediction request's arrival to its answer.",
            ["model", "version"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.batch_rows = Histogram(
            "tether_batch_rows",
            "Rows in each predict call.",
            ["model"],
            buckets=BATCH_BUCKETS,
            registry=self.registry,
        )
        self.predict_seconds = Histogram(
            "tether_predict_seconds",
            "Time each predict call took.",
            ["model"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.rows = Counter(
            "tether_predicted_rows", "Rows predicted.", ["model", "version"], registry=self.registry
        )
        self.errors = Counter(
            "tether_request_errors",
            "Prediction requests that failed, by error code.",
            ["model", "code"],
            registry=self.registry,
        )
        self.loaded = Gauge(
            "tether_model_loaded_version",
            "The version each served model answers with (1 for the loaded version).",
            ["model", "version"],
            registry=self.registry,
        )
        self.shadow = Counter(
            "tether_shadow_requests",
            "Copies of requests sent to a shadow model, by outcome: answered, failed or dropped (queue full)",
            ["model", "outcome"],
            registry=self.registry,
        )
        self.logged_rows = Counter(
            "tether_prediction_log_rows",
            "Rows of the prediction log by outcome: written, sampled_out, dropped (buffer full) or failed.",
            ["model", "outcome"],
            registry=self.registry,
        )

    def watch_queues(self, depths: Callable[[], dict[str, int]]) -> None:
        """Report each model's queued rows, read at scrape time."""
        self.registry.register(_QueueDepth(depths))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _QueueDepth(Collector):
    def __init__(self, depths: Callable[[], dict[str, int]]) -> None:
        self._depths = depths

    def collect(self) -> list[GaugeMetricFamily]:
        family = GaugeMetricFamily("tether_queue_rows", "Rows waiting to be predicted.", labels=["model"])
        for model, rows in sorted(self._depths().items()):
            family.add_metric([model], rows)
        return [family]
