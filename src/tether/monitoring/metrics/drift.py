"""Drift metrics: which feature columns changed (``DataDrift``), and whether the target
(``TargetDrift``) or the model's output (``PredictionDrift``) did.

All three read per-column summaries, built once per report run and shared through the context
(``column_summaries``), so other metrics can reuse them and a saved reference profile serves as well as
the raw reference.
"""

from __future__ import annotations

from typing import ClassVar

import pyarrow as pa
from pydantic import BaseModel, ConfigDict, Field, field_validator

from tether.errors import InvalidData
from tether.monitoring import stattests
from tether.monitoring.data.kinds import ColumnKind
from tether.monitoring.data.mapping import missing_columns
from tether.monitoring.data.summaries import DatasetSummary, SummaryKind
from tether.monitoring.data.summarize import summarize_columns, summary_kinds
from tether.monitoring.metrics.base import MetricSpec, computes
from tether.monitoring.metrics.column_drift import ColumnDrift, measure
from tether.monitoring.metrics.context import Context, Side
from tether.monitoring.results import Item, MetricResult, NotComputed, Scalar, Table, Value


def _known_stattest(name: str | None) -> str | None:
    if name is not None:
        stattests.get(name)
    return name


class ColumnSettings(BaseModel):
    """Which test, and which threshold, for one column or one kind of column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    stattest: str | None = None
    threshold: float | None = None

    _check = field_validator("stattest")(_known_stattest)


class DataDrift(MetricSpec):
    """Drift of every feature column (or of ``columns``), and whether the dataset as a whole drifted."""

    title: ClassVar[str] = "Data drift"
    figures: ClassVar[tuple[str, ...]] = (
        "share_of_drifted_columns",
        "number_of_drifted_columns",
        "dataset_drift",
        "drift_score",
        "drifted",
    )

    columns: list[str] | None = None
    """The columns to test; every feature column when not given."""
    stattest: str | None = None
    """One test for every column instead of the default table."""
    threshold: float | None = None
    per_kind: dict[ColumnKind, ColumnSettings] = Field(default_factory=dict)
    """Test and threshold by column kind (numeric, categorical, text, datetime)."""
    per_column: dict[str, ColumnSettings] = Field(default_factory=dict)
    drift_share: float = Field(0.5, gt=0, le=1)
    """The dataset drifts when at least this share of the tested columns drift."""

    _check = field_validator("stattest")(_known_stattest)


class TargetDrift(MetricSpec):
    """Drift of the target column."""

    title: ClassVar[str] = "Target drift"

    stattest: str | None = None
    threshold: float | None = None

    _check = field_validator("stattest")(_known_stattest)


class PredictionDrift(MetricSpec):
    """Drift of the prediction column(s)."""

    title: ClassVar[str] = "Prediction drift"

    stattest: str | None = None
    threshold: float | None = None

    _check = field_validator("stattest")(_known_stattest)


# --- shared summaries ---------------------------------------------------------------------------------


def column_summaries(ctx: Context, side: Side) -> DatasetSummary:
    """Both sides' column summaries for this run, built once (the current data on the reference's bins).

    Covers every feature column plus the target and prediction columns; a column whose type differs
    between the sides (see ``type_problem``) has no current summary.
    """
    if side == "reference":
        profile = ctx.reference.profile
        if profile is not None:
            return profile.summary
        return ctx.cached(
            ("drift.summaries", "reference"),
            lambda: summarize_columns(ctx.reference, summary_kinds(ctx.mapping, ctx.reference)),
        )
    return ctx.cached(("drift.summaries", "current"), lambda: _summarize_current(ctx))


def _summarize_current(ctx: Context) -> DatasetSummary:
    reference = column_summaries(ctx, "reference")
    kinds: dict[str, SummaryKind] = {
        name: summary.kind
        for name, summary in reference.columns.items()
        if name in ctx.current.columns and type_problem(ctx, name) is None
    }
    return summarize_columns(ctx.current, kinds, reference.bins())


def type_problem(ctx: Context, column: str) -> str | None:
    """Why a column cannot be compared across the sides (numbers on one, strings on the other), or None."""
    reference, current = ctx.reference.type_of(column), ctx.current.type_of(column)
    first, second = _family(reference), _family(current)
    if first == second or "null" in (first, second):
        return None
    return (
        f"{column!r} holds {first} values ({reference}) in the reference data "
        f"and {second} values ({current}) in the current data"
    )


def _family(kind: pa.DataType) -> str:
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_boolean(kind):
        return "boolean"
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind):
        return "number"
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return "string"
    if pa.types.is_timestamp(kind) or pa.types.is_date(kind):
        return "datetime"
    if pa.types.is_null(kind):
        return "null"
    return str(kind)


# --- computing ------------------------------------------------------------------------------------------


def _compare(
    ctx: Context, column: str, kind: str, stattest: str | None, threshold: float | None
) -> ColumnDrift | NotComputed:
    """One column's drift, or the reason it could not be measured."""
    problem = _presence_problem(ctx, column)
    if problem is not None:
        return _not_computed(column, problem)
    reference = column_summaries(ctx, "reference").columns.get(column)
    current = column_summaries(ctx, "current").columns.get(column)
    if reference is None or current is None:
        if ctx.reference.profile is not None:
            return _not_computed(column, f"{column!r} was not summarised in the reference profile")
        found = ctx.reference.type_of(column)
        return _not_computed(column, f"{column!r} holds {found} values, which cannot be read as {kind}")
    try:
        return measure(column, kind, reference, current, stattest, threshold)
    except InvalidData as error:
        return _not_computed(column, error.message)


