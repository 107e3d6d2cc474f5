"""Model monitoring: what changed between reference and current data, whether it matters, and whether
the model still performs.

Contracts: a report never raises deep inside NumPy on bad data; unusable input is an ``InvalidData``
error before any work, or a ``NotComputed`` entry saying why. Results are one of a few JSON-ready shapes
(``results.py``), so the HTML page, the web UI and stored reports all read the same document.
"""

from __future__ import annotations

from tether.monitoring.mapping import ColumnMapping
from tether.monitoring.report import Report
from tether.monitoring.results import MetricResult, ReportResult
from tether.monitoring.sources import Dataset

__all__ = [
    "ColumnMapping",
    "Dataset",
    "MetricResult",
    "Report",
    "ReportResult",
]
