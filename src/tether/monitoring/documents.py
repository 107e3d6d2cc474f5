"""Stored documents: check a logged report or suite outcome, and pull out what a listing shows.

A document is what ``ReportResult.as_dict()`` or ``SuiteOutcome.as_dict()`` gives; ``kind`` tells them
apart. Checking it against the result shapes on the way in means every stored report can be rendered.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from tether.errors import InvalidInput
from tether.monitoring.results import ReportResult, Scalar

HEADLINE_FIGURES = (
    "dataset_drift",
    "share_of_drifted_columns",
    "number_of_drifted_columns",
    "missing_share",
    "accuracy",
    "roc_auc",
    "f1",
    "rmse",
    "mae",
    "r2",
)
"""Figures copied into a listing's summary when a report has them."""


class SuiteDocument(BaseModel):
    """The parts of a stored suite outcome that tether itself reads."""

    model_config = ConfigDict(extra="allow", ser_json_inf_nan="strings")

    kind: Literal["suite"]
    passed: bool
    summary: dict[str, int]
    tests: list[dict[str, Any]]
    report: ReportResult


def validate_document(document: Mapping[str, Any]) -> ReportResult | SuiteDocument:
    kind = document.get("kind")
    if kind == "report":
        return ReportResult.model_validate(document)
    if kind == "suite":
        return SuiteDocument.model_validate(document)
    raise InvalidInput(f"a report document has kind 'report' or 'suite', not {kind!r}")


def headline(document: ReportResult | SuiteDocument) -> tuple[str, str | None, dict[str, Scalar]]:
    """(kind, pass/fail or None, headline figures) for the listing row."""
    if isinstance(document, SuiteDocument):
        summary: dict[str, Scalar] = dict(document.summary)
        return "suite", "pass" if document.passed else "fail", summary
    figures: dict[str, Scalar] = {}
    for result in document.metrics:
        for name in HEADLINE_FIGURES:
            if name in result.values and name not in figures:
                figures[name] = _finite(result.values[name])
    figures["current_rows"] = document.current_rows
    return "report", None, figures


def _finite(value: Scalar) -> Scalar:
    if isinstance(value, float) and not math.isfinite(value):  # JSON has no NaN or infinity
        return None
    return value