def _presence_problem(ctx: Context, column: str) -> str | None:
    """Why a column cannot be compared at all: absent from a side, or of different types on the sides."""
    where = [
        side
        for side, data in (("reference", ctx.reference), ("current", ctx.current))
        if column in data.columns
    ]
    if not where:
        return f"{column!r} is in neither the reference nor the current data"
    if len(where) == 1:
        return f"{column!r} is only in the {where[0]} data"
    problem = type_problem(ctx, column)
    if problem is not None:
        empty = [side for side in ("reference", "current") if _all_missing(ctx, side, column)]
        if empty:
            return f"every value of {column!r} is missing in the {empty[0]} data"
    return problem


def _all_missing(ctx: Context, side: Side, column: str) -> bool:
    """Whether a column is all nulls (then its type says nothing); read only when the types disagree."""
    data = ctx.data(side)
    if data.profile is not None:
        summary = data.profile.summary.columns.get(column)
        return summary is not None and summary.present == 0
    values = data.column_values(column)
    return bool(values.null_count == len(values))


def _not_computed(column: str, reason: str) -> NotComputed:
    return NotComputed(name=f"drift.{column}", title=column, reason=reason)


def _settings(spec: DataDrift, column: str, kind: str) -> tuple[str | None, float | None]:
    """The most specific level that names a test picks it; a threshold applies at that level or below."""
    by_kind = next((settings for name, settings in spec.per_kind.items() if name == kind), None)
    chain = [
        spec.per_column.get(column),
        by_kind,
        ColumnSettings(stattest=spec.stattest, threshold=spec.threshold),
    ]
    threshold: float | None = None
    for level in chain:
        if level is None:
            continue
        if threshold is None:
            threshold = level.threshold
        if level.stattest is not None:
            return level.stattest, threshold
    return None, threshold


_TABLE_COLUMNS = ["column", "kind", "stattest", "score", "threshold", "drifted"]


def _table(name: str, title: str, outcomes: list[ColumnDrift]) -> Table:
    rows: list[list[Scalar]] = [
        [o.column, o.kind, o.stattest, o.score, o.threshold, o.drifted] for o in outcomes
    ]
    return Table(name=name, title=title, columns=_TABLE_COLUMNS, rows=rows)


