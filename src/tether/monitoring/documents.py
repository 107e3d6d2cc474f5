"""The documents kept or shared whole: a report (``ReportResult``) and a suite's outcome (``SuiteOutcome``).

Each saves as JSON (``as_dict``, ``save_json``) and as one page (``save_html``); ``ReportDocument`` is
either, told apart by ``kind``, and is what a stored report holds: ``validate_document`` checks a logged
document against it on the way in, so every stored report can be rendered, and ``headline`` pulls out
what a listing shows. A document is built from the result shapes (``results.py``) and nothing else.
"""

from __future__ import annotations

import json
import math
from abc import abstractmethod
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from tether.errors import InvalidInput
from tether.monitoring.rendering.html import Card, HtmlPage, format_value, render_page
from tether.monitoring.results import MetricResult, Scalar, TestOutcome

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


class Document(BaseModel):
    """A result that is kept or shared whole: a report, or a suite's outcome."""

    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_inf_nan="strings")

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN as the string "NaN")."""
        result: dict[str, Any] = json.loads(self.model_dump_json())
        return result

    def save_json(self, path: str | Path) -> Path:
        target = Path(path)
        target.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        return target

    def save_html(self, path: str | Path) -> Path:
        """A self-contained page with every chart, readable offline."""
        target = Path(path)
        target.write_text(render_page(self.page()), encoding="utf-8")
        return target

    @abstractmethod
    def page(self) -> HtmlPage:
        """What this document's page shows."""


class ReportResult(Document):
    """A whole report: which data it compared, how columns were read, and each metric's result."""

    kind: Literal["report"] = "report"
    created_at: int
    reference_rows: int
    current_rows: int
    columns: dict[str, str]
    """Each feature column's kind (numeric, categorical, text, datetime)."""
    target: str | None = None
    prediction: list[str] = Field(default_factory=list)
    task: Literal["classification", "regression"] | None = None
    metrics: list[MetricResult]

    def value(self, name: str) -> Scalar:
        """A named figure from whichever metric produced it; KeyError when none did."""
        return _lookup(self.metrics, name, reference=False)

    def reference_value(self, name: str) -> Scalar:
        """The same figure computed on the reference data; KeyError when not available."""
        return _lookup(self.metrics, name, reference=True)

    def page(self) -> HtmlPage:
        """Rows compared, columns, the target and dataset drift on top, then each metric."""
        cards = [
            Card("Reference rows", self.reference_rows),
            Card("Current rows", self.current_rows),
            Card("Columns", str(len(self.columns))),
        ]
        if self.target:
            cards.append(Card("Target", self.target))
        drift = self._figure("dataset_drift")
        if drift is not None:
            share = self._figure("share_of_drifted_columns")
            detail = f"{format_value(share)} of columns drifted" if share is not None else ""
            cards.append(Card("Dataset drift", "yes" if drift else "no", detail))
        return HtmlPage("Monitoring report", self.created_at, cards, self.metrics)

    def _figure(self, name: str) -> Scalar:
        try:
            return self.value(name)
        except KeyError:
            return None


def _lookup(metrics: list[MetricResult], name: str, *, reference: bool) -> Scalar:
    for result in metrics:
        values = result.reference_values if reference else result.values
        if name in values:
            return values[name]
    where = "on the reference data" if reference else "by this report"
    raise KeyError(f"no figure named {name!r} was computed {where}")


class SuiteOutcome(Document):
    """A whole suite's verdict, with the report it was judged on; its page lists the tests first."""

    kind: Literal["suite"] = "suite"
    tests: list[TestOutcome]
    summary: dict[str, int]
    """Counts of ``pass``, ``fail`` and ``error``, and the ``total``."""
    passed: bool
    """True when every test passed (a test in error fails the suite)."""
    report: ReportResult

    def page(self) -> HtmlPage:
        """The report's page, titled by the verdict, with the test counts and every test on top."""
        report = self.report.page()
        counts = self.summary
        tests = Card(
            "Tests",
            f"{counts.get('pass', 0)} passed",
            f"{counts.get('fail', 0)} failed, {counts.get('error', 0)} errors",
        )
        title = "Test suite: " + ("passed" if self.passed else "failed")
        return HtmlPage(title, report.created_at, [*report.cards, tests], report.metrics, self.tests)


ReportDocument = Annotated[ReportResult | SuiteOutcome, Field(discriminator="kind")]
"""What a stored report holds: a report or a suite outcome, as ``as_dict()`` gives it."""

_DOCUMENT: TypeAdapter[ReportResult | SuiteOutcome] = TypeAdapter(ReportDocument)


def read_document(data: bytes) -> ReportResult | SuiteOutcome:
    """A stored document, from its JSON."""
    return _DOCUMENT.validate_json(data)


def validate_document(document: Mapping[str, Any]) -> ReportResult | SuiteOutcome:
    """The document as its model; pydantic's ``ValidationError`` says where it does not fit."""
    kind = document.get("kind")
    if kind not in ("report", "suite"):
        raise InvalidInput(f"a report document has kind 'report' or 'suite', not {kind!r}")
    return _DOCUMENT.validate_python(document)


def render_html(document: ReportResult | SuiteOutcome) -> str:
    """The whole page for a report, or for a suite outcome (its tests first, then its report)."""
    return render_page(document.page())


def headline(document: ReportResult | SuiteOutcome) -> tuple[str, str | None, dict[str, Scalar]]:
    """(kind, pass/fail or None, headline figures) for the listing row."""
    if isinstance(document, SuiteOutcome):
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
