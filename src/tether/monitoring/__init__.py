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
    "DataQuality": "tether.monitoring.quality",
    "ClassificationPerformance": "tether.monitoring.classification",
    "RegressionPerformance": "tether.monitoring.regression",
    "Reference": "tether.monitoring.conditions",
    "TestSuite": "tether.monitoring.suite",
    "SuiteOutcome": "tether.monitoring.suite",
    "TestOutcome": "tether.monitoring.suite",
    "Metric": "tether.monitoring.suite",
    "DriftedColumnsShare": "tether.monitoring.suite",
    "DriftedColumns": "tether.monitoring.suite",
    "ColumnDrift": "tether.monitoring.suite",
    "MissingShare": "tether.monitoring.suite",
    "DuplicatedRowsShare": "tether.monitoring.suite",
    "NewCategoriesShare": "tether.monitoring.suite",
    "OutOfRangeShare": "tether.monitoring.suite",
    "Accuracy": "tether.monitoring.suite",
    "Precision": "tether.monitoring.suite",
    "Recall": "tether.monitoring.suite",
    "F1": "tether.monitoring.suite",
    "RocAuc": "tether.monitoring.suite",
    "Rmse": "tether.monitoring.suite",
    "Mae": "tether.monitoring.suite",
    "R2": "tether.monitoring.suite",
    "load_suite": "tether.monitoring.suite_files",
    "parse_suite": "tether.monitoring.suite_files",
    "render_html": "tether.monitoring.html",
    "DataDrift": "tether.monitoring.drift",
    "TargetDrift": "tether.monitoring.drift",
    "PredictionDrift": "tether.monitoring.drift",
    "ReferenceProfile": "tether.monitoring.profile",
    "summarize": "tether.monitoring.profile",
    "load_profile": "tether.monitoring.profile",
    "stattests": "tether.monitoring.stattests",
}

if TYPE_CHECKING:
    from tether.monitoring import stattests
    from tether.monitoring.classification import ClassificationPerformance
    from tether.monitoring.conditions import Reference
    from tether.monitoring.drift import DataDrift, PredictionDrift, TargetDrift
    from tether.monitoring.html import render_html
    from tether.monitoring.mapping import ColumnMapping
    from tether.monitoring.profile import ReferenceProfile, load_profile, summarize
    from tether.monitoring.quality import DataQuality
    from tether.monitoring.regression import RegressionPerformance
    from tether.monitoring.report import Report
    from tether.monitoring.results import MetricResult, ReportResult
    from tether.monitoring.sources import Dataset
    from tether.monitoring.suite import (
        F1,
        R2,
        Accuracy,
        ColumnDrift,
        DriftedColumns,
        DriftedColumnsShare,
        DuplicatedRowsShare,
        Mae,
        Metric,
        MissingShare,
        NewCategoriesShare,
        OutOfRangeShare,
        Precision,
        Recall,
        Rmse,
        RocAuc,
        SuiteOutcome,
        TestOutcome,
        TestSuite,
    )
    from tether.monitoring.suite_files import load_suite, parse_suite


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'tether.monitoring' has no attribute {name!r}")
    loaded = importlib.import_module(module)
    value = loaded if module == f"{__name__}.{name}" else getattr(loaded, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


__all__ = [
    "F1",
    "R2",
    "Accuracy",
    "ClassificationPerformance",
    "ColumnDrift",
    "ColumnMapping",
    "DataDrift",
    "DataQuality",
    "Dataset",
    "DriftedColumns",
    "DriftedColumnsShare",
    "DuplicatedRowsShare",
    "Mae",
    "Metric",
    "MetricResult",
    "MissingShare",
    "NewCategoriesShare",
    "OutOfRangeShare",
    "Precision",
    "PredictionDrift",
    "Recall",
    "Reference",
    "ReferenceProfile",
    "RegressionPerformance",
    "Report",
    "ReportResult",
    "Rmse",
    "RocAuc",
    "SuiteOutcome",
    "TargetDrift",
    "TestOutcome",
    "TestSuite",
    "load_profile",
    "load_suite",
    "parse_suite",
    "render_html",
    "stattests",
    "summarize",
]
