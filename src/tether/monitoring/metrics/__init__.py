"""Metrics: what a report computes over reference and current data.

Contracts: a metric is settings (a ``MetricSpec``, pydantic data) plus one function registered with
``@computes`` in ``base.METRICS``; it reads the data only through its ``Context`` (both datasets, the
resolved mapping and a per-run cache) and returns one ``MetricResult``. Data a metric cannot use raises
``InvalidData``, which the report shows as "not computed" with the reason, never a crash. The built-in
metric types are promised here by name and load together on first use, so nothing heavy (pyarrow,
pandas) is imported until a metric type is named.
"""

from __future__ import annotations

from tether.monitoring.metrics.base import METRICS

BUILT_IN = (
    "DataDrift",
    "TargetDrift",
    "PredictionDrift",
    "DataQuality",
    "ClassificationPerformance",
    "RegressionPerformance",
)
"""The metric types tether ships, promised to ``METRICS`` before their modules load."""


def _load_built_in() -> object:
    """The built-in metric modules; each registers its metric types as it is imported."""
    from tether.monitoring.metrics import classification, drift, quality, regression

    return classification, drift, quality, regression


for _name in BUILT_IN:
    METRICS.register_loader(_name, _load_built_in)
