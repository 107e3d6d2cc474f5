"""Column summaries: independent of batch size, mergeable, and the same after a JSON round trip."""

from __future__ import annotations

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tether.monitoring.data.sampling import SAMPLE_ROWS, row_keys
from tether.monitoring.data.sources import Dataset
from tether.monitoring.data.summaries import (
    Bins,
    CategoricalSummary,
    DatasetSummary,
    NumericSummary,
    SummaryKind,
)
from tether.monitoring.data.summarize import _Binner, summarize_columns

KINDS: dict[str, SummaryKind] = {
    "x": "numeric",
    "n": "numeric",
    "c": "categorical",
    "t": "text",
    "d": "datetime",
}


def table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    x[rng.random(rows) < 0.05] = np.nan
    n = rng.integers(0, 7, rows).astype(float)
    cats = np.array(["red", "green", "blue", None], dtype=object)[rng.integers(0, 4, rows)]
    text = ["word " * int(k) for k in rng.integers(1, 20, rows)]
    dates = pa.array(rng.integers(1_600_000_000, 1_700_000_000, rows) * 1_000_000, pa.timestamp("us"))
    return pa.table({"x": x, "n": n, "c": pa.array(cats, pa.string()), "t": text, "d": dates})


def assert_same(first: DatasetSummary, second: DatasetSummary) -> None:
    assert json.dumps(first.to_dict()) == json.dumps(second.to_dict())


