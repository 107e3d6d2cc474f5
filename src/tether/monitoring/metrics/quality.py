"""``DataQuality``: missing values, type changes, out-of-range values, new categories, constant columns,
duplicated rows and correlation changes between the reference and the current data.

Both sides are read once each, batch by batch (``data/tallies.py``), so the metric runs on Parquet inputs
larger than memory; the reference is read first because the current side's out-of-range count needs
the reference's ranges.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import Field

from tether.errors import InvalidData
from tether.monitoring.data.mapping import infer_kind, missing_columns
from tether.monitoring.data.tallies import ColumnTally, Frequencies, SideTally, plain_type, tally_side
from tether.monitoring.metrics.base import MetricSpec, computes
from tether.monitoring.metrics.context import Context
from tether.monitoring.results import Item, Matrix, MetricResult, NotComputed, Scalar, Table, Value


class DataQuality(MetricSpec):
    """Is the current data as clean and as shaped as the reference?"""

    title: ClassVar[str] = "Data quality"
    figures: ClassVar[tuple[str, ...]] = (
        "missing_share",
        "out_of_range_share",
        "new_categories_share",
        "duplicated_rows_share",
        "constant_columns",
        "almost_constant_columns",
        "type_mismatches",
        "max_correlation_change",
    )

    columns: list[str] | None = None
    """Only these columns (default: every feature column plus the target and prediction columns)."""
    almost_constant_share: float = Field(default=0.95, gt=0, le=1)
    """A column is almost constant when its most common value (missing counts as one) fills this share."""
    correlation_columns: int = Field(default=100, ge=0)
    """Correlations are computed over at most this many numeric columns (in column order)."""
    correlation_top: int = Field(default=10, ge=0)
    """How many of the largest correlation changes to list."""
    examples: int = Field(default=5, ge=0)
    """How many new categories to name per column."""


@computes(DataQuality)
def data_quality(spec: DataQuality, ctx: Context) -> MetricResult:
    kinds = _columns(spec, ctx)
    numeric = [name for name, kind in kinds.items() if kind == "numeric"]
    correlated = numeric[: spec.correlation_columns]
    reference = tally_side(ctx.reference, kinds, correlated)
    bounds = {
        name: (tally.minimum, tally.maximum)
        for name, tally in reference.columns.items()
        if tally.minimum is not None and tally.maximum is not None
    }
    shift = reference.moments.shift if reference.moments is not None else None
    current = tally_side(ctx.current, kinds, correlated, bounds=bounds, shift=shift)
    return _result(spec, ctx, kinds, reference, current)


def _columns(spec: DataQuality, ctx: Context) -> dict[str, str]:
    mapping = ctx.mapping
    kinds: dict[str, str] = dict(mapping.kinds)
    for role in (mapping.target, *mapping.prediction):
        if role and role in ctx.reference.columns and role in ctx.current.columns and role not in kinds:
            kinds[role] = infer_kind(ctx.reference, role)
    if spec.columns is None:
        return kinds
    unknown = [name for name in spec.columns if name not in kinds]
    if unknown:
        raise InvalidData(f"DataQuality columns {unknown} are not columns of both datasets")
    return {name: kinds[name] for name in spec.columns}


class _Figures:
    """Collects named figures and the items that show them."""

    def __init__(self) -> None:
        self.values: dict[str, Scalar] = {}
        self.reference: dict[str, Scalar] = {}
        self.items: list[Item] = []

    def put(self, name: str, current: Scalar, reference: Scalar = None, *, both: bool = True) -> None:
        self.values[name] = current
        if both and reference is not None:
            self.reference[name] = reference


def _result(
    spec: DataQuality, ctx: Context, kinds: dict[str, str], reference: SideTally, current: SideTally
) -> MetricResult:
    figures = _Figures()
    rows: list[list[Scalar]] = []
    for name in kinds:
        sides = (reference.columns[name], current.columns[name])
        rows.append(_column_row(spec, figures, name, sides, (reference.rows, current.rows)))
    _dataset_figures(spec, figures, reference, current)
    figures.items.append(
        Table(
            name="columns",
            title="Columns",
            columns=[
                "column",
                "kind",
                "reference type",
                "current type",
                "reference missing",
                "current missing",
                "out of range",
                "new categories",
                "new category examples",
                "reference top share",
                "current top share",
            ],
            rows=rows,
        )
    )
    only_reference, only_current = missing_columns(ctx.reference, ctx.current)
    if only_reference or only_current:
        figures.items.append(
            Table(
                name="unmatched_columns",
                title="Columns in one side only",
                columns=["column", "present in"],
                rows=[[c, "reference"] for c in only_reference] + [[c, "current"] for c in only_current],
            )
        )
    _correlation_items(spec, figures, reference, current)
    return MetricResult(
        metric=spec.type,
        title=spec.title,
        values=figures.values,
        reference_values=figures.reference,
        items=figures.items,
    )


def _column_row(
    spec: DataQuality,
    figures: _Figures,
    name: str,
    sides: tuple[ColumnTally, ColumnTally],
    rows: tuple[int, int],
) -> list[Scalar]:
    reference, current = sides
    ref_missing = _share(reference.missing, rows[0])
    cur_missing = _share(current.missing, rows[1])
    figures.put(f"missing_share.{name}", cur_missing, ref_missing)
    out_of_range: Scalar = None
    if current.kind == "numeric" and reference.minimum is not None:
        out_of_range = _share(current.out_of_range, current.numbers)
        figures.put(f"out_of_range_share.{name}", out_of_range, both=False)
    new_share: Scalar = None
    new_count: Scalar = None
    examples = ""
    if current.kind == "categorical" and reference.frequencies and current.frequencies:
        found = _new_categories(reference.frequencies, current.frequencies, spec.examples)
        if found is not None:
            new_count, new_share, examples = found
            figures.put(f"new_categories_share.{name}", new_share, both=False)
    return [
        name,
        current.kind,
        str(plain_type(reference.arrow_type)),
        str(plain_type(current.arrow_type)),
        ref_missing,
        cur_missing,
        out_of_range,
        new_count if new_count is None else f"{new_count} ({_percent(new_share)})",
        examples,
        _top_share(reference, rows[0]),
        _top_share(current, rows[1]),
    ]


def _dataset_figures(spec: DataQuality, figures: _Figures, reference: SideTally, current: SideTally) -> None:
    ref_cells = sum(t.missing for t in reference.columns.values())
    cur_cells = sum(t.missing for t in current.columns.values())
    width = len(current.columns)
    figures.put(
        "missing_share", _share(cur_cells, current.rows * width), _share(ref_cells, reference.rows * width)
    )
    mismatched = [
        name
        for name, tally in current.columns.items()
        if plain_type(tally.arrow_type) != plain_type(reference.columns[name].arrow_type)
    ]
    figures.put("type_mismatches", len(mismatched), both=False)
    ref_constant, ref_almost = _constant_counts(reference, spec.almost_constant_share)
    cur_constant, cur_almost = _constant_counts(current, spec.almost_constant_share)
    figures.put("constant_columns", cur_constant, ref_constant)
    figures.put("almost_constant_columns", cur_almost, ref_almost)
    values: list[Item] = [
        Value(name="rows", title="Rows", value=current.rows, reference=reference.rows),
        Value(
            name="missing_share",
            title="Missing cells",
            value=figures.values["missing_share"],
            reference=figures.reference.get("missing_share"),
        ),
    ]
    duplicates = _duplicates(current), _duplicates(reference)
    if isinstance(duplicates[0], str):
        values.append(
            NotComputed(name="duplicated_rows_share", title="Duplicated rows", reason=duplicates[0])
        )
    else:
        reference_share = duplicates[1] if not isinstance(duplicates[1], str) else None
        figures.put("duplicated_rows_share", duplicates[0], reference_share)
        values.append(
            Value(
                name="duplicated_rows_share",
                title="Duplicated rows",
                value=duplicates[0],
                reference=reference_share,
            )
        )
    values += [
        Value(name="type_mismatches", title="Type mismatches", value=len(mismatched)),
        Value(name="constant_columns", title="Constant columns", value=cur_constant, reference=ref_constant),
        Value(
            name="almost_constant_columns",
            title="Almost constant columns",
            value=cur_almost,
            reference=ref_almost,
        ),
    ]
    figures.items[:0] = values


def _duplicates(side: SideTally) -> float | str:
    if side.hashes.failure is not None:
        return side.hashes.failure
    return _share(side.hashes.rows - side.hashes.distinct(), side.hashes.rows)


def _constant_counts(side: SideTally, threshold: float) -> tuple[int, int]:
    shares = [_top_share_of(tally, side.rows) for tally in side.columns.values()]
    constant = sum(1 for share, distinct in shares if distinct <= 1)
    almost = sum(1 for share, _ in shares if share >= threshold)
    return constant, almost


def _top_share_of(tally: ColumnTally, rows: int) -> tuple[float, int]:
    """The most common value's share of rows (missing counts as a value), and the distinct values."""
    frequencies = tally.frequencies
    if frequencies is None:
        return 0.0, 2
    distinct = frequencies.distinct + (1 if tally.missing else 0)
    if not frequencies.exact:
        distinct = max(distinct, frequencies.cap + 1)
    return _share(max(frequencies.top(), tally.missing), rows), distinct