def _column_values(outcomes: list[ColumnDrift]) -> dict[str, Scalar]:
    values: dict[str, Scalar] = {}
    for outcome in outcomes:
        values[f"drift_score.{outcome.column}"] = outcome.score
        values[f"drifted.{outcome.column}"] = outcome.drifted
    return values


def _kind_of(ctx: Context, column: str) -> str:
    kind = ctx.mapping.kinds.get(column)
    if kind is not None:
        return kind
    summary = column_summaries(ctx, "reference").columns.get(column)
    return summary.kind if summary is not None else "unknown"


@computes(DataDrift)
def _data_drift(spec: DataDrift, ctx: Context) -> MetricResult:
    columns = list(spec.columns) if spec.columns is not None else _feature_columns(ctx)
    outcomes: list[ColumnDrift] = []
    skipped: list[NotComputed] = []
    for column in columns:
        kind = _kind_of(ctx, column)
        stattest, threshold = _settings(spec, column, kind)
        outcome = _compare(ctx, column, kind, stattest, threshold)
        if isinstance(outcome, NotComputed):
            skipped.append(outcome)
        else:
            outcomes.append(outcome)
    drifted = sum(o.drifted for o in outcomes)
    share = drifted / len(outcomes) if outcomes else None
    values: dict[str, Scalar] = {
        "number_of_columns": len(outcomes),
        "number_of_drifted_columns": drifted,
        "share_of_drifted_columns": share,
        "dataset_drift": None if share is None else share >= spec.drift_share,
    }
    values.update(_column_values(outcomes))
    items: list[Item] = [
        Value(name="dataset_drift", title="Dataset drift", value=values["dataset_drift"]),
        Value(name="share_of_drifted_columns", title="Share of drifted columns", value=share),
        Value(name="number_of_drifted_columns", title="Drifted columns", value=drifted),
    ]
    if not outcomes:
        items.append(
            NotComputed(name="dataset_drift", title="Dataset drift", reason="no column could be compared")
        )
    items.append(_table("drift_by_columns", "Drift by column", outcomes))
    items.extend(o.distribution for o in outcomes)
    items.extend(skipped)
    return MetricResult(metric=spec.type, title=spec.title, values=values, items=items)


def _feature_columns(ctx: Context) -> list[str]:
    """Feature columns in both datasets, then those in only one (reported as not computed)."""
    only_reference, only_current = missing_columns(ctx.reference, ctx.current)
    mapping = ctx.mapping
    roles = {mapping.target, mapping.id, *mapping.prediction, *mapping.exclude}
    return list(mapping.kinds) + [c for c in only_reference + only_current if c not in roles]


def _role_drift(
    spec: TargetDrift | PredictionDrift, ctx: Context, columns: list[str], prefix: str
) -> MetricResult:
    outcomes: list[ColumnDrift] = []
    items: list[Item] = []
    for column in columns:
        outcome = _compare(ctx, column, _kind_of(ctx, column), spec.stattest, spec.threshold)
        if isinstance(outcome, NotComputed):
            items.append(outcome)
        else:
            outcomes.append(outcome)
    values: dict[str, Scalar] = _column_values(outcomes)
    if outcomes:
        values[f"{prefix}_drift"] = any(o.drifted for o in outcomes)
        if len(outcomes) == 1:
            values[f"{prefix}_drift_score"] = outcomes[0].score
    table = _table(f"{prefix}_drift", spec.title, outcomes)
    shown: list[Item] = [table, *(o.distribution for o in outcomes)] if outcomes else []
    return MetricResult(metric=spec.type, title=spec.title, values=values, items=shown + items)


@computes(TargetDrift)
def _target_drift(spec: TargetDrift, ctx: Context) -> MetricResult:
    target = ctx.mapping.target
    if target is None:
        raise InvalidData("no target column was given")
    return _role_drift(spec, ctx, [target], "target")


@computes(PredictionDrift)
def _prediction_drift(spec: PredictionDrift, ctx: Context) -> MetricResult:
    if not ctx.mapping.prediction:
        raise InvalidData("no prediction column was given")
    return _role_drift(spec, ctx, ctx.mapping.prediction, "prediction")