@pytest.mark.parametrize("rows", [800, 23_456])
def test_parquet_in_small_chunks_equals_in_memory(tmp_path: object, rows: int) -> None:
    data = table(rows, seed=1)
    path = f"{tmp_path}/data.parquet"
    pq.write_table(data, path, row_group_size=700)
    memory = summarize_columns(Dataset.of(data, "reference"), KINDS)
    chunked = summarize_columns(Dataset.of(path, "reference", batch_rows=1000), KINDS)
    assert_same(memory, chunked)
    current = table(rows // 2, seed=2)
    cur_path = f"{tmp_path}/current.parquet"
    pq.write_table(current, cur_path, row_group_size=333)
    on_bins = summarize_columns(Dataset.of(current, "current"), KINDS, memory.bins())
    on_bins_chunked = summarize_columns(
        Dataset.of(cur_path, "current", batch_rows=1000), KINDS, chunked.bins()
    )
    assert_same(on_bins, on_bins_chunked)


def test_numeric_summary_counts_what_numpy_counts() -> None:
    data = table(20_000, seed=3)
    summary = summarize_columns(Dataset.of(data, "reference"), KINDS)
    x = data.column("x").to_numpy()
    column = summary.columns["x"]
    assert isinstance(column, NumericSummary)
    assert column.rows == 20_000
    assert column.missing == int(np.isnan(x).sum())
    assert column.minimum == np.nanmin(x)
    assert column.maximum == np.nanmax(x)
    assert int(column.counts.sum()) == column.present
    assert not column.whole
    assert column.sample_values.size == SAMPLE_ROWS
    assert column.bins is not None
    finite = x[~np.isnan(x)]
    expected = np.bincount(
        np.searchsorted(column.bins.edges, finite, side="right"), minlength=column.counts.size
    )
    assert column.counts.tolist() == expected.tolist()


def test_text_is_summarised_by_length_and_datetimes_in_epoch_seconds() -> None:
    data = table(300, seed=4)
    summary = summarize_columns(Dataset.of(data, "reference"), KINDS)
    text, dates = summary.columns["t"], summary.columns["d"]
    assert isinstance(text, NumericSummary) and isinstance(dates, NumericSummary)
    lengths = sorted(len(v) for v in data.column("t").to_pylist())
    assert sorted(text.sample_values.tolist()) == lengths
    assert text.whole
    assert dates.minimum == pytest.approx(min(data.column("d").cast(pa.int64()).to_pylist()) / 1e6)


def test_categorical_summary_counts_categories_and_missing() -> None:
    data = pa.table({"c": pa.array(["a", "b", None, "a", "c", "a", None]).dictionary_encode()})
    summary = summarize_columns(Dataset.of(data, "reference"), {"c": "categorical"})
    column = summary.columns["c"]
    assert isinstance(column, CategoricalSummary)
    assert column.labels == ["a", "b", "c"]
    assert column.counts.tolist() == [3, 1, 1]
    assert column.missing == 2


def test_floats_read_as_categories_count_nan_as_missing() -> None:
    data = pa.table({"c": pa.array([1.0, float("nan"), 2.0, None, 1.0])})
    column = summarize_columns(Dataset.of(data, "reference"), {"c": "categorical"}).columns["c"]
    assert isinstance(column, CategoricalSummary)
    assert column.labels == [1.0, 2.0]
    assert column.missing == 2


def test_summaries_round_trip_through_json() -> None:
    summary = summarize_columns(Dataset.of(table(9_000, seed=5), "reference"), KINDS)
    again = DatasetSummary.from_dict(json.loads(json.dumps(summary.to_dict())))
    assert_same(summary, again)
    assert again.bins()["x"].edges.tolist() == summary.bins()["x"].edges.tolist()


def test_merging_summaries_of_two_halves_equals_the_whole() -> None:
    whole = table(12_000, seed=6)
    reference = summarize_columns(Dataset.of(whole, "reference"), KINDS)
    first = summarize_columns(Dataset.of(whole.slice(0, 5_000), "current"), KINDS, reference.bins())
    both = summarize_columns(Dataset.of(whole, "current"), KINDS, reference.bins())
    second_half = whole.slice(5_000)
    second = summarize_columns(Dataset.of(second_half, "current"), KINDS, reference.bins())
    for name in ("x", "n", "t", "d"):
        merged, expected = first.columns[name].merge(second.columns[name]), both.columns[name]  # type: ignore[arg-type]
        assert isinstance(merged, NumericSummary) and isinstance(expected, NumericSummary)
        assert merged.counts.tolist() == expected.counts.tolist()
        assert merged.atoms.tolist() == expected.atoms.tolist()
        assert (merged.minimum, merged.maximum, merged.missing) == (
            expected.minimum,
            expected.maximum,
            expected.missing,
        )
    categories = first.columns["c"].merge(second.columns["c"])  # type: ignore[arg-type]
    assert dict(zip(categories.labels, categories.counts.tolist(), strict=True)) == dict(
        zip(both.columns["c"].labels, both.columns["c"].counts.tolist(), strict=True)  # type: ignore[union-attr]
    )


def test_merging_needs_the_same_bins() -> None:
    one = summarize_columns(Dataset.of(table(100, seed=1), "a"), {"x": "numeric"}).columns["x"]
    two = summarize_columns(Dataset.of(table(100, seed=2), "b"), {"x": "numeric"}).columns["x"]
    with pytest.raises(ValueError, match="same bins"):
        one.merge(two)  # type: ignore[arg-type]


def test_all_missing_column_has_no_bins() -> None:
    data = pa.table({"x": pa.array([None, None], pa.float64())})
    column = summarize_columns(Dataset.of(data, "reference"), {"x": "numeric"}).columns["x"]
    assert isinstance(column, NumericSummary)
    assert column.bins is None and column.present == 0 and column.minimum is None


def test_row_keys_are_a_fixed_permutation() -> None:
    keys = row_keys(0, 100_000)
    assert np.unique(keys).size == keys.size
    assert row_keys(500, 10).tolist() == keys[500:510].tolist()


def test_binner_agrees_with_searchsorted_everywhere() -> None:
    rng = np.random.default_rng(12)
    values = np.concatenate([rng.standard_cauchy(50_000), rng.integers(-3, 3, 5_000).astype(float)])
    bins = Bins.from_sample(values[:6_000], float(values.min()), float(values.max()))
    probe = np.concatenate(
        [values, bins.edges, np.nextafter(bins.edges, np.inf), np.nextafter(bins.edges, -np.inf)]
    )
    found, left = _Binner(bins.edges).index(probe)
    assert found.tolist() == np.searchsorted(bins.edges, probe, side="right").tolist()
    bounds = np.concatenate([[-np.inf], bins.edges])
    assert left.tolist() == bounds[found].tolist()


def test_small_reference_keeps_every_value_as_an_edge() -> None:
    values = np.array([3.0, 1.0, 2.0, 2.0, 5.0])
    bins = Bins.from_sample(values, 1.0, 5.0, whole=True)
    assert bins.edges.tolist() == [1.0, 2.0, 3.0, 5.0]