def _top_share(tally: ColumnTally, rows: int) -> Scalar:
    if tally.frequencies is None:
        return None
    return _top_share_of(tally, rows)[0]


def _new_categories(
    reference: Frequencies, current: Frequencies, examples: int
) -> tuple[int, float, str] | None:
    """Current values never seen in the reference: how many, their share of current values, a few names."""
    if not reference.exact or current.values is None:
        return None if not reference.exact else (0, 0.0, "")
    known = reference.values if reference.values is not None else pa.array([], type=current.values.type)
    seen = current.values
    try:
        if known.type != seen.type:
            seen = seen.cast(known.type)
        unseen = pc.invert(pc.is_in(seen, value_set=known))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        seen, known = seen.cast(pa.string()), known.cast(pa.string())
        unseen = pc.invert(pc.is_in(seen, value_set=known))
    mask = np.asarray(unseen.to_numpy(zero_copy_only=False), dtype=bool)
    counts = current.counts[mask]
    total = int(current.counts.sum())
    order = np.argsort(-counts, kind="stable")[:examples]
    names = current.values.filter(pa.array(mask)).take(pa.array(order)).to_pylist()
    return int(mask.sum()), _share(int(counts.sum()), total), ", ".join(str(n) for n in names)


def _correlation_items(
    spec: DataQuality, figures: _Figures, reference: SideTally, current: SideTally
) -> None:
    columns = reference.correlation_columns
    if reference.moments is None or current.moments is None:
        figures.items.append(
            NotComputed(
                name="correlation_changes",
                title="Correlation changes",
                reason="fewer than two numeric columns",
            )
        )
        return
    before, after = reference.moments.correlation(), current.moments.correlation()
    change = after - before
    upper = np.triu_indices(len(columns), k=1)
    pairs = np.abs(change[upper])
    defined = ~np.isnan(pairs)
    figures.put("max_correlation_change", float(pairs[defined].max()) if defined.any() else None, both=False)
    order = np.argsort(-np.where(defined, pairs, -1.0), kind="stable")[: spec.correlation_top]
    rows: list[list[Scalar]] = []
    for index in order:
        if not defined[index]:
            break
        i, j = int(upper[0][index]), int(upper[1][index])
        rows.append([columns[i], columns[j], float(before[i, j]), float(after[i, j]), float(change[i, j])])
    figures.items.append(
        Table(
            name="correlation_changes",
            title="Largest correlation changes",
            columns=["column", "other column", "reference", "current", "change"],
            rows=rows,
        )
    )
    figures.items.append(
        Matrix(
            name="correlation_change",
            title="Correlation change (current - reference)",
            row_labels=columns,
            column_labels=columns,
            values=[[float(v) for v in row] for row in change],
        )
    )


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _percent(share: Scalar) -> str:
    return f"{float(share) * 100:.1f}%" if isinstance(share, (int, float)) else ""
