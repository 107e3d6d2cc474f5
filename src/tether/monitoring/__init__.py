"""Model monitoring: what changed between reference and current data, whether it matters, and whether
the model still performs.

Contracts: a report never raises deep inside NumPy on bad data; unusable input is an ``InvalidData``
error before any work, or a ``NotComputed`` entry saying why. Results are one of a few JSON-ready shapes
(``results.py``), so the HTML page, the web UI and stored reports all read the same document.

Public names load on first use (``_EXPORTS`` maps each to its module; list a new one there, under
``TYPE_CHECKING`` and in ``__all__``), so code that only needs the stored
report schemas, such as the CLI starting up, does not pay for importing pyarrow and SciPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ColumnMapping": "tether.monitoring.mapping",
    "Dataset": "tether.monitoring.sources",
    "MetricResult": "tether.monitoring.results",
    "Report": "tether.monitoring.report",
    "ReportResult": "tether.monitoring.results",
}

if TYPE_CHECKING:
    from tether.monitoring.mapping import ColumnMapping
    from tether.monitoring.report import Report
    from tether.monitoring.results import MetricResult, ReportResult
    from tether.monitoring.sources import Dataset


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tether.monitoring' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "ColumnMapping",
    "Dataset",
    "MetricResult",
    "Report",
    "ReportResult",
]
