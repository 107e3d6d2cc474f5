"""Model monitoring: what changed between reference and current data, whether it matters, and whether
the model still performs.

Contracts: a report never raises deep inside NumPy on bad data; unusable input is an ``InvalidData``
error before any work, or a ``NotComputed`` entry saying why. Results are one of a few JSON-ready shapes
(``results.py``) inside one of two documents (``documents.py``: a report, a suite outcome), so the HTML
page, the web UI and stored reports all read the same document.

Bottom up: ``results.py`` (the shapes), ``stattests/`` (drift tests on summaries), ``data/`` (reading
and summarising one side of a comparison), ``metrics/`` (what a report computes), ``rendering/`` (the
offline page), ``documents.py``, ``report.py`` (running metrics), ``suites/`` (conditions on a report's
figures); ``service.py`` stores documents. Nothing imports upwards, not even for typing.

Public names load on first use (``_EXPORTS`` maps each to its module; list a new one there, under
``TYPE_CHECKING`` and in ``__all__``), so code that only needs the stored
report schemas, such as the CLI starting up, does not pay for importing pyarrow and SciPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "ColumnMapping": "tether.monitoring.data.mapping",
    "Dataset": "tether.monitoring.data.sources",
    "ReferenceProfile": "tether.monitoring.data.profile",
    "load_profile": "tether.monitoring.data.profile",
    "read_predictions": "tether.monitoring.data.predictions",
    "summarize": "tether.monitoring.data.summarize",
    "MetricResult": "tether.monitoring.results",
    "TestOutcome": "tether.monitoring.results",
    "ReportResult": "tether.monitoring.documents",
    "SuiteOutcome": "tether.monitoring.documents",
    "render_html": "tether.monitoring.documents",
    "Report": "tether.monitoring.report",
    "DataDrift": "tether.monitoring.metrics.drift",
    "TargetDrift": "tether.monitoring.metrics.drift",
    "PredictionDrift": "tether.monitoring.metrics.drift",
    "DataQuality": "tether.monitoring.metrics.quality",
    "ClassificationPerformance": "tether.monitoring.metrics.classification",
    "RegressionPerformance": "tether.monitoring.metrics.regression",
    "Reference": "tether.monitoring.suites.conditions",
    "TestSuite": "tether.monitoring.suites.suite",
    "Metric": "tether.monitoring.suites.tests",
    "DriftedColumnsShare": "tether.monitoring.suites.tests",
    "DriftedColumns": "tether.monitoring.suites.tests",
    "ColumnDrift": "tether.monitoring.suites.tests",
    "MissingShare": "tether.monitoring.suites.tests",
    "DuplicatedRowsShare": "tether.monitoring.suites.tests",
    "NewCategoriesShare": "tether.monitoring.suites.tests",
    "OutOfRangeShare": "tether.monitoring.suites.tests",
    "Accuracy": "tether.monitoring.suites.tests",
    "Precision": "tether.monitoring.suites.tests",
    "Recall": "tether.monitoring.suites.tests",
    "F1": "tether.monitoring.suites.tests",
    "RocAuc": "tether.monitoring.suites.tests",
    "Rmse": "tether.monitoring.suites.tests",
    "Mae": "tether.monitoring.suites.tests",
    "R2": "tether.monitoring.suites.tests",
    "load_suite": "tether.monitoring.suites.files",
    "parse_suite": "tether.monitoring.suites.files",
    "stattests": "tether.monitoring.stattests",
}

if TYPE_CHECKING:
    from tether.monitoring import stattests
    from tether.monitoring.data.mapping import ColumnMapping
    from tether.monitoring.data.predictions import read_predictions
    from tether.monitoring.data.profile import ReferenceProfile, load_profile
    from tether.monitoring.data.sources import Dataset
    from tether.monitoring.data.summarize import summarize
    from tether.monitoring.documents import ReportResult, SuiteOutcome, render_html
    from tether.monitoring.metrics.classification import ClassificationPerformance
    from tether.monitoring.metrics.drift import DataDrift, PredictionDrift, TargetDrift
    from tether.monitoring.metrics.quality import DataQuality
    from tether.monitoring.metrics.regression import RegressionPerformance
    from tether.monitoring.report import Report
    from tether.monitoring.results import MetricResult, TestOutcome
    from tether.monitoring.suites.conditions import Reference
    from tether.monitoring.suites.files import load_suite, parse_suite
    from tether.monitoring.suites.suite import TestSuite
    from tether.monitoring.suites.tests import (
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
    )


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
    "read_predictions",
    "render_html",
    "stattests",
    "summarize",
]
